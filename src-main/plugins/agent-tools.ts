import type { TSchema } from '@sinclair/typebox';
import type { AgentTool, ToolGroup } from '../agents/tools/types.js';
import type { RegisteredTool } from './contributions.js';

const KNOWN_GROUPS: readonly ToolGroup[] = ['fs', 'runtime', 'web', 'ui', 'sessions', 'messaging', 'nodes', 'automation', 'memory'];

/**
 * Plugin tools as agent tools: the same runner, policy and audit line as built-ins. The plugin side checks
 * params against its own JSON Schema and turns a throw or a timeout into an error result for that call only.
 */
export function toAgentTools(tools: readonly RegisteredTool[]): AgentTool[] {
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    group: KNOWN_GROUPS.includes(t.group as ToolGroup) ? (t.group as ToolGroup) : 'plugins',
    schema: t.schema as unknown as TSchema,
    validatesOwnParams: true,
    pluginId: t.pluginId,
    async execute(params, ctx) {
      const r = await t.execute(params, { agentId: ctx.agentId, sessionKey: ctx.sessionKey, signal: ctx.signal });
      return { content: r.content, ...(r.isError ? { isError: true } : {}), ...(r.details !== undefined ? { details: r.details } : {}) };
    },
  }));
}
