import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

export const modelsListMethod = defineMethod({
  description: 'Models configured under models.providers; `defaultModel` is the model the given session or agent answers with.',
  scope: OperatorScopes.READ,
  params: Type.Object(
    {
      view: Type.Optional(Type.String()),
      /** Report the model this session answers with (its override, else its agent's). */
      sessionKey: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
      /** Report the model this agent answers with. */
      agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({
    models: Type.Array(
      Type.Object({
        id: Type.String(),
        ref: Type.String(),
        provider: Type.String(),
        api: Type.String(),
        name: Type.Optional(Type.String()),
        contextWindow: Type.Optional(Type.Integer()),
        maxTokens: Type.Optional(Type.Integer()),
      }),
    ),
    defaultModel: Type.Optional(Type.String()),
  }),
});

export const modelsAuthStatusMethod = defineMethod({
  description: 'Whether each configured model provider has credentials: `static` (an API key in the config) or `missing`.',
  scope: OperatorScopes.READ,
  params: Type.Object({ refresh: Type.Optional(Type.Boolean()), agentId: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
  result: Type.Object({
    ts: Type.Integer(),
    providers: Type.Array(
      Type.Object({
        provider: Type.String(),
        authProvider: Type.String(),
        displayName: Type.String(),
        status: Type.Union([Type.Literal('static'), Type.Literal('missing')]),
        /** Sign-in profiles (OAuth and the like): none here, providers use API keys. */
        profiles: Type.Array(Type.Unknown()),
        /** The models of this provider the agent may use. */
        models: Type.Array(Type.String()),
      }),
    ),
  }),
});

export const ToolInvokeParamsSchema = Type.Object(
  {
    tool: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    action: Type.Optional(Type.String()),
    args: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    sessionKey: Type.Optional(Type.String({ maxLength: 512 })),
    agentId: Type.Optional(Type.String({ maxLength: 64 })),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const toolsInvokeMethod = defineMethod({
  description: "Run one tool directly, under the agent's tool policy and the RPC deny list.",
  scope: OperatorScopes.WRITE,
  params: ToolInvokeParamsSchema,
  result: Type.Object({ ok: Type.Boolean(), result: Type.Object({ content: Type.Array(Type.Object({ type: Type.String(), text: Type.String() })), isError: Type.Optional(Type.Boolean()), details: Type.Optional(Type.Unknown()) }) }),
});

export const sendMethod = defineMethod({
  description: 'Deliver a message to a channel peer.',
  scope: OperatorScopes.WRITE,
  params: Type.Object(
    {
      to: Type.String({ minLength: 1 }),
      idempotencyKey: Type.String({ minLength: 1, maxLength: 256 }),
      message: Type.Optional(Type.String({ maxLength: 100_000 })),
      mediaUrl: Type.Optional(Type.String()),
      mediaUrls: Type.Optional(Type.Array(Type.String())),
      channel: Type.Optional(Type.String()),
      accountId: Type.Optional(Type.String()),
      agentId: Type.Optional(Type.String()),
      replyToId: Type.Optional(Type.String()),
      threadId: Type.Optional(Type.String()),
      sessionKey: Type.Optional(Type.String()),
      silent: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({
    ok: Type.Boolean(),
    runId: Type.String(),
    messageId: Type.Optional(Type.String()),
    messageIds: Type.Array(Type.String()),
    channel: Type.String(),
    accountId: Type.String(),
    to: Type.String(),
  }),
});

export const messageActionMethod = defineMethod({
  description: "A message action on a channel, as the reference CLI's `message send` asks for it. `send` delivers `params.message` to `params.to` (or `params.target`) like `send`; channels here support no other action.",
  scope: OperatorScopes.WRITE,
  params: Type.Object(
    {
      channel: Type.String({ minLength: 1 }),
      action: Type.String({ minLength: 1 }),
      params: Type.Record(Type.String(), Type.Unknown()),
      accountId: Type.Optional(Type.String()),
      sessionKey: Type.Optional(Type.String()),
      sessionId: Type.Optional(Type.String()),
      agentId: Type.Optional(Type.String()),
      // Who asked, as the reference's agent tools describe it; a client call is the operator's own.
      reply: Type.Optional(Type.Unknown()),
      requesterAccountId: Type.Optional(Type.String()),
      requesterSenderId: Type.Optional(Type.String()),
      senderIsOwner: Type.Optional(Type.Boolean()),
      inboundTurnKind: Type.Optional(Type.String()),
      toolContext: Type.Optional(Type.Unknown()),
      conversationReadOrigin: Type.Optional(Type.Literal('direct-operator')),
      idempotencyKey: Type.String({ minLength: 1, maxLength: 256 }),
    },
    { additionalProperties: false },
  ),
  result: sendMethod.result,
});
