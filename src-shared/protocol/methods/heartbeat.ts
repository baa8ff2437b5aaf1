import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

/**
 * One heartbeat's outcome (the reference's `heartbeat` event): `sent` (the reply went to its target), `ok-empty`
 * (no reply), `ok-token` (HEARTBEAT_OK, not delivered), `skipped` (with `reason`: `requests-in-flight`,
 * `quiet-hours`, `empty-heartbeat-file`, `no-route`, `target-none`, …) or `failed`.
 */
export const HeartbeatEventSchema = Type.Object({
  ts: Type.Integer(),
  status: Type.Union([Type.Literal('sent'), Type.Literal('ok-empty'), Type.Literal('ok-token'), Type.Literal('skipped'), Type.Literal('failed')]),
  reason: Type.Optional(Type.String()),
  /** The start of a delivered (or undeliverable) reply. */
  preview: Type.Optional(Type.String()),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  /** The recipient the reply went to. */
  to: Type.Optional(Type.String()),
  channel: Type.Optional(Type.String()),
  accountId: Type.Optional(Type.String()),
  /** `ok` for acknowledgements, `alert` for a delivered reply, `error` for a failure. */
  indicatorType: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('alert'), Type.Literal('error')])),
  /** Plain words for a skip a person can fix (no route yet, delivery off). */
  message: Type.Optional(Type.String()),
  /** The agent whose heartbeat it was. */
  agentId: Type.Optional(Type.String()),
});

export const lastHeartbeatMethod = defineMethod({
  description: 'The last heartbeat outcome (any agent), or null when none ran yet. Kept in the store, so it survives a restart.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Union([HeartbeatEventSchema, Type.Null()]),
});

export const setHeartbeatsMethod = defineMethod({
  description: 'Turns scheduled heartbeats on or off at run time (until the gateway restarts; the config decides after that).',
  scope: OperatorScopes.ADMIN,
  params: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), enabled: Type.Boolean() }),
});
