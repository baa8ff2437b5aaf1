import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';
import { ForgottenMemoriesSchema, PersonMemoriesSchema } from './sessions.js';

const Opt = Type.Optional;

/** One channel account's live state: the truth, never "OK" for a deaf bot. */
export const ChannelAccountStatusSchema = Type.Object({
  channel: Type.String(),
  accountId: Type.String(),
  enabled: Type.Boolean(),
  configured: Type.Boolean(),
  state: Type.Union(['starting', 'running', 'backoff', 'failed', 'stopped'].map((s) => Type.Literal(s))),
  running: Type.Boolean(),
  connected: Type.Boolean(),
  lastError: Opt(Type.String()),
  lastErrorAt: Opt(Type.Integer()),
  lastStartAt: Opt(Type.Integer()),
  lastConnectedAt: Opt(Type.Integer()),
  lastInboundAt: Opt(Type.Integer()),
  lastOutboundAt: Opt(Type.Integer()),
  lastHeartbeatAt: Opt(Type.Integer()),
  restarts: Type.Integer(),
  inboundCount: Type.Integer(),
  outboundCount: Type.Integer(),
  nextRetryAt: Opt(Type.Integer()),
  details: Opt(Type.Record(Type.String(), Type.Unknown())),
});

export const ChannelsStatusSchema = Type.Object({
  ts: Type.Integer(),
  channelOrder: Type.Array(Type.String()),
  channelLabels: Type.Record(Type.String(), Type.String()),
  channels: Type.Record(
    Type.String(),
    Type.Object({ configured: Type.Boolean(), running: Type.Boolean(), connected: Type.Boolean(), accounts: Type.Integer(), lastError: Opt(Type.String()) }),
  ),
  channelAccounts: Type.Record(Type.String(), Type.Array(ChannelAccountStatusSchema)),
  channelDefaultAccountId: Type.Record(Type.String(), Type.String()),
  /** Channels that link by scanning a QR code (`web.login.*`), configured or not, in catalog order. */
  qrLoginChannels: Opt(Type.Array(Type.String())),
});

const AccountRef = Type.Object({ channel: Type.String({ minLength: 1 }), accountId: Opt(Type.String({ minLength: 1 })) }, { additionalProperties: false });

export const channelsStatusMethod = defineMethod({
  description: 'Every configured channel account: connected, last inbound/outbound, last error, restarts.',
  scope: OperatorScopes.READ,
  params: Type.Object({ probe: Opt(Type.Boolean()), timeoutMs: Opt(Type.Integer({ minimum: 0 })), channel: Opt(Type.String()) }, { additionalProperties: false }),
  result: ChannelsStatusSchema,
});

export const channelsStartMethod = defineMethod({
  description: 'Start (or restart) a channel account.',
  scope: OperatorScopes.ADMIN,
  params: AccountRef,
  result: ChannelAccountStatusSchema,
});

export const channelsStopMethod = defineMethod({
  description: 'Stop a channel account until it is started again or the config changes.',
  scope: OperatorScopes.ADMIN,
  params: AccountRef,
  result: ChannelAccountStatusSchema,
});

export const channelsLogoutMethod = defineMethod({
  description: "Stop a channel account and forget its stored credentials (unlinks WhatsApp).",
  scope: OperatorScopes.ADMIN,
  params: AccountRef,
  result: Type.Object({ channel: Type.String(), accountId: Type.String(), cleared: Type.Boolean() }),
});

export const webLoginStartMethod = defineMethod({
  description: 'Begin a QR login (WhatsApp): returns the QR code to scan.',
  scope: OperatorScopes.ADMIN,
  params: Type.Object(
    { channel: Opt(Type.String()), accountId: Opt(Type.String()), force: Opt(Type.Boolean()), timeoutMs: Opt(Type.Integer({ minimum: 0, maximum: 600_000 })), verbose: Opt(Type.Boolean()) },
    { additionalProperties: false },
  ),
  result: Type.Object({ qr: Opt(Type.String()), qrDataUrl: Opt(Type.String()), message: Type.String(), connected: Opt(Type.Boolean()) }),
});

