import { Type, type Static } from '@sinclair/typebox';
import { CLIENT_IDS, CLIENT_MODES } from './client-info.js';

const NonEmpty = Type.String({ minLength: 1 });

/** Error carried by a failed response. `code` is closed; `details.code` refines it. */
export const ErrorShapeSchema = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
    retryable: Type.Optional(Type.Boolean()),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ErrorShape = Static<typeof ErrorShapeSchema>;

/** Client → server request. */
export const RequestFrameSchema = Type.Object(
  {
    type: Type.Literal('req'),
    id: NonEmpty,
    method: NonEmpty,
    params: Type.Optional(Type.Unknown()),
    traceparent: Type.Optional(Type.String({ maxLength: 128 })),
    expectedProfileId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type RequestFrame = Static<typeof RequestFrameSchema>;

/** Server → client response to one request id. */
export const ResponseFrameSchema = Type.Object(
  {
    type: Type.Literal('res'),
    id: NonEmpty,
    ok: Type.Boolean(),
    payload: Type.Optional(Type.Unknown()),
    error: Type.Optional(ErrorShapeSchema),
  },
  { additionalProperties: false },
);
export type ResponseFrame = Static<typeof ResponseFrameSchema>;

/** Server → client event. `seq` is monotonic per connection. */
export const EventFrameSchema = Type.Object(
  {
    type: Type.Literal('event'),
    event: NonEmpty,
    payload: Type.Optional(Type.Unknown()),
    seq: Type.Optional(Type.Integer({ minimum: 0 })),
    stateVersion: Type.Optional(
      Type.Object({ presence: Type.Integer(), health: Type.Integer() }, { additionalProperties: false }),
    ),
    recipientProfileId: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type EventFrame = Static<typeof EventFrameSchema>;

export type Frame = RequestFrame | ResponseFrame | EventFrame;

/** Client description sent in `connect`. `id` and `mode` are closed lists. */
export const ClientInfoSchema = Type.Object(
  {
    id: Type.Union(CLIENT_IDS.map((id) => Type.Literal(id))),
    version: NonEmpty,
    platform: NonEmpty,
    mode: Type.Union(CLIENT_MODES.map((m) => Type.Literal(m))),
    displayName: Type.Optional(Type.String({ maxLength: 256 })),
    buildId: Type.Optional(Type.String({ maxLength: 96 })),
    deviceFamily: Type.Optional(Type.String({ maxLength: 64 })),
    modelIdentifier: Type.Optional(Type.String({ maxLength: 128 })),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    instanceId: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type ClientInfo = Static<typeof ClientInfoSchema>;

/** Signed device identity: Ed25519 over the v3 (or v2) payload string. */
export const DeviceProofSchema = Type.Object(
  {
    id: NonEmpty,
    publicKey: NonEmpty,
    signature: NonEmpty,
    signedAt: Type.Integer(),
    nonce: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DeviceProof = Static<typeof DeviceProofSchema>;

/** Credentials a client may present. Which one counts is decided by the server. */
export const ConnectAuthSchema = Type.Object(
  {
    token: Type.Optional(Type.String()),
    bootstrapToken: Type.Optional(Type.String()),
    deviceToken: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    approvalRuntimeToken: Type.Optional(Type.String()),
    agentRuntimeIdentityToken: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ConnectAuth = Static<typeof ConnectAuthSchema>;

/** Params of the first request, `connect`. A closed object. */
export const ConnectParamsSchema = Type.Object(
  {
    minProtocol: Type.Integer(),
    maxProtocol: Type.Integer(),
    client: ClientInfoSchema,
    role: Type.Optional(Type.String()),
    scopes: Type.Optional(Type.Array(Type.String(), { maxItems: 64 })),
    caps: Type.Optional(Type.Array(Type.String(), { maxItems: 256 })),
    commands: Type.Optional(Type.Array(Type.String(), { maxItems: 1024 })),
    permissions: Type.Optional(Type.Record(Type.String(), Type.Boolean())),
    pathEnv: Type.Optional(Type.String()),
    modelCatalog: Type.Optional(Type.Unknown()),
    device: Type.Optional(DeviceProofSchema),
    auth: Type.Optional(ConnectAuthSchema),
    locale: Type.Optional(Type.String({ maxLength: 64 })),
    userAgent: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type ConnectParams = Static<typeof ConnectParamsSchema>;

/** Payload of the first server event. */
export const ConnectChallengeSchema = Type.Object({ nonce: Type.String(), ts: Type.Integer() });
export type ConnectChallenge = Static<typeof ConnectChallengeSchema>;

export const PresenceEntrySchema = Type.Object({
  connId: Type.String(),
  clientId: Type.String(),
  mode: Type.String(),
  role: Type.String(),
  platform: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  deviceId: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  connectedAtMs: Type.Integer(),
});
export type PresenceEntry = Static<typeof PresenceEntrySchema>;

/** Successful `connect` response payload. */
export const HelloOkSchema = Type.Object({
  type: Type.Literal('hello-ok'),
  protocol: Type.Integer(),
  server: Type.Object({
    version: Type.String(),
    connId: Type.String(),
    buildId: Type.Optional(Type.String()),
    bootId: Type.Optional(Type.String()),
  }),
  features: Type.Object({
    methods: Type.Array(Type.String()),
    events: Type.Array(Type.String()),
    capabilities: Type.Optional(Type.Array(Type.String())),
  }),
  snapshot: Type.Object({
    presence: Type.Array(PresenceEntrySchema),
    health: Type.Unknown(),
    stateVersion: Type.Object({ presence: Type.Integer(), health: Type.Integer() }),
    uptimeMs: Type.Integer(),
    appliedConfigHash: Type.Optional(Type.String()),
    configPath: Type.Optional(Type.String()),
    stateDir: Type.Optional(Type.String()),
    authMode: Type.Optional(Type.String()),
  }),
  auth: Type.Object({
    role: Type.String(),
    scopes: Type.Array(Type.String()),
    method: Type.Optional(Type.String()),
    deviceToken: Type.Optional(Type.String()),
    issuedAtMs: Type.Optional(Type.Integer()),
    deviceTokens: Type.Optional(Type.Array(Type.Object({ role: Type.String(), token: Type.String(), scopes: Type.Array(Type.String()), issuedAtMs: Type.Integer() }))),
  }),
  policy: Type.Object({
    maxPayload: Type.Integer(),
    maxBufferedBytes: Type.Integer(),
    tickIntervalMs: Type.Integer(),
  }),
  controlUiUrl: Type.Optional(Type.String()),
});
export type HelloOk = Static<typeof HelloOkSchema>;
