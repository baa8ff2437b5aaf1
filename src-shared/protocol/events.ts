import { ExecApprovalSchema } from './methods/exec-approvals.js';
import { Type, type Static } from '@sinclair/typebox';
import { ChannelAccountStatusSchema } from './methods/channels.js';
import { ConfigReloadStatusSchema, HealthSnapshotSchema } from './methods/system.js';
import { ConnectChallengeSchema, PresenceEntrySchema } from './frames.js';
import { NodePairRequestSchema } from './methods/nodes.js';
import { ChatMessageSchema } from './methods/chat.js';
import { HeartbeatEventSchema } from './methods/heartbeat.js';

/** Server events: payload schema and the scope a client needs to receive it (null: every authenticated client). */
export const EVENTS = {
  'connect.challenge': { payload: ConnectChallengeSchema, scope: null },
  tick: { payload: Type.Object({ ts: Type.Integer() }), scope: null },
  presence: { payload: Type.Object({ presence: Type.Array(PresenceEntrySchema) }), scope: null },
  health: { payload: HealthSnapshotSchema, scope: null },
  shutdown: {
    payload: Type.Object({ reason: Type.String(), restartExpectedMs: Type.Optional(Type.Integer()) }),
    scope: null,
  },
  'config.reloaded': { payload: ConfigReloadStatusSchema, scope: 'operator.read' },
  /** Chat stream for a session: `delta`s, then `final`, `aborted` or `error`. */
  chat: {
    payload: Type.Object({
      runId: Type.String(),
      sessionKey: Type.String(),
      agentId: Type.Optional(Type.String()),
      seq: Type.Integer(),
      state: Type.Union([Type.Literal('delta'), Type.Literal('final'), Type.Literal('aborted'), Type.Literal('error')]),
      deltaText: Type.Optional(Type.String()),
      message: Type.Optional(Type.Unknown()),
      usage: Type.Optional(Type.Unknown()),
      stopReason: Type.Optional(Type.String()),
      errorKind: Type.Optional(Type.String()),
      errorMessage: Type.Optional(Type.String()),
    }),
    scope: 'operator.read',
  },
  /** Run lifecycle, assistant text and tool activity. */
  agent: {
    payload: Type.Object({ runId: Type.String(), seq: Type.Integer(), stream: Type.String(), ts: Type.Integer(), data: Type.Record(Type.String(), Type.Unknown()), sessionKey: Type.Optional(Type.String()) }),
    scope: 'operator.read',
  },
  'device.pair.requested': { payload: Type.Object({ requestId: Type.String(), deviceId: Type.String(), role: Type.String(), displayName: Type.Optional(Type.String()), platform: Type.Optional(Type.String()), expiresAtMs: Type.Integer() }), scope: 'operator.pairing' },
  'device.pair.resolved': { payload: Type.Object({ requestId: Type.String(), deviceId: Type.String(), decision: Type.String() }), scope: 'operator.pairing' },
  /** To a node: run a command (answer with `node.invoke.result`). */
  'node.invoke.request': { payload: Type.Object({ id: Type.String(), nodeId: Type.String(), command: Type.String(), paramsJSON: Type.Optional(Type.String()), timeoutMs: Type.Optional(Type.Integer()) }), scope: null },
  /** To a node: stop working on a request. */
  'node.invoke.cancel': { payload: Type.Object({ id: Type.String(), nodeId: Type.String() }), scope: null },
  'node.presence': { payload: Type.Object({ nodeId: Type.String(), connected: Type.Boolean() }), scope: 'operator.read' },
  'node.event': { payload: Type.Object({ nodeId: Type.String(), event: Type.String(), payload: Type.Optional(Type.Unknown()) }), scope: 'operator.read' },
  /** A node declared commands that need an operator's approval (`node.pair.approve`). */
  'node.pair.requested': { payload: NodePairRequestSchema, scope: 'operator.pairing' },
  /** A node request was approved, rejected, removed or superseded by a changed command list. */
  'node.pair.resolved': {
    payload: Type.Object({ requestId: Type.String(), nodeId: Type.String(), decision: Type.String(), commands: Type.Optional(Type.Array(Type.String())) }),
    scope: 'operator.pairing',
  },
  /** DM pairing: a request arrived, was approved, dismissed or expired (the tray shows these). */
  pairing: {
    payload: Type.Object({
      type: Type.Union([Type.Literal('requested'), Type.Literal('approved'), Type.Literal('dismissed'), Type.Literal('expired')]),
      channel: Type.String(),
      accountId: Type.String(),
      id: Type.Optional(Type.String()),
      senderId: Type.Optional(Type.String()),
      code: Type.String(),
      createdAt: Type.Optional(Type.String()),
      lastSeenAt: Type.Optional(Type.String()),
      expiresAt: Type.Optional(Type.String()),
      meta: Type.Optional(Type.Unknown()),
    }),
    scope: 'operator.pairing',
  },
  /** A channel account changed state (connected, restarting, failed…). */
  'channels.changed': { payload: ChannelAccountStatusSchema, scope: 'operator.read' },
  /**
   * A session changed (`reason`: patch, reset, delete, …). Connections that called `sessions.subscribe` also get one with
   * `phase: "message"` whenever a transcript entry is written in any session.
   */
  /** A program outside the exec allow-list waits for the owner (`exec.approval.resolve`). */
  'exec.approval.requested': { payload: ExecApprovalSchema, scope: 'operator.approvals' },
  /** An exec approval was answered, or expired (`expired`: counted as denied). */
  'exec.approval.resolved': {
    payload: Type.Object({ id: Type.String(), decision: Type.Union([Type.Literal('allow-once'), Type.Literal('allow-always'), Type.Literal('deny'), Type.Literal('expired')]) }),
    scope: 'operator.approvals',
  },
  'sessions.changed': {
    payload: Type.Object({
      sessionKey: Type.String(),
      reason: Type.String(),
      agentId: Type.Optional(Type.String()),
      phase: Type.Optional(Type.String()),
      ts: Type.Optional(Type.Integer()),
    }),
    scope: 'operator.read',
  },
  /** A transcript entry was written (a user message from any client or channel, a reply, a tool step): only to connections watching the session (`sessions.messages.subscribe`). */
  'session.message': {
    payload: Type.Object({
      sessionKey: Type.String(),
      agentId: Type.Optional(Type.String()),
      sessionId: Type.String(),
      messageSeq: Type.Integer(),
      messageId: Type.String(),
      message: ChatMessageSchema,
      runId: Type.Optional(Type.String()),
      /** The session's turn is still running when the entry is written (its `chat` final follows). */
      hasActiveRun: Type.Boolean(),
    }),
    scope: 'operator.read',
  },
  /** A scheduled job was added, changed or removed, or one of its runs started or finished. */
  cron: {
    payload: Type.Object({
      jobId: Type.String(),
      action: Type.Union([Type.Literal('added'), Type.Literal('updated'), Type.Literal('removed'), Type.Literal('started'), Type.Literal('finished')]),
      runId: Type.Optional(Type.String()),
      status: Type.Optional(Type.String()),
      summary: Type.Optional(Type.String()),
      error: Type.Optional(Type.String()),
      nextRunAtMs: Type.Optional(Type.Integer()),
    }),
    scope: 'operator.read',
  },
  /** An agent heartbeat ran, was skipped or failed (`last-heartbeat` returns the latest). */
  heartbeat: { payload: HeartbeatEventSchema, scope: 'operator.read' },
} as const;

export type EventName = keyof typeof EVENTS;
export type EventPayload<E extends EventName> = Static<(typeof EVENTS)[E]['payload']>;
