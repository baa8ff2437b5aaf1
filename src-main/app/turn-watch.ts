/**
 * How many agent turns are running, from the gateway's `agent` lifecycle events (start, end by runId).
 * A turn whose end never arrives (its transaction failed) stops counting after `staleMs`, so a lost
 * event cannot hold an update back for ever.
 */
import type { TurnsPort } from './update-controller.js';

export const STALE_TURN_MS = 30 * 60 * 1000;

export interface TurnWatch extends TurnsPort {
  /** Feed every gateway event here. */
  onEvent(name: string, payload: unknown): void;
  /** The gateway process restarted: none of the old one's turns runs any more. */
  clear(): void;
}

export function createTurnWatch(o: { now?(): number; staleMs?: number } = {}): TurnWatch {
  const now = o.now ?? Date.now;
  const staleMs = o.staleMs ?? STALE_TURN_MS;
  const started = new Map<string, number>();
  const listeners = new Set<(n: number) => void>();
  const prune = () => {
    for (const [runId, at] of started) if (now() - at > staleMs) started.delete(runId);
  };
  const emit = () => {
    const n = started.size;
    for (const fn of [...listeners]) fn(n);
  };
  return {
    running() {
      prune();
      return started.size;
    },
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    onEvent(name, payload) {
      if (name !== 'agent' || typeof payload !== 'object' || payload === null) return;
      const p = payload as { runId?: unknown; stream?: unknown; data?: { phase?: unknown } };
      if (p.stream !== 'lifecycle' || typeof p.runId !== 'string') return;
      const before = started.size;
      if (p.data?.phase === 'start') started.set(p.runId, now());
      else if (p.data?.phase === 'end') started.delete(p.runId);
      prune();
      if (started.size !== before) emit();
    },
    clear() {
      if (started.size === 0) return;
      started.clear();
      emit();
    },
  };
}
