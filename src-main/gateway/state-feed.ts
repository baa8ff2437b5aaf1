import type { PresenceEntry } from '../../src-shared/protocol/index.js';
import type { GatewayConnection } from './connection.js';

/** Presence and health counters as clients see them (`hello-ok.snapshot.stateVersion`), and their change notices. */
export interface StateFeed {
  versions(): { presence: number; health: number };
  /** The connected clients, as `system-presence` lists them. */
  presence(): PresenceEntry[];
  /** The roster changed: counted now, sent to operators coalesced. */
  presenceChanged(): void;
  /** Something health shows changed: counted, and every `onHealthChanged` listener told. */
  healthChanged(opts?: { localOnly?: boolean }): void;
  /** Listens for {@link StateFeed.healthChanged} (the composition root publishes the snapshot). */
  onHealthChanged(fn: (opts: { localOnly?: boolean }) => void): () => void;
  close(): void;
}

export interface StateFeedDeps {
  /** The open connections, read when needed (the server is built after the feed). */
  connections(): readonly GatewayConnection[];
  /** Coalescing window for roster pushes (ms). */
  presenceDelayMs?: number;
}

export function createStateFeed(deps: StateFeedDeps): StateFeed {
  const versions = { presence: 0, health: 0 };
  const healthListeners = new Set<(opts: { localOnly?: boolean }) => void>();
  let presenceTimer: NodeJS.Timeout | undefined;
  const presence = () => deps.connections().map((c) => c.presence());
  return {
    versions: () => versions,
    presence,
    presenceChanged() {
      versions.presence++;
      // Coalesced, and for operators only: with thousands of nodes connecting, a roster per connect to every client is quadratic.
      if (presenceTimer) return;
      presenceTimer = setTimeout(() => {
        presenceTimer = undefined;
        const payload = { presence: presence() };
        for (const c of deps.connections()) if (c.grant?.role === 'operator') c.sendEvent('presence', payload);
      }, deps.presenceDelayMs ?? 100);
      presenceTimer.unref();
    },
    healthChanged(opts = {}) {
      versions.health++;
      for (const fn of [...healthListeners]) fn(opts);
    },
    onHealthChanged(fn) {
      healthListeners.add(fn);
      return () => void healthListeners.delete(fn);
    },
    close() {
      clearTimeout(presenceTimer);
    },
  };
}
