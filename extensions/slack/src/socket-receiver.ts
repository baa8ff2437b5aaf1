/**
 * A Bolt receiver over Socket Mode that acknowledges an envelope only after
 * the app has processed it. Bolt's own SocketModeReceiver acks Events API
 * envelopes before any listener runs (and `processBeforeResponse` exists
 * only for HTTP), so a crash between receipt and queueing would lose the
 * message; here the ack waits for `app.processEvent`, whose listeners wait
 * for `ctx.emit`. A failed listener leaves the envelope unacknowledged and
 * Slack delivers it again.
 *
 * Reconnecting is done here too, not by the SDK: the SDK's reconnect path
 * rejects a promise nobody awaits when Slack refuses the token, which would
 * take the whole gateway down, and it cannot tell its owner it gave up.
 */
import type { App, Logger, Receiver } from '@slack/bolt';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';
import { toSlackAuthError } from './errors.js';
import type { SlackTimings } from './settings.js';
import { GuardedSocketModeClient } from './socket-client.js';

/** Connection state, as `describe()` shows it. */
export type SlackSocketState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

/** Options for {@link AckAfterProcessingReceiver}. */
export interface SlackReceiverOptions {
  appToken: string;
  apiRoot: string;
  timings: SlackTimings;
  log: ChannelLogger;
  sdkLogger: Logger;
  /** A sign of life on a connected socket. */
  onAlive(): void;
  /** Reconnecting failed for good (revoked token, or down longer than the give-up bound). */
  onLost(err: Error): void;
}

/** The `slack_event` payload the Socket Mode client emits. */
interface SlackSocketEvent {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  envelope_id: string;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
}

/** Bolt receiver: Socket Mode, ack after processing, own reconnect loop. */
export class AckAfterProcessingReceiver implements Receiver {
  readonly client: GuardedSocketModeClient;
  private app: App | undefined;
  private state_: SlackSocketState = 'idle';
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private pendingConnect: Promise<unknown> | undefined;

  constructor(private readonly opts: SlackReceiverOptions) {
    const { timings } = opts;
    this.client = new GuardedSocketModeClient(
      {
        appToken: opts.appToken,
        logger: opts.sdkLogger,
        autoReconnectEnabled: false,
        clientPingTimeout: timings.clientPingTimeoutMs,
        serverPingTimeout: timings.serverPingTimeoutMs,
        // The socket's own Web API client asks for the WebSocket URL; this loop owns retries.
        clientOptions: { slackApiUrl: opts.apiRoot, retryConfig: { retries: 0 }, timeout: timings.connectApiTimeoutMs },
      },
      {
        onAlive: () => {
          if (this.state_ === 'connected') opts.onAlive();
        },
        onBadFrame: (reason, envelopeId) => opts.log.warn('Skipped a Socket Mode frame that cannot be read', { reason, envelopeId }),
      },
    );
    this.client.on('slack_event', (event: SlackSocketEvent) => this.track(this.handle(event)));
    this.client.on('disconnected', () => this.onDisconnected());
    // A connection that completes after stop() began is closed at once.
    this.client.on('connected', () => {
      if (this.state_ === 'stopped' || this.state_ === 'failed') void this.client.disconnect();
    });
  }

  /** Current connection state. */
  get state(): SlackSocketState {
    return this.state_;
  }

  init(app: App): void {
    this.app = app;
  }

  /** Open the first connection; rejects (auth errors as `ChannelAuthError`) when it fails. */
  async start(): Promise<void> {
    this.state_ = 'connecting';
    try {
      await this.connectOnce();
    } catch (err) {
      if (this.state_ === 'connecting') this.state_ = 'failed';
      throw toSlackAuthError(err, 'appToken') ?? new Error(`Slack Socket Mode did not connect: ${describeError(err)}`, { cause: err });
    }
    if (this.state_ === 'connecting') this.markConnected();
  }

