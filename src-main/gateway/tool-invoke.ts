import { buildMainSessionKey } from '../../src-shared/domain/session-key.js';
import { normalizeAgentId } from '../../src-shared/domain/agent-id.js';
import type { Static } from '@sinclair/typebox';
import type { ToolInvokeParamsSchema } from '../../src-shared/protocol/index.js';
import { ensureWorkspace, resolveAgentSettings } from '../agents/agent-config.js';
import { resolveHttpToolDeny, resolveToolPolicy } from '../agents/tools/registry.js';
import type { ToolServices } from '../agents/tools/types.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { ToolProvider } from '../routing/inbound-pipeline.js';
import { InvalidRequestError, RpcError } from './errors.js';

export type ToolInvokeParams = Static<typeof ToolInvokeParamsSchema>;

/** Not allowed or unknown: HTTP 404, RPC INVALID_REQUEST with `TOOL_NOT_AVAILABLE`. */
export class ToolNotAvailableError extends RpcError {
  constructor(readonly tool: string) {
    super('INVALID_REQUEST', `Tool not available: ${tool}`, { code: 'TOOL_NOT_AVAILABLE', tool });
  }
}

export interface ToolInvokeDeps {
  config(): ResolvedConfig;
  stateDir: string;
  tools: ToolProvider;
  services: ToolServices;
}

/**
 * Run one tool for a client (RPC `tools.invoke` and HTTP `/tools/invoke`):
 * the direct-invocation deny list first (high-risk tools need an explicit
 * `gateway.tools.allow`), then the agent's own policy, then the tool.
 */
export async function invokeTool(deps: ToolInvokeDeps, params: ToolInvokeParams, signal?: AbortSignal) {
  const name = (params.tool ?? params.name ?? '').trim();
  if (!name) throw new InvalidRequestError('tool name required: pass "tool"');
  const cfg = deps.config();
  const denied = resolveToolPolicy([{ deny: resolveHttpToolDeny(cfg.gateway.tools ?? {}) }]);
  if (!denied(name)) throw new ToolNotAvailableError(name);
  const agentId = params.agentId ? normalizeAgentId(params.agentId) : cfg.defaultAgentId;
  const agent = resolveAgentSettings(cfg, agentId, deps.stateDir);
  if (!agent) throw new InvalidRequestError(`unknown agent "${agentId}"`, { code: 'UNKNOWN_AGENT' });
  const sessionKey = params.sessionKey ?? buildMainSessionKey({ agentId });
  const granted = deps.tools.forSession(agent, sessionKey);
  const tool = granted.tools.find((t) => t.name === name);
  if (!tool) throw new ToolNotAvailableError(name);
  // Third-party code is reachable from outside the agent only where the owner said so by name.
  const allow = cfg.gateway.tools?.allow ?? [];
  if (tool.pluginId && !(allow.length > 0 && resolveToolPolicy([{ allow }])(name))) throw new ToolNotAvailableError(name);
  if (params.dryRun) return { ok: true, result: { content: [{ type: 'text', text: `${name} is available` }] } };
  ensureWorkspace(agent.workspace);
  const args = params.action ? { action: params.action, ...(params.args ?? {}) } : (params.args ?? {});
  const r = await deps.tools.run(tool, args, {
    agentId,
    sessionKey,
    workspace: granted.sandbox?.hostWorkspace ?? agent.workspace,
    signal: signal ?? new AbortController().signal,
    services: deps.services,
    ...deps.tools.execSettings(cfg),
    ...(granted.sandbox ? { sandbox: granted.sandbox } : {}),
  });
  return { ok: true, result: { content: [{ type: 'text', text: r.content }], ...(r.isError ? { isError: true } : {}), ...(r.details !== undefined ? { details: r.details } : {}) } };
}
