/**
 * The params schemas of the operator methods, as plain JSON Schema. They are the ones the shared
 * memory method contract (`src-shared/protocol/methods/memory.ts`) declares with TypeBox, written out
 * here because importing TypeBox at plugin load costs more than the rest of the plugin's start
 * together (100–300 ms against ~40 ms); `method-params.test.ts` keeps the two equal.
 */
import type { MemoryMethodName } from '../../../src-shared/protocol/methods/memory.js';
import type { JsonSchema } from '../../../src-shared/plugin/api.js';
import type { OperatorScope } from '../../../src-shared/protocol/scopes.js';

const object = (properties: Record<string, unknown>, required: string[] = []): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  ...(required.length ? { required } : {}),
  properties,
});
const agentId = { type: 'string', minLength: 1, maxLength: 64 };
const owner = { type: 'string', minLength: 1, maxLength: 300 };
const id = { type: 'string', minLength: 1, maxLength: 100 };

/** Scope and params schema per method, by its name below the plugin id. */
export const METHOD_SPECS: Record<MemoryMethodName, { scope: OperatorScope; params: JsonSchema }> = {
  search: {
    scope: 'operator.read',
    params: object(
      {
        query: { type: 'string', minLength: 1, maxLength: 2000 },
        agentId,
        owner,
        limit: { type: 'integer', minimum: 1, maximum: 100 },
        minScore: { type: 'number', minimum: -1, maximum: 1 },
      },
      ['query'],
    ),
  },
  list: {
    scope: 'operator.read',
    params: object({ agentId, owner, limit: { type: 'integer', minimum: 1, maximum: 10_000 }, offset: { type: 'integer', minimum: 0 } }),
  },
  people: { scope: 'operator.read', params: object({ agentId }) },
  stats: { scope: 'operator.read', params: object({}) },
  forget: { scope: 'operator.write', params: object({ id, agentId }, ['id']) },
  forgetOwner: { scope: 'operator.write', params: object({ owner, agentId }, ['owner']) },
  share: { scope: 'operator.write', params: object({ id, agentId, shared: { type: 'boolean' } }, ['id']) },
};
