import type { ResolvedConfig } from '../config/resolve.js';
import type { ToolProvider } from '../routing/inbound-pipeline.js';
import { isMainSessionKey } from '../../src-shared/domain/session-key.js';
import type { AgentSettings } from './agent-config.js';
import type { Logger } from '../logging/index.js';
import { resolveSandboxDecision, toolsAllowedWithoutBackend } from './sandbox/index.js';
import type { DockerSandbox } from './sandbox/runner.js';
import { createToolRegistry, resolveToolPolicy, runTool, toToolSpecs } from './tools/registry.js';
import type { AgentTool } from './tools/types.js';

const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
const WRITE_TOOLS = new Set(['write', 'edit', 'apply_patch']);
const DEFAULT_WEB_MAX_BYTES = 2 * 1024 * 1024;

export interface ToolProviderOptions {
  sandbox?: DockerSandbox;
  tools?: AgentTool[];
  /** Warnings, and one audit line per tool call (`<log>/audit`). */
  log?: Logger;
  /** The gateway's state directory, which exec must never reach (default: the one this process's environment names). */
  stateDir?: string;
  /** Tools added at run time (plugins), read on every session; a name already taken by a built-in is skipped. */
  extraTools?(): readonly AgentTool[];
  /** Asked before every tool call; a reason blocks the call (plugin hooks, a failed critical plugin). */
  beforeToolCall?(e: { tool: string; params: unknown; agentId: string; sessionKey: string }): Promise<string | undefined>;
}

/**
 * The tools one agent gets in one session: the built-in set, filtered by the
 * global and per-agent policy, and without host-side runtime tools where the
 * session should be sandboxed but no sandbox backend exists. Every call runs
 * through `run`, which adds the host's limits and writes the audit line.
 */
export function createToolProvider(opts: ToolProviderOptions = {}): ToolProvider & { all: AgentTool[] } {
  const warned = new Set<string>();
  const audit = opts.log?.child('audit');
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
      const candidates = withExtras(all, opts.extraTools?.());
      const allowed = resolveToolPolicy(agent.toolPolicy);
      const decision = resolveSandboxDecision({
        mode: agent.sandbox.mode,
        scope: agent.sandbox.scope,
        sessionKey,
        agentId: agent.agentId,
        isMainSession: isMainSessionKey(sessionKey),
        dockerAvailable: opts.sandbox?.available() ?? false,
        dockerPending: opts.sandbox?.pending() ?? false,
      });
      const sandbox = opts.sandbox?.runtimeFor(decision, agent.workspace, agent.sandbox.workspaceAccess);
      if (decision.sandboxed && !sandbox && !opts.sandbox?.pending() && !warned.has(sessionKey)) {
        warned.add(sessionKey);
        opts.log?.warn('session must be sandboxed but no sandbox backend is available; its runtime and file-writing tools are off', { sessionKey, reason: decision.reason });
      }
      // Sandboxed without a backend: nothing that runs code or writes files (it would run on the host).
      // Read-only sandbox: nothing that writes into the mounted workspace.
      const tools = candidates.filter(
        (t) => allowed(t.name) && (!decision.sandboxed || (sandbox ? !(sandbox.readOnly && WRITE_TOOLS.has(t.name)) : toolsAllowedWithoutBackend(t.name))),
      );
      return { tools, specs: specsFor(tools), ...(sandbox ? { sandbox } : {}) };
    },
    run: (tool, input, ctx) =>
      runTool(tool, input, { ...ctx, stateDir: ctx.stateDir ?? opts.stateDir }, {
        audit,
        ...(opts.beforeToolCall && { beforeCall: (name, params, c) => opts.beforeToolCall!({ tool: name, params, agentId: c.agentId, sessionKey: c.sessionKey }) }),
      }),
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

/** The built-ins plus the extra tools whose names are free. */
function withExtras(all: AgentTool[], extra: readonly AgentTool[] | undefined): AgentTool[] {
  if (!extra?.length) return all;
  const taken = new Set(all.map((t) => t.name));
  return [...all, ...extra.filter((t) => !taken.has(t.name))];
}
