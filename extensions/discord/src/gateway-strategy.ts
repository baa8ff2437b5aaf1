/**
 * The gateway sharding strategy handed to discord.js (`ws.buildStrategy`, its
 * public extension point). It runs the same shards as discord.js's default
 * strategy and adds what the adapter needs:
 * - every shard event is shown to an observer first (heartbeat ACKs,
 *   dispatches, closes), so liveness is proven by the gateway itself;
 * - a dispatch the observer rejects (malformed) never reaches discord.js, and
 *   a discord.js handler that throws is logged instead of crashing the process;
 * - an optional gateway address override (`gatewayUrl`) replaces the one
 *   announced by GET /gateway/bot; resumes still follow `resume_gateway_url`;
 * - once destroyed, a shard that was sleeping before a reconnect stays down
 *   (discord.js's shard would otherwise reconnect after its destroy).
 */
// @discordjs/ws is the gateway library discord.js is built on (installed with it).
import * as ws from '@discordjs/ws';
import { Collection, type GatewaySendPayload } from 'discord.js';

/** Names of the events a @discordjs/ws shard emits. */
export type ShardEvent = `${ws.WebSocketShardEvents}`;

/**
 * How long to wait for a shard to finish closing. Destroying a shard that is
 * still waiting for HELLO starts a second, overlapping destroy inside
 * @discordjs/ws that unhooks the first one's close callback, so the first
 * never settles although the socket does close.
 */
const DESTROY_WAIT_MS = 1000;

function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work.then(() => undefined, () => undefined), bound]).finally(() => clearTimeout(timer));
}

/** The parts of a `ws` WebSocket used to end a half-open one. */
interface RawSocket {
  readyState: number;
  on(event: 'error', fn: () => void): unknown;
  terminate(): void;
}

/**
 * A shard destroyed while its socket is still connecting leaves that socket
 * without handlers and does not close it, so it would open later and linger.
 * The socket is private to @discordjs/ws; this reaches it only to end it.
 */
function abandonHandshake(shard: ws.WebSocketShard): void {
  const socket = (shard as unknown as { connection?: Partial<RawSocket> | null }).connection;
  if (!socket || socket.readyState !== 0 || typeof socket.terminate !== 'function' || typeof socket.on !== 'function') return;
  // Aborting a handshake emits 'error'; nobody listens any more.
  socket.on('error', () => undefined);
  socket.terminate();
}

/** Sees every shard event before discord.js does. */
export interface GatewayObserver {
  /** Return `false` to keep the event from discord.js (a malformed dispatch). */
  onEvent(event: ShardEvent, payload: Record<string, unknown>, shardId: number): boolean;
  /** A discord.js handler threw while handling `event`. */
  onHandlerError(event: ShardEvent, err: unknown): void;
}

/** Options for {@link ObservedShardingStrategy}. */
export interface ObservedStrategyOptions {
  /** Connect here instead of the address GET /gateway/bot announces. */
  gatewayUrl?: string;
  observer: GatewayObserver;
}

/** Wraps the default context so shards of a destroyed strategy never reconnect. */
class StoppableContext implements ws.IContextFetchingStrategy {
  constructor(
    private readonly inner: ws.IContextFetchingStrategy,
    private readonly generation: { closed: boolean },
  ) {}

  get options(): ws.FetchingStrategyOptions {
    return this.inner.options;
  }

  retrieveSessionInfo(shardId: number): Promise<ws.SessionInfo | null> {
    // A shard asks for its session right before opening a socket; after destroy
    // that question is never answered, so the pending reconnect just ends.
    if (this.generation.closed) return new Promise(() => undefined);
    return Promise.resolve(this.inner.retrieveSessionInfo(shardId));
  }

  updateSessionInfo(shardId: number, info: ws.SessionInfo | null): ReturnType<ws.IContextFetchingStrategy['updateSessionInfo']> {
    return this.inner.updateSessionInfo(shardId, info);
  }

  waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    return this.inner.waitForIdentify(shardId, signal);
  }
}

/** A single-process sharding strategy with an observer and a gateway override. */
export class ObservedShardingStrategy implements ws.IShardingStrategy {
  private readonly shards = new Map<number, ws.WebSocketShard>();
  private generation = { closed: false };

  constructor(
    private readonly manager: ws.WebSocketManager,
    private readonly opts: ObservedStrategyOptions,
  ) {}

  async spawn(shardIds: number[]): Promise<void> {
    this.generation = { closed: false };
    const base = await ws.managerToFetchingStrategyOptions(this.manager);
    const options: ws.FetchingStrategyOptions = this.opts.gatewayUrl
      ? { ...base, gatewayInformation: { ...base.gatewayInformation, url: this.opts.gatewayUrl } }
      : base;
    for (const shardId of shardIds) {
      const context = new StoppableContext(new ws.SimpleContextFetchingStrategy(this.manager, options), this.generation);
      const shard = new ws.WebSocketShard(context, shardId);
      for (const event of Object.values(ws.WebSocketShardEvents)) {
        shard.on(event, (payload?: Record<string, unknown>) => this.forward(event, payload ?? {}, shardId));
      }
      this.shards.set(shardId, shard);
    }
  }

  async connect(): Promise<void> {
    await Promise.all([...this.shards.values()].map((shard) => shard.connect()));
  }

  async destroy(options?: Omit<ws.WebSocketShardDestroyOptions, 'recover'>): Promise<void> {
    this.generation.closed = true;
    await Promise.all(
      [...this.shards.values()].map(async (shard) => {
        await settleWithin(shard.destroy(options), DESTROY_WAIT_MS);
        abandonHandshake(shard);
      }),
    );
    this.shards.clear();
  }

  async send(shardId: number, payload: GatewaySendPayload): Promise<void> {
    const shard = this.shards.get(shardId);
    if (!shard) throw new RangeError(`Shard ${shardId} not found`);
    await shard.send(payload);
  }

  fetchStatus(): ReturnType<ws.IShardingStrategy['fetchStatus']> {
    const status = new Collection([...this.shards].map(([id, shard]) => [id, shard.status] as const));
    // @discordjs/ws types this with its own newer @discordjs/collection; both are the same Map at run time.
    return status as unknown as ReturnType<ws.IShardingStrategy['fetchStatus']>;
  }

  private forward(event: ShardEvent, payload: Record<string, unknown>, shardId: number): void {
    let pass: boolean;
    try {
      pass = this.opts.observer.onEvent(event, payload, shardId);
    } catch (err) {
      this.opts.observer.onHandlerError(event, err);
      pass = true;
    }
    if (!pass) return;
    try {
      // The manager's typed emit wants one literal event; this forwards all of them alike.
      (this.manager.emit as (e: string, p: unknown) => boolean).call(this.manager, event, { ...payload, shardId });
    } catch (err) {
      this.opts.observer.onHandlerError(event, err);
    }
  }
}
