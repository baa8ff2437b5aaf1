import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';
import { SessionDefaultsSchema, SessionRowSchema } from './sessions.js';

export const QueueModeSchema = Type.Union([Type.Literal('followup'), Type.Literal('collect'), Type.Literal('steer'), Type.Literal('interrupt')]);

const SessionKey = Type.String({ minLength: 1, maxLength: 512 });
const IdempotencyKey = Type.String({ minLength: 1, maxLength: 256 });
/** An image sent with a message: base64 `content` (with `mimeType`), or a `data:` URL in `url`. Images only, at most 5 MB each. */
const Attachment = Type.Object({
  /** `image` (or an image MIME type). */
  type: Type.Optional(Type.String({ maxLength: 100 })),
  mimeType: Type.Optional(Type.String({ maxLength: 100 })),
  /** A `data:image/…;base64,…` URL; links to elsewhere are refused (the gateway does not fetch them). */
  url: Type.Optional(Type.String({ maxLength: 7_200_000 })),
  name: Type.Optional(Type.String({ maxLength: 255 })),
  fileName: Type.Optional(Type.String({ maxLength: 255 })),
  /** The image, base64. */
  content: Type.Optional(Type.String({ maxLength: 7_200_000 })),
});

/** A transcript message as clients see it. */
export const ChatMessageSchema = Type.Object({
  role: Type.String(),
  content: Type.Array(Type.Unknown()),
  timestamp: Type.Integer(),
  seq: Type.Optional(Type.Integer()),
  /** The entry's identity within its session (its seq, as a string): what `inputReceipts` name as `consumedByEventId`. */
  messageId: Type.Optional(Type.String()),
  runId: Type.Optional(Type.String()),
  usage: Type.Optional(Type.Unknown()),
  /** The same identity where OpenClaw clients read it, so each copy of a message (streamed, announced, read back) is known as one. */
  __openclaw: Type.Optional(
    Type.Object({
      id: Type.String(),
      seq: Type.Integer(),
      runId: Type.Optional(Type.String()),
      /** On a user entry: the `chat.send` idempotency key (the run) it was sent with. */
      idempotencyKey: Type.Optional(Type.String()),
    }),
  ),
});

/** What became of a sent message: still waiting for its turn, or taken into the transcript as the entry `consumedByEventId` (its seq). */
export const ChatInputReceiptSchema = Type.Union([
  Type.Object({ runId: Type.String(), state: Type.Literal('pending') }),
  Type.Object({ runId: Type.String(), state: Type.Literal('consumed'), consumedByEventId: Type.String() }),
]);

export const ChatHistoryResultSchema = Type.Object({
  sessionKey: Type.String(),
  sessionId: Type.Union([Type.String(), Type.Null()]),
  messages: Type.Array(ChatMessageSchema),
  nextCursor: Type.Optional(Type.String()),
  /** True when older messages exist (`nextCursor` reads them). */
  hasMore: Type.Optional(Type.Boolean()),
  inputReceipts: Type.Optional(Type.Array(ChatInputReceiptSchema)),
  /** The consumed receipts alone, as older clients read them. */
  inputConsumptions: Type.Optional(Type.Array(Type.Object({ runId: Type.String(), consumedByEventId: Type.String() }))),
});

export const chatSendMethod = defineMethod({
  description: 'Send a user message into a session; the reply streams as `chat` events.',
  scope: OperatorScopes.WRITE,
  params: Type.Object(
    {
      sessionKey: SessionKey,
      message: Type.String({ maxLength: 200_000 }),
      idempotencyKey: IdempotencyKey,
      thinking: Type.Optional(Type.String()),
      deliver: Type.Optional(Type.Boolean()),
      attachments: Type.Optional(Type.Array(Attachment, { maxItems: 16 })),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 3_600_000 })),
      queueMode: Type.Optional(QueueModeSchema),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({ runId: Type.String(), status: Type.String(), queued: Type.Optional(Type.Boolean()) }),
});

export const chatHistoryMethod = defineMethod({
  description: 'A page of a session transcript, newest page first; pass `cursor` for older pages.',
  scope: OperatorScopes.READ,
  params: Type.Object(
    {
      sessionKey: SessionKey,
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      cursor: Type.Optional(Type.String({ maxLength: 64 })),
      /** An earlier transcript of this session, from `sessions.archives`. */
      sessionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      /** The agent the key belongs to, when the key is a short one (`main`). */
      agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      /** Keep the page under this many bytes of JSON by leaving out its oldest messages. */
      maxBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
      /** Runs (the `chat.send` idempotency keys) to report in `inputReceipts`: still queued, or taken into the transcript. */
      inputRunIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 50, uniqueItems: true })),
    },
    { additionalProperties: false },
  ),
  result: ChatHistoryResultSchema,
});

export const chatAbortMethod = defineMethod({
  description: 'Abort the running turn of a session (or one run).',
  scope: OperatorScopes.WRITE,
  params: Type.Object({ sessionKey: SessionKey, runId: Type.Optional(Type.String()) }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), aborted: Type.Integer() }),
});

export const chatMediaMethod = defineMethod({
  description: 'An image attached to a chat message, by the mediaId its transcript entry names (history carries only the reference).',
  scope: OperatorScopes.READ,
  params: Type.Object({ mediaId: Type.String({ pattern: '^[0-9a-f]{64}$' }) }, { additionalProperties: false }),
  result: Type.Object({ mediaId: Type.String(), mimeType: Type.String(), sizeBytes: Type.Integer(), content: Type.String() }),
});

export const chatStartupMethod = defineMethod({
  description: 'The first page a chat opens with: `chat.history` plus the session row and the chat defaults, in one call.',
  scope: OperatorScopes.READ,
  params: chatHistoryMethod.params,
  result: Type.Intersect([
    ChatHistoryResultSchema,
    Type.Object({ sessionInfo: Type.Optional(SessionRowSchema), defaults: SessionDefaultsSchema, running: Type.Boolean() }),
  ]),
});

/** A model a chat can switch to. */
export const ChatModelChoiceSchema = Type.Object({ id: Type.String(), name: Type.String(), provider: Type.String(), ref: Type.String() });

export const chatMetadataMethod = defineMethod({
  description: "What a chat's composer offers: the configured models and the chat commands.",
  scope: OperatorScopes.READ,
  params: Type.Object(
    { agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), sessionKey: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })) },
    { additionalProperties: false },
  ),
  result: Type.Object({
    models: Type.Array(ChatModelChoiceSchema),
    /** Commands a message may start with. */
    commands: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
    /** Parallel sub-agent runs: not a feature of this gateway. */
    swarmEnabled: Type.Boolean(),
  }),
});
