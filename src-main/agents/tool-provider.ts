import type { ResolvedConfig } from '../config/resolve.js';
import type { ToolProvider } from '../routing/inbound-pipeline.js';
import { isMainSessionKey } from '../../src-shared/domain/session-key.js';
import type { AgentSettings } from './agent-config.js';
import { resolveSandboxDecision, toolsAllowedWithoutBackend } from './sandbox/index.js';
import { createToolRegistry, resolveToolPolicy, runTool, toToolSpecs } from './tools/registry.js';
import type { AgentTool } from './tools/types.js';

const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
const DEFAULT_WEB_MAX_BYTES = 2 * 1024 * 1024;

/**
 * The tools one agent gets in one session: the built-in set, filtered by the
 * global and per-agent policy, and without host-side runtime tools where the
 * session should be sandboxed but no sandbox backend exists.
 */
export function createToolProvider(opts: { dockerAvailable: () => boolean; tools?: AgentTool[] } = { dockerAvailable: () => false }): ToolProvider & { all: AgentTool[] } {
  const all = opts.tools ?? createToolRegistry();
  // Specs are plain JSON derived from fixed schemas: compute once per distinct tool set.
  const specCache = new Map<string, ReturnType<typeof toToolSpecs>>();
  const specsFor = (tools: AgentTool[]) => {
    const key = tools.map((t) => t.name).join(',');
    let specs = specCache.get(key);
    if (!specs) specCache.set(key, (specs = toToolSpecs(tools)));
    return specs;
  };
  return {
    all,
    forSession(agent: AgentSettings, sessionKey: string) {
      const allowed = resolveToolPolicy(agent.toolPolicy);
      const decision = resolveSandboxDecision({
        mode: agent.sandbox.mode,
        scope: agent.sandbox.scope,
        sessionKey,
        agentId: agent.agentId,
        isMainSession: isMainSessionKey(sessionKey),
        dockerAvailable: opts.dockerAvailable(),
      });
      // The Docker runner is not wired yet, so a sandboxed session never runs runtime tools on the host.
      const tools = all.filter((t) => allowed(t.name) && (!decision.sandboxed || toolsAllowedWithoutBackend(t.name)));
      return { tools, specs: specsFor(tools) };
    },
    run: runTool,
    execSettings(cfg: ResolvedConfig) {
      return {
        execAllow: cfg.tools?.exec?.allow ?? [],
        execTimeoutMs: (cfg.tools?.exec?.timeoutSeconds ?? DEFAULT_EXEC_TIMEOUT_MS / 1000) * 1000,
        webAllowPrivate: cfg.tools?.web?.fetch?.allowPrivate ?? false,
        webMaxBytes: cfg.tools?.web?.fetch?.maxBytes ?? DEFAULT_WEB_MAX_BYTES,
      };
    },
  };
}
