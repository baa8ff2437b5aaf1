import { Type, type Static } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

/**
 * The operator methods a memory plugin offers under its own id (`<plugin>.search`, `<plugin>.list`, …;
 * `memory-lancedb.search` for the bundled one). They are not in the METHOD table because their names
 * belong to the plugin and exist only while it runs; the plugin validates params with these schemas,
 * and the CLI and the Control UI read results through these types. Reading needs `operator.read`;
 * forgetting (one memory or a person's all) and sharing change what the assistant knows, so they need `operator.write`.
 */

const AgentId = Type.String({ minLength: 1, maxLength: 64 });
const MemoryId = Type.String({ minLength: 1, maxLength: 100 });
/** Whose memory it is: `main` (the owner), `direct:<peer>`, `group:<channel>:<peer>`. */
const Owner = Type.String({ minLength: 1, maxLength: 300 });

/** One memory as an operator sees it. */
export const MemoryItemSchema = Type.Object({
  id: Type.String(),
  agentId: Type.String(),
  owner: Type.String(),
  /** Recalled for every person of the agent, not only its owner. */
  shared: Type.Boolean(),
  text: Type.String(),
  createdAt: Type.Number(),
  /** How it was stored: `tool`, `capture`, `cli`, `api`. */
  origin: Type.String(),
  /** Cosine similarity to the query (search results only). */
  score: Type.Optional(Type.Number()),
});
export type MemoryItem = Static<typeof MemoryItemSchema>;

export const memorySearchMethod = defineMethod({
  description: 'Memories of an agent ranked by similarity to a query, with scores; `owner` narrows to what one person may see.',
  scope: OperatorScopes.READ,
  params: Type.Object(
    {
      query: Type.String({ minLength: 1, maxLength: 2000 }),
      agentId: Type.Optional(AgentId),
      owner: Type.Optional(Owner),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      minScore: Type.Optional(Type.Number({ minimum: -1, maximum: 1 })),
    },
    { additionalProperties: false },
  ),
  result: Type.Object({ results: Type.Array(MemoryItemSchema) }),
});

export const memoryListMethod = defineMethod({
  description: 'Memories of an agent, newest first; `owner` narrows to one person.',
  scope: OperatorScopes.READ,
  params: Type.Object(
    { agentId: Type.Optional(AgentId), owner: Type.Optional(Owner), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })), offset: Type.Optional(Type.Integer({ minimum: 0 })) },
    { additionalProperties: false },
  ),
  result: Type.Object({ total: Type.Integer(), items: Type.Array(MemoryItemSchema) }),
});

export const memoryPeopleMethod = defineMethod({
  description: 'The people (and groups) an agent has memories of, with how many each.',
  scope: OperatorScopes.READ,
  params: Type.Object({ agentId: Type.Optional(AgentId) }, { additionalProperties: false }),
  result: Type.Object({ people: Type.Array(Type.Object({ owner: Type.String(), count: Type.Integer(), shared: Type.Integer() })) }),
});

export const memoryStatsMethod = defineMethod({
  description: 'Memories per agent, the embedding model, and whether the embeddings provider answers.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({
    model: Type.String(),
    agents: Type.Array(
      Type.Object({ agentId: Type.String(), model: Type.String(), dimensions: Type.Optional(Type.Integer()), count: Type.Integer(), owners: Type.Integer(), shared: Type.Integer() }),
    ),
    provider: Type.Object({ baseUrl: Type.String(), ok: Type.Boolean(), lastError: Type.Optional(Type.String()), failingSince: Type.Optional(Type.Number()), failures: Type.Integer() }),
    autoRecall: Type.Boolean(),
    autoCapture: Type.Boolean(),
    dataDir: Type.String(),
  }),
});

export const memoryForgetMethod = defineMethod({
  description: 'Delete one memory for good.',
  scope: OperatorScopes.WRITE,
  params: Type.Object({ id: MemoryId, agentId: Type.Optional(AgentId) }, { additionalProperties: false }),
  result: Type.Object({ removed: MemoryItemSchema }),
});

export const memoryForgetOwnerMethod = defineMethod({
  description: 'Delete every memory of one person (or group), shared ones too, for one agent or (without `agentId`) every agent.',
  scope: OperatorScopes.WRITE,
  params: Type.Object({ owner: Owner, agentId: Type.Optional(AgentId) }, { additionalProperties: false }),
  result: Type.Object({ owner: Type.String(), removed: Type.Integer(), agents: Type.Array(Type.Object({ agentId: Type.String(), removed: Type.Integer() })) }),
});

export const memoryShareMethod = defineMethod({
  description: 'Let every person of the agent be reminded of one memory (or stop it).',
  scope: OperatorScopes.WRITE,
  params: Type.Object({ id: MemoryId, agentId: Type.Optional(AgentId), shared: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  result: Type.Object({ memory: MemoryItemSchema }),
});

/** The memory plugin methods by their name below the plugin's id. */
export const MEMORY_METHODS = {
  search: memorySearchMethod,
  list: memoryListMethod,
  people: memoryPeopleMethod,
  stats: memoryStatsMethod,
  forget: memoryForgetMethod,
  forgetOwner: memoryForgetOwnerMethod,
  share: memoryShareMethod,
} as const;
export type MemoryMethodName = keyof typeof MEMORY_METHODS;
export type MemoryMethodParams<M extends MemoryMethodName> = Static<(typeof MEMORY_METHODS)[M]['params']>;
export type MemoryMethodResult<M extends MemoryMethodName> = Static<(typeof MEMORY_METHODS)[M]['result']>;
