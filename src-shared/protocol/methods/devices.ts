import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

const Empty = Type.Object({}, { additionalProperties: false });

export const PairRequestSchema = Type.Object({
  requestId: Type.String(),
  deviceId: Type.String(),
  publicKey: Type.String(),
  role: Type.String(),
  scopes: Type.Array(Type.String()),
  reason: Type.String(),
  clientId: Type.String(),
  clientMode: Type.String(),
  platform: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  remoteAddress: Type.Optional(Type.String()),
  createdAtMs: Type.Integer(),
  expiresAtMs: Type.Integer(),
});

export const PairedDeviceSchema = Type.Object({
  deviceId: Type.String(),
  role: Type.String(),
  scopes: Type.Array(Type.String()),
  clientId: Type.Optional(Type.String()),
  platform: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  createdAtMs: Type.Integer(),
  approvedAtMs: Type.Integer(),
  lastSeenAtMs: Type.Optional(Type.Integer()),
  connected: Type.Boolean(),
});

export const devicePairListMethod = defineMethod({
  description: 'Pending device pairing requests and paired devices.',
  scope: OperatorScopes.PAIRING,
  params: Empty,
  result: Type.Object({ pending: Type.Array(PairRequestSchema), paired: Type.Array(PairedDeviceSchema) }),
});

const RequestId = Type.Object({ requestId: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const DeviceId = Type.Object({ deviceId: Type.String({ minLength: 1 }) }, { additionalProperties: false });

export const devicePairApproveMethod = defineMethod({
  description: 'Approve a pending device; it gets a device token when it reconnects.',
  scope: OperatorScopes.PAIRING,
  params: RequestId,
  result: Type.Object({ ok: Type.Boolean(), device: PairedDeviceSchema }),
});

export const devicePairRejectMethod = defineMethod({
  description: 'Reject a pending device pairing request.',
  scope: OperatorScopes.PAIRING,
  params: RequestId,
  result: Type.Object({ ok: Type.Boolean(), requestId: Type.String() }),
});

export const devicePairRemoveMethod = defineMethod({
  description: 'Unpair a device: its tokens stop working and its open connections close at once.',
  scope: OperatorScopes.PAIRING,
  params: DeviceId,
  result: Type.Object({ ok: Type.Boolean(), deviceId: Type.String(), removed: Type.Boolean(), closedConnections: Type.Integer() }),
});

export const devicePairRenameMethod = defineMethod({
  description: 'Give a paired device a display name.',
  scope: OperatorScopes.PAIRING,
  params: Type.Object({ deviceId: Type.String({ minLength: 1 }), displayName: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), device: PairedDeviceSchema }),
});

export const deviceTokenRotateMethod = defineMethod({
  description: "Issue a new token for a paired device's role; the old one stops working and its connections close.",
  scope: OperatorScopes.PAIRING,
  params: Type.Object({ deviceId: Type.String({ minLength: 1 }), role: Type.Optional(Type.String()) }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), deviceId: Type.String(), role: Type.String(), deviceToken: Type.String(), issuedAtMs: Type.Integer() }),
});

export const deviceTokenRevokeMethod = defineMethod({
  description: "Revoke a paired device's tokens (the pairing stays); its token-authenticated connections close.",
  scope: OperatorScopes.PAIRING,
  params: Type.Object({ deviceId: Type.String({ minLength: 1 }), role: Type.Optional(Type.String()) }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), deviceId: Type.String(), revoked: Type.Integer(), closedConnections: Type.Integer() }),
});

export const devicePairSetupCodeMethod = defineMethod({
  description: 'A setup code (and QR text) a phone scans to pair as a node: gateway URL(s) and a single-use 10-minute bootstrap token.',
  scope: OperatorScopes.ADMIN,
  params: Type.Object({ url: Type.Optional(Type.String({ pattern: '^wss?://' })) }, { additionalProperties: false }),
  result: Type.Object({ setupCode: Type.String(), url: Type.String(), urls: Type.Array(Type.String()), expiresAtMs: Type.Integer(), pairingPageUrl: Type.Optional(Type.String()) }),
});
