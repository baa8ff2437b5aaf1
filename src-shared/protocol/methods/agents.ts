import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

const AgentId = Type.String({ minLength: 1, maxLength: 64 });

/** How an agent presents itself: a configured name, else the `IDENTITY.md` of its workspace, else its id. */
export const AgentIdentitySchema = Type.Object({
  agentId: Type.String(),
  name: Type.String(),
  nameSource: Type.Union([Type.Literal('config'), Type.Literal('workspace'), Type.Literal('default')]),
  emoji: Type.Optional(Type.String()),
  theme: Type.Optional(Type.String()),
  /** An http(s) URL, or a `data:` URL (an image in the workspace is sent inline). */
  avatar: Type.Optional(Type.String()),
  avatarStatus: Type.Union([Type.Literal('none'), Type.Literal('remote'), Type.Literal('data')]),
  /** Why an avatar named in `IDENTITY.md` is not shown. */
  avatarReason: Type.Optional(Type.String()),
});

export const AgentSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  identity: Type.Object({ name: Type.String(), emoji: Type.Optional(Type.String()), theme: Type.Optional(Type.String()), avatar: Type.Optional(Type.String()) }),
  /** Absolute path of the agent's workspace. */
  workspace: Type.String(),
  model: Type.Optional(Type.Object({ primary: Type.Optional(Type.String()), fallbacks: Type.Optional(Type.Array(Type.String())) })),
});

export const agentsListMethod = defineMethod({
  description: 'The configured agents: workspace, model and identity.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({
    defaultId: Type.String(),
    /** The name of each agent's main session (`session.mainKey`). */
    mainKey: Type.String(),
    /** `session.scope`. */
    scope: Type.Union([Type.Literal('per-sender'), Type.Literal('global')]),
    agents: Type.Array(AgentSummarySchema),
  }),
});

export const agentIdentityGetMethod = defineMethod({
  description: "An agent's display identity (name, emoji, avatar), by agent id or by one of its session keys.",
  scope: OperatorScopes.READ,
  params: Type.Object({ agentId: Type.Optional(AgentId), sessionKey: Type.Optional(Type.String({ maxLength: 512 })) }, { additionalProperties: false }),
  result: AgentIdentitySchema,
});
