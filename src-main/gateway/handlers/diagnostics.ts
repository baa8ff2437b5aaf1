import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { QueueLanes } from '../../queue/inbound-queue.js';
import type { Handlers } from '../dispatcher.js';

/** The queue's lanes in the reference's `diagnostics.lanes` shape. */
export function presentLanes(l: QueueLanes, ts: number): MethodResult<'diagnostics.lanes'> {
  const s = l.sessions;
  return {
    ts,
    lanes: [{ lane: 'main', queuedCount: l.waitingForSlot, activeCount: l.running, maxConcurrent: l.maxConcurrent, draining: l.draining, blockedBy: l.draining ? 'gateway stopping' : null }],
    dynamic: s.lanes > 0 ? { laneCount: s.lanes, activeCount: s.running, queuedCount: s.queued, queuedLaneCount: s.queuedLanes } : null,
  };
}

export function diagnosticsHandlers(deps: { queue: { lanes(): QueueLanes } }): Handlers {
  return { 'diagnostics.lanes': () => presentLanes(deps.queue.lanes(), Date.now()) };
}
