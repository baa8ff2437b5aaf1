import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';
import { SessionRowSchema, sessionsListMethod } from './sessions.js';

const Key = Type.String({ minLength: 1, maxLength: 512 });
const AgentId = Type.Optional(Type.String({ minLength: 1, maxLength: 64 }));

export const sessionsSubscribeMethod = defineMethod({
  description: 'Watch the session list: a `sessions.changed` event (phase `message`) whenever any session gets a transcript entry. With list params, the first page comes back too.',
  scope: OperatorScopes.READ,
  params: sessionsListMethod.params,
  result: Type.Object({ subscribed: Type.Boolean(), list: Type.Optional(sessionsListMethod.result) }),
});

export const sessionsUnsubscribeMethod = defineMethod({
  description: 'Stop watching the session list.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({ subscribed: Type.Boolean() }),
});

export const sessionsMessagesSubscribeMethod = defineMethod({
  description: 'Watch one session: a `session.message` event for every transcript entry written to it, from any client or chat channel.',
  scope: OperatorScopes.READ,
  params: Type.Object(
    {
      key: Key,
      agentId: AgentId,
      /** Also replay pending approvals of the session; nothing here waits for one, so there is nothing to replay. */
      includeApprovals: Type.Optional(Type.Literal(true)),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({ subscribed: Type.Boolean(), key: Type.String() }),
});

export const sessionsMessagesUnsubscribeMethod = defineMethod({
  description: 'Stop watching one session.',
  scope: OperatorScopes.READ,
  params: Type.Object({ key: Key, agentId: AgentId }, { additionalProperties: false }),
  result: Type.Object({ subscribed: Type.Boolean(), key: Type.String() }),
});

export const sessionsDescribeMethod = defineMethod({
  description: 'One session as `sessions.list` shows it.',
  scope: OperatorScopes.READ,
  params: Type.Object(
    { key: Key, agentId: AgentId, includeDerivedTitles: Type.Optional(Type.Boolean()), includeLastMessage: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  result: Type.Object({ key: Type.String(), session: Type.Union([SessionRowSchema, Type.Null()]) }),
});
