import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

const Count = Type.Integer({ minimum: 0 });

/** A lane of work in the reference protocol's shape: what runs against its limit and what waits. */
export const CommandLaneSchema = Type.Object({
  lane: Type.String(),
  queuedCount: Count,
  activeCount: Count,
  maxConcurrent: Count,
  draining: Type.Boolean(),
  /** What holds the lane back, when something does. */
  blockedBy: Type.Union([Type.String(), Type.Null()]),
});

export const diagnosticsLanesMethod = defineMethod({
  description:
    "The inbound queue's lanes: `main` is the gateway-wide limit on turns running at once (queued: sessions waiting for a slot); `dynamic` sums the per-session lanes (a session's turns run one at a time).",
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({
    ts: Type.Integer(),
    lanes: Type.Array(CommandLaneSchema),
    dynamic: Type.Union([Type.Object({ laneCount: Count, activeCount: Count, queuedCount: Count, queuedLaneCount: Count }), Type.Null()]),
  }),
});
