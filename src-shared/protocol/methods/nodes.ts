import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

export const NodeInfoSchema = Type.Object({
  nodeId: Type.String(),
  displayName: Type.Optional(Type.String()),
  platform: Type.Optional(Type.String()),
  clientId: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  caps: Type.Array(Type.String()),
  /** Commands the node declared on its current connection. */
  commands: Type.Array(Type.String()),
  /** The declared commands that would run now: approved, and allowed for the platform. */
  allowedCommands: Type.Optional(Type.Array(Type.String())),
  /** A `node.pair` request waiting for an operator, if any. */
  pendingRequestId: Type.Optional(Type.String()),
  connected: Type.Boolean(),
  connectedAtMs: Type.Optional(Type.Integer()),
  lastSeenAtMs: Type.Optional(Type.Integer()),
});

export const nodeListMethod = defineMethod({
  description: 'Paired nodes and whether they are connected.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({ nodes: Type.Array(NodeInfoSchema) }),
});

export const nodeDescribeMethod = defineMethod({
  description: 'One node: its capabilities and commands.',
  scope: OperatorScopes.READ,
  params: Type.Object({ nodeId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  result: NodeInfoSchema,
});

export const nodeRenameMethod = defineMethod({
  description: 'Rename a node.',
  scope: OperatorScopes.PAIRING,
  params: Type.Object({ nodeId: Type.String({ minLength: 1 }), displayName: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), nodeId: Type.String(), displayName: Type.String() }),
});

export const nodeInvokeMethod = defineMethod({
  description: 'Run a command on a connected node and wait for its result.',
  scope: OperatorScopes.WRITE,
  params: Type.Object(
    {
      nodeId: Type.String({ minLength: 1 }),
      command: Type.String({ minLength: 1, maxLength: 128 }),
      params: Type.Optional(Type.Unknown()),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
      idempotencyKey: Type.String({ minLength: 1, maxLength: 256 }),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({ ok: Type.Boolean(), nodeId: Type.String(), command: Type.String(), payload: Type.Optional(Type.Unknown()), error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })) }),
});

export const nodeInvokeCancelMethod = defineMethod({
  description: 'Cancel a running node.invoke (by its idempotency key).',
  scope: OperatorScopes.WRITE,
  params: Type.Object({ idempotencyKey: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), cancelled: Type.Boolean() }),
});

/** Sent by the node: the outcome of a `node.invoke.request`. */
export const nodeInvokeResultMethod = defineMethod({
  description: 'Node → gateway: the result of an invoke request.',
  scope: null,
  roles: ['node'],
  params: Type.Object(
    {
      id: Type.String({ minLength: 1 }),
      nodeId: Type.Optional(Type.String()),
      ok: Type.Boolean(),
      payload: Type.Optional(Type.Unknown()),
      payloadJSON: Type.Optional(Type.String()),
      error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({ ok: Type.Boolean() }),
});

export const nodeInvokeProgressMethod = defineMethod({
  description: 'Node → gateway: progress of an invoke request.',
  scope: null,
  roles: ['node'],
  params: Type.Object({ id: Type.String({ minLength: 1 }), nodeId: Type.Optional(Type.String()), progress: Type.Optional(Type.Number()), message: Type.Optional(Type.String()) }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean() }),
});

export const nodeEventMethod = defineMethod({
  description: 'Node → gateway: an event from the node (shown to operators).',
  scope: null,
  roles: ['node'],
  params: Type.Object({ event: Type.String({ minLength: 1, maxLength: 128 }), payload: Type.Optional(Type.Unknown()) }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean() }),
});

export const NodePairRequestSchema = Type.Object({
  requestId: Type.String(),
  node: Type.Object({ nodeId: Type.String(), displayName: Type.Optional(Type.String()), platform: Type.Optional(Type.String()), clientId: Type.Optional(Type.String()) }),
  /** Declared commands waiting for approval. */
  commands: Type.Array(Type.String()),
  /** Commands the platform policy blocks even once approved (`gateway.nodes.allowCommands` opts in). */
  blockedByPolicy: Type.Array(Type.String()),
  /** Scopes approving needs besides `operator.pairing`: `operator.admin` for host commands, else `operator.write`. */
  requiredScopes: Type.Array(Type.String()),
  createdAtMs: Type.Integer(),
});

export const nodePairListMethod = defineMethod({
  description: 'Node command approval: pending requests and the commands approved per node.',
  scope: OperatorScopes.PAIRING,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({
    pending: Type.Array(NodePairRequestSchema),
    paired: Type.Array(Type.Object({ nodeId: Type.String(), displayName: Type.Optional(Type.String()), platform: Type.Optional(Type.String()), commands: Type.Array(Type.String()), approvedAtMs: Type.Integer() })),
  }),
});

const NodeRequestId = Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });

export const nodePairApproveMethod = defineMethod({
  description: "Approve a node's pending commands (host commands such as system.run also need operator.admin, others operator.write).",
  scope: OperatorScopes.PAIRING,
  params: NodeRequestId,
  result: Type.Object({
    ok: Type.Boolean(),
    requestId: Type.String(),
    nodeId: Type.String(),
    /** Every command the approval covers. */
    commands: Type.Array(Type.String()),
    /** Approved commands the gateway's node policy still blocks (platform ceiling, `gateway.nodes.denyCommands`); they run only once `gateway.nodes.allowCommands` lets them. */
    blockedByPolicy: Type.Array(Type.String()),
  }),
});

export const nodePairRejectMethod = defineMethod({
  description: "Reject a node's pending commands; the node asks again when it reconnects.",
  scope: OperatorScopes.PAIRING,
  params: NodeRequestId,
  result: Type.Object({ ok: Type.Boolean(), requestId: Type.String(), nodeId: Type.String() }),
});

export const nodePairRemoveMethod = defineMethod({
  description: "Withdraw every command approval of a node (it stays paired as a device; device.pair.remove unpairs it).",
  scope: OperatorScopes.PAIRING,
  params: Type.Object({ nodeId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), nodeId: Type.String(), removedCommands: Type.Integer() }),
});
