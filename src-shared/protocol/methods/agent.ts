import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

export const AgentRunResultSchema = Type.Object({
  runId: Type.String(),
  status: Type.String(),
  summary: Type.Optional(Type.String()),
  result: Type.Optional(Type.Object({ payloads: Type.Array(Type.Object({ text: Type.String() })) })),
  error: Type.Optional(Type.String()),
  usage: Type.Optional(Type.Unknown()),
});

export const agentMethod = defineMethod({
  description: 'Run an agent turn: an `accepted` ack first, then the final result on the same request id.',
  scope: OperatorScopes.WRITE,
  params: Type.Object(
    {
      message: Type.String({ maxLength: 200_000 }),
      idempotencyKey: Type.String({ minLength: 1, maxLength: 256 }),
      agentId: Type.Optional(Type.String({ maxLength: 64 })),
      sessionKey: Type.Optional(Type.String({ maxLength: 512 })),
      sessionId: Type.Optional(Type.String()),
      to: Type.Optional(Type.String()),
      channel: Type.Optional(Type.String()),
      accountId: Type.Optional(Type.String()),
      deliver: Type.Optional(Type.Boolean()),
      bestEffortDeliver: Type.Optional(Type.Boolean()),
      thinking: Type.Optional(Type.String()),
      timeout: Type.Optional(Type.Integer({ minimum: 1 })),
      label: Type.Optional(Type.String()),
      attachments: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 16 })),
    },
    { additionalProperties: false },
  ),
  result: AgentRunResultSchema,
});

export const agentWaitMethod = defineMethod({
  description: 'Wait for a run to finish.',
  scope: OperatorScopes.WRITE,
  params: Type.Object({ runId: Type.String({ minLength: 1 }), timeoutMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })) }, { additionalProperties: false }),
  result: AgentRunResultSchema,
});