export const webLoginWaitMethod = defineMethod({
  description: 'Wait for the QR login started by web.login.start to finish.',
  scope: OperatorScopes.ADMIN,
  params: Type.Object(
    {
      channel: Opt(Type.String()),
      accountId: Opt(Type.String()),
      timeoutMs: Opt(Type.Integer({ minimum: 0, maximum: 600_000 })),
      sessionKey: Opt(Type.String()),
      /** The QR the caller shows now: answered at once when a newer one exists. */
      currentQrDataUrl: Opt(Type.String({ maxLength: 16384 })),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({ connected: Type.Boolean(), message: Type.String(), qr: Opt(Type.String()), qrDataUrl: Opt(Type.String()), linkedAs: Opt(Type.String()) }),
});

export const PairingRequestSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  channel: Type.String(),
  accountId: Type.String(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  meta: Type.Object({ name: Opt(Type.String()), heldMessages: Type.Integer() }),
});

export const channelsPairingListMethod = defineMethod({
  description: 'Pending DM pairing requests (unknown senders waiting for approval).',
  scope: OperatorScopes.PAIRING,
  params: Type.Object({ channel: Opt(Type.String()), accountId: Opt(Type.String()) }, { additionalProperties: false }),
  result: Type.Object({
    channel: Opt(Type.String()),
    requests: Type.Array(PairingRequestSchema),
    /** The enabled accounts whose DMs go through pairing: where requests can come from. */
    accounts: Type.Array(Type.Object({ channel: Type.String(), channelLabel: Type.String(), accountId: Type.String() })),
    /** How many requests one account keeps waiting at once (more are ignored), and how long one lives. */
    limits: Type.Object({ pendingPerAccount: Type.Integer({ minimum: 0 }), ttlMs: Type.Integer({ minimum: 0 }) }),
  }),
});

export const channelsPairingApproveMethod = defineMethod({
  description: 'Approve a DM pairing code: the sender is allowed and their held messages are processed.',
  scope: OperatorScopes.PAIRING,
  params: Type.Object(
    { channel: Type.String({ minLength: 1 }), code: Type.String({ minLength: 1, maxLength: 32 }), accountId: Opt(Type.String()), notify: Opt(Type.Boolean()) },
    { additionalProperties: false },
  ),
  result: Type.Object({ channel: Type.String(), accountId: Type.String(), id: Type.String(), senderId: Type.String(), name: Opt(Type.String()), released: Type.Integer() }),
});

/** A sender let in by pairing. `memories` (when a memory plugin is active) is how many the assistant keeps of them. */
export const PairedSenderSchema = Type.Object({
  channel: Type.String(),
  accountId: Type.String(),
  id: Type.String(),
  name: Opt(Type.String()),
  approvedAt: Type.String(),
  memories: Opt(PersonMemoriesSchema),
});

export const channelsPairingAllowedMethod = defineMethod({
  description: 'Senders approved by pairing (the pairing allowlist), with how many memories the assistant keeps of each when a memory plugin is active.',
  scope: OperatorScopes.PAIRING,
  params: Type.Object({ channel: Opt(Type.String()), accountId: Opt(Type.String()) }, { additionalProperties: false }),
  result: Type.Object({ senders: Type.Array(PairedSenderSchema) }),
});

export const channelsPairingRevokeMethod = defineMethod({
  description:
    'Remove a paired sender from the pairing allowlist: their next message starts pairing again. With `forgetMemories` (which also needs operator.write), every memory of them is forgotten, with every agent.',
  scope: OperatorScopes.PAIRING,
  params: Type.Object(
    { channel: Type.String({ minLength: 1 }), id: Type.String({ minLength: 1, maxLength: 256 }), accountId: Opt(Type.String()), forgetMemories: Opt(Type.Boolean()) },
    { additionalProperties: false },
  ),
  result: Type.Object({ channel: Type.String(), accountId: Type.String(), id: Type.String(), revoked: Type.Boolean(), memories: Opt(ForgottenMemoriesSchema) }),
});

export const channelsPairingDismissMethod = defineMethod({
  description: 'Dismiss a DM pairing request; held messages are discarded.',
  scope: OperatorScopes.PAIRING,
  params: Type.Object({ channel: Type.String({ minLength: 1 }), code: Opt(Type.String()), id: Opt(Type.String()), accountId: Opt(Type.String()) }, { additionalProperties: false }),
  result: Type.Object({ channel: Type.String(), accountId: Type.String(), id: Type.String(), dismissed: Type.Boolean() }),
});
