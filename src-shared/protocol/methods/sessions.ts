import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

const Key = Type.String({ minLength: 1, maxLength: 512 });

/** The most rows one `sessions.list` page carries. */
export const SESSIONS_LIST_MAX_LIMIT = 5000;

export const SessionRowSchema = Type.Object({
  key: Type.String(),
  sessionId: Type.String(),
  agentId: Type.String(),
  kind: Type.String(),
  channel: Type.Optional(Type.String()),
  label: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  messageCount: Type.Integer(),
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
  costUsd: Type.Number(),
  preview: Type.Optional(Type.String()),
  running: Type.Boolean(),
  /** The first user message, shortened (asked for with `includeDerivedTitles`). */
  derivedTitle: Type.Optional(Type.String()),
  /** The latest user or assistant text, shortened (asked for with `includeLastMessage`). */
  lastMessagePreview: Type.Optional(Type.String()),
});

/** What a chat or a session list starts from: the agent, its main session and the model a turn uses. */
export const SessionDefaultsSchema = Type.Object({
  defaultAgentId: Type.String(),
  agentId: Type.String(),
  mainKey: Type.String(),
  mainSessionKey: Type.String(),
  scope: Type.Union([Type.Literal('per-sender'), Type.Literal('global')]),
  /** The model id and its provider a turn uses now (a session override, else the agent's primary). */
  model: Type.Optional(Type.String()),
  modelProvider: Type.Optional(Type.String()),
  /** Where a model chosen in a client is kept: on the session. */
  modelSelectionTarget: Type.Literal('session'),
});

export const sessionsListMethod = defineMethod({
  description: 'Sessions, most recently active first.',
  scope: OperatorScopes.READ,
  params: Type.Object(
    {
      /** At most this many rows (larger values are served as {@link SESSIONS_LIST_MAX_LIMIT}). */
      limit: Type.Optional(Type.Integer({ minimum: 1 })),
      offset: Type.Optional(Type.Integer({ minimum: 0 })),
      agentId: Type.Optional(Type.String()),
      search: Type.Optional(Type.String({ maxLength: 200 })),
      kinds: Type.Optional(Type.Array(Type.String())),
      /** The shared `global` session: listed unless this is false. */
      includeGlobal: Type.Optional(Type.Boolean()),
      /** Sessions whose key could not be attributed (`unknown`): listed unless this is false. */
      includeUnknown: Type.Optional(Type.Boolean()),
      /** Only sessions of agents present in the config now. */
      configuredAgentsOnly: Type.Optional(Type.Boolean()),
      /** Add `derivedTitle`, from the first user message of each transcript. */
      includeDerivedTitles: Type.Optional(Type.Boolean()),
      /** Add `lastMessagePreview`, the latest user or assistant text. */
      includeLastMessage: Type.Optional(Type.Boolean()),
      /** Only sessions started by this session (sub-agent runs); this gateway records none, so the answer is empty. */
      spawnedBy: Type.Optional(Type.String({ maxLength: 512 })),
      /** `true` lists archived sessions, `"all"` every session, `false` the active ones. Sessions here are never archived (a reset keeps the old transcript under the same session). */
      archived: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('all')])),
      /** Only sessions that have (true) or lack (false) a saved dashboard; this gateway keeps no session dashboards. */
      hasBoard: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({ sessions: Type.Array(SessionRowSchema), count: Type.Integer(), total: Type.Integer(), defaults: SessionDefaultsSchema }),
});

export const sessionsPreviewMethod = defineMethod({
  description: 'The last few messages of each given session.',
  scope: OperatorScopes.READ,
  params: Type.Object({ keys: Type.Array(Key, { maxItems: 100 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) }, { additionalProperties: false }),
  result: Type.Object({ previews: Type.Array(Type.Object({ key: Type.String(), messages: Type.Array(Type.Object({ role: Type.String(), text: Type.String(), timestamp: Type.Integer() })) })) }),
});

export const sessionsPatchMethod = defineMethod({
  description: 'Change a session label or model override (null clears).',
  scope: OperatorScopes.WRITE,
  params: Type.Object(
    { key: Key, label: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])), model: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])) },
    { additionalProperties: false },
  ),
  result: Type.Object({ ok: Type.Boolean(), key: Type.String() }),
});

export const sessionsResetMethod = defineMethod({
  description: 'Start a new conversation in the session (the old transcript is kept under its old id).',
  scope: OperatorScopes.WRITE,
  params: Type.Object({ key: Key }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), key: Type.String(), sessionId: Type.String() }),
});

/**
 * What the memory plugin keeps of one person (or group): how many memories, and whom the plugin
 * files them under. `available` is false when no memory plugin is active (or it cannot count); `note`
 * then says why in plain words, and a client offers nothing.
 */
export const PersonMemoriesSchema = Type.Object({
  available: Type.Boolean(),
  owner: Type.Optional(Type.String()),
  count: Type.Optional(Type.Integer()),
  note: Type.Optional(Type.String()),
});

/** What forgetting a person's memories did: how many went, or (`note`) why nothing was done. */
export const ForgottenMemoriesSchema = Type.Object({
  removed: Type.Integer(),
  owner: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
});

export const sessionsDeleteMethod = defineMethod({
  description: 'Delete a session and its transcript; with `forgetMemories`, also every memory of the session’s person kept by the memory plugin.',
  scope: OperatorScopes.WRITE,
  params: Type.Object(
    {
      key: Key,
      /** Also forget what the session's person told the assistant (their memories with this session's agent). Never done unless asked. */
      forgetMemories: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({ ok: Type.Boolean(), key: Type.String(), deleted: Type.Boolean(), memories: Type.Optional(ForgottenMemoriesSchema) }),
});

export const sessionsMemoriesMethod = defineMethod({
  description: 'How many memories the person (or group) of a session has with its agent, so a client can offer to forget them with the session.',
  scope: OperatorScopes.READ,
  params: Type.Object({ key: Key }, { additionalProperties: false }),
  result: Type.Object({ key: Type.String(), ...PersonMemoriesSchema.properties }),
});

export const sessionsCompactMethod = defineMethod({
  description: 'Summarise the older turns of a session now; the newest turns stay word for word.',
  scope: OperatorScopes.WRITE,
  params: Type.Object({ key: Key }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), key: Type.String(), compacted: Type.Boolean(), coveredEntries: Type.Integer(), reason: Type.Optional(Type.String()) }),
});

export const sessionsArchivesMethod = defineMethod({
  description: 'Earlier transcripts of a session, set aside by resets (read them with chat.history and sessionId).',
  scope: OperatorScopes.READ,
  params: Type.Object({ key: Key }, { additionalProperties: false }),
  result: Type.Object({
    key: Type.String(),
    archives: Type.Array(
      Type.Object({ sessionId: Type.String(), startedAtMs: Type.Integer(), endedAtMs: Type.Integer(), messageCount: Type.Integer(), lastPreview: Type.Optional(Type.String()) }),
    ),
  }),
});
