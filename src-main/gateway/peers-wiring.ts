/** Gateways sharing one database: this one's announcement, its role, and what crosses between them (events, replies to send, aborts). */
import { hostname } from 'node:os';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import type { ChannelsRuntime } from '../channels/runtime.js';
import type { Logger } from '../logging/index.js';
import type { InboundQueue } from '../queue/inbound-queue.js';
import type { StoreCoordination, StoreLease } from '../store/types.js';
import type { EventBus } from './event-bus.js';

/** Events a client of any gateway should see, wherever they happened. The rest (health, presence, ticks, config) belong to each gateway. */
const SHARED_EVENTS = new Set(['chat', 'agent', 'pairing', 'sessions.changed', 'session.message', 'channels.changed', 'cron']);
/** A streaming delta larger than this is not passed on (the final message carries the whole text). */
const MAX_FORWARDED_DELTA_BYTES = 6000;

export interface Peers {
  cluster(): MethodResult<'health'>['cluster'];
  /** Stops passing events on and leaves (the store's close also leaves). */
  close(): Promise<void>;
}

export async function wirePeers(o: {
  coordination: StoreCoordination;
  lease: StoreLease | undefined;
  bus: EventBus;
  channels: ChannelsRuntime;
  queue: Pick<InboundQueue, 'abort'>;
  port: number;
  log: Logger;
}): Promise<Peers> {
  const { coordination: coord, bus, log } = o;
  const role = () => (o.lease?.held() ? 'primary' : 'standby');
  let receiving = false;
  let forwardFailureLogged = false;
  const detachBroadcast = bus.attachBroadcast((event, payload) => {
    if (receiving || !SHARED_EVENTS.has(event)) return;
    if (event === 'chat' && (payload as { state?: string }).state === 'delta' && Buffer.byteLength(JSON.stringify(payload)) > MAX_FORWARDED_DELTA_BYTES) return;
    coord.notify('event', { event, payload }).then(
      () => (forwardFailureLogged = false),
      (err: unknown) => {
        if (!forwardFailureLogged) log.warn('could not pass an event on to the other gateways', { event, err });
        forwardFailureLogged = true;
      },
    );
  });
  const unlisten = coord.onNotice((topic, data) => {
    if (topic === 'outbox') o.channels.flushReplies();
    else if (topic === 'abort') {
      const a = data as { sessionKey?: string; runId?: string };
      if (typeof a.sessionKey === 'string') o.queue.abort(a.sessionKey, typeof a.runId === 'string' ? a.runId : undefined);
    } else if (topic === 'event') {
      const e = data as { event?: string; payload?: unknown };
      if (typeof e.event !== 'string' || !SHARED_EVENTS.has(e.event)) return;
      receiving = true;
      try {
        bus.publish(e.event, e.payload);
      } finally {
        receiving = false;
      }
    }
  });
  const unlease = o.lease?.onChange(() => coord.setRole(role()));
  await coord.join({ host: hostname(), pid: process.pid, port: o.port, role: role() });
  return {
    cluster() {
      const now = Date.now();
      return {
        instanceId: coord.instanceId,
        role: role(),
        live: coord.live(),
        peers: coord
          .peers()
          .filter((p) => !p.self && p.role !== 'stopped')
          .map((p) => ({ instanceId: p.instanceId, host: p.host, pid: p.pid, ...(p.port ? { port: p.port } : {}), role: p.role, alive: p.alive, seenAgoMs: Math.max(0, now - p.seenAtMs) })),
      };
    },
    async close() {
      detachBroadcast();
      unlisten();
      unlease?.();
      await coord.close();
    },
  };
}