  /** Close the socket; resolves once no envelope is being processed. Idempotent. */
  async stop(): Promise<void> {
    if (this.state_ === 'stopped') return;
    this.state_ = 'stopped';
    this.stopping.abort();
    // A connect in flight usually settles quickly; closing before it does would miss its socket.
    // One that settles later still gets closed by the 'connected' guard above.
    if (this.pendingConnect) await within(this.pendingConnect.catch(() => undefined), STOP_WAIT_MS);
    await this.disconnectSoon();
    this.client.dispose();
    await Promise.allSettled([...this.inFlight]);
  }

  private async handle(event: SlackSocketEvent): Promise<void> {
    const app = this.app;
    if (!app || this.state_ === 'stopped') return; // unacknowledged: Slack delivers it again
    try {
      await app.processEvent({ body: event.body, ack: async () => undefined, retryNum: event.retry_num, retryReason: event.retry_reason });
    } catch (err) {
      this.opts.log.warn('A Slack event was not handled; leaving it unacknowledged so Slack delivers it again', {
        envelopeId: event.envelope_id,
        err: describeError(err),
      });
      return;
    }
    try {
      await event.ack();
    } catch (err) {
      this.opts.log.info('Could not acknowledge a Slack event (socket closed); Slack will deliver it again', {
        envelopeId: event.envelope_id,
        err: describeError(err),
      });
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private connectOnce(): Promise<unknown> {
    const attempt = this.client.start();
    this.pendingConnect = attempt;
    return attempt.finally(() => {
      if (this.pendingConnect === attempt) this.pendingConnect = undefined;
    });
  }

  private markConnected(): void {
    this.state_ = 'connected';
    this.opts.onAlive();
    // The socket may have closed between Slack's hello and here; that 'disconnected' was ignored.
    if (!this.client.websocket?.isActive()) this.onDisconnected();
  }

  private onDisconnected(): void {
    // Disconnects during connect attempts or stop() are handled where they happen.
    if (this.state_ !== 'connected') return;
    this.state_ = 'reconnecting';
    this.opts.log.info('Slack Socket Mode disconnected; reconnecting');
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    const since = Date.now();
    let pause = this.opts.timings.reconnectMinMs;
    for (let attempt = 1; this.state_ === 'reconnecting'; attempt++) {
      try {
        await this.connectOnce();
        if (this.state_ !== 'reconnecting') return;
        this.opts.log.info('Slack Socket Mode reconnected', { attempt });
        this.markConnected();
        return;
      } catch (err) {
        if (this.state_ !== 'reconnecting') return;
        const auth = toSlackAuthError(err, 'appToken');
        const downMs = Date.now() - since;
        if (auth || downMs >= this.opts.timings.giveUpAfterMs) {
          this.state_ = 'failed';
          this.opts.onLost(auth ?? new Error(`Slack Socket Mode could not reconnect for ${Math.round(downMs / 1000)} s: ${describeError(err)}`, { cause: err }));
          return;
        }
        this.opts.log.info('Slack Socket Mode reconnect attempt failed', { attempt, err: describeError(err), retryInMs: pause });
        await delay(pause, this.stopping.signal);
        pause = Math.min(pause * 2, this.opts.timings.reconnectMaxMs);
      }
    }
  }

  /** Graceful close, forced if the peer does not finish the close handshake quickly. */
  private async disconnectSoon(): Promise<void> {
    const closed = this.client.disconnect().then(() => true);
    if (await within(closed, STOP_WAIT_MS)) return;
    // A second disconnect on a closing socket destroys it without waiting for the peer.
    this.client.websocket?.disconnect();
    await within(closed, STOP_WAIT_MS);
  }
}

const STOP_WAIT_MS = 1500;

/** `work`'s result, or undefined once `ms` passed; the timer never outlives the race. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function describeError(err: unknown): string {
  if (err === undefined) return 'the connection closed before Slack said hello';
  return err instanceof Error ? err.message : String(err);
}
