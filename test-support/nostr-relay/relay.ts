/**
 * A real Nostr relay for tests: `@nostr-relay/core` (NIP-01 REQ/EVENT/CLOSE,
 * subscriptions, broadcasting) behind a `ws` WebSocket server on loopback,
 * over an in-memory event repository. Signatures are checked before an
 * event reaches the relay, as a relay's validator would. Faults: `drop` cuts
 * every connection; `stall` holds everything either way until turned off.
 */
import type { AddressInfo } from 'node:net';
import { EventRepository, EventUtils, type Event, type EventRepositoryUpsertResult, type Filter, type IncomingMessage } from '@nostr-relay/common';
import { NostrRelay } from '@nostr-relay/core';
import { verifyEvent } from 'nostr-tools/pure';
import { WebSocketServer, type WebSocket } from 'ws';
import { Waiters } from '../wait-until.js';

/** Events kept in memory, in arrival order; replaceable kinds keep the newest per author (and `d`). */
export class MemoryEventRepository extends EventRepository {
  readonly events: Event[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly onStored: (event: Event) => void = () => undefined) {
    super();
  }

  isSearchSupported(): boolean {
    return false;
  }

  upsert(event: Event): EventRepositoryUpsertResult {
    if (this.ids.has(event.id)) return { isDuplicate: true };
    const replaceable = event.kind === 0 || event.kind === 3 || (event.kind >= 10000 && event.kind < 20000);
    const addressable = event.kind >= 30000 && event.kind < 40000;
    if (replaceable || addressable) {
      const d = EventUtils.extractDTagValue(event);
      const old = this.events.findIndex((e) => e.kind === event.kind && e.pubkey === event.pubkey && (!addressable || EventUtils.extractDTagValue(e) === d));
      if (old >= 0) {
        if (this.events[old]!.created_at > event.created_at) return { isDuplicate: true };
        this.ids.delete(this.events[old]!.id);
        this.events.splice(old, 1);
      }
    }
    // Ephemeral kinds are broadcast, never stored.
    if (!(event.kind >= 20000 && event.kind < 30000)) {
      this.events.push(event);
      this.ids.add(event.id);
    }
    this.onStored(event);
    return { isDuplicate: false };
  }

  find(filter: Filter): Event[] {
    const found = this.events.filter((e) => EventUtils.isMatchingFilter(e, filter)).sort((a, b) => b.created_at - a.created_at);
    return filter.limit !== undefined ? found.slice(0, filter.limit) : found;
  }

  async destroy(): Promise<void> {}
}

/** A running relay. */
export interface TestRelay {
  url: string;
  repository: MemoryEventRepository;
  /** Open client connections. */
  connections(): number;
  /** Resolves at the next stored event (or after `timeoutMs`). */
  nextStored(timeoutMs: number): Promise<void>;
  drop(): void;
  stall(on: boolean): void;
  close(): Promise<void>;
}

export async function startTestRelay(): Promise<TestRelay> {
  const waiters = new Waiters();
  let stored = 0;
  const repository = new MemoryEventRepository(() => {
    stored++;
    waiters.notify();
  });
  const relay = new NostrRelay(repository);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  let stalled = false;
  const unstalled = () => waiters.until(() => (!stalled ? true : undefined), 2 ** 31 - 1, 'stall to end');
  const sockets = new Set<WebSocket>();

  wss.on('connection', (ws, req) => {
    sockets.add(ws);
    let inbound = Promise.resolve();
    let outbound = Promise.resolve();
    // What the relay library writes goes through here, so a stall holds it too.
    const client = {
      get readyState() {
        return ws.readyState as 0 | 1 | 2 | 3;
      },
      send(data: string, cb?: (err?: Error) => void) {
        outbound = outbound.then(async () => {
          if (stalled) await unstalled();
          if (ws.readyState === ws.OPEN) ws.send(data, cb);
        });
      },
    };
    relay.handleConnection(client, req.socket.remoteAddress);
    ws.on('message', (data) => {
      inbound = inbound.then(async () => {
        if (stalled) await unstalled();
        if (ws.readyState !== ws.OPEN) return;
        let message: IncomingMessage;
        try {
          message = JSON.parse(data.toString()) as IncomingMessage;
        } catch {
          return client.send(JSON.stringify(['NOTICE', 'invalid: not JSON']));
        }
        if (!Array.isArray(message)) return client.send(JSON.stringify(['NOTICE', 'invalid: not an array']));
        if (message[0] === 'EVENT' && !verifyEvent(message[1] as Parameters<typeof verifyEvent>[0])) {
          return client.send(JSON.stringify(['OK', (message[1] as { id?: string })?.id ?? '', false, 'invalid: bad signature']));
        }
        await relay.handleMessage(client, message);
      });
    });
    ws.on('close', () => {
      sockets.delete(ws);
      relay.handleDisconnect(client);
    });
    ws.on('error', () => undefined);
  });

  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    repository,
    connections: () => sockets.size,
    nextStored(timeoutMs) {
      const from = stored;
      return waiters.until(() => (stored > from ? true : undefined), timeoutMs, 'an event').then(() => undefined);
    },
    drop() {
      for (const ws of [...sockets]) ws.terminate();
    },
    stall(on) {
      stalled = on;
      waiters.notify();
    },
    async close() {
      stalled = false;
      waiters.notify();
      for (const ws of [...sockets]) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await relay.destroy();
    },
  };
}
