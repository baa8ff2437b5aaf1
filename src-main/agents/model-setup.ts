import type { ResolvedConfig } from '../config/resolve.js';
import { unresolvedEnvRefs } from '../config/env-substitute.js';
import type { Logger } from '../logging/index.js';
import { resolveAgentSettings } from './agent-config.js';

/** What a person reads when no model can answer, with the fix in plain words. */
export const NO_MODEL_MESSAGE =
  "no model is set up, so the agent cannot answer. Add one: openclaw config set models.providers.anthropic.apiKey '${ANTHROPIC_API_KEY}' " +
  'and openclaw config set agents.defaults.model.primary anthropic/claude-sonnet-5-5 (or a local OpenAI-compatible server: README, "Agents and models")';

/** One `provider/model` ref and whether a turn can use it. */
export interface ModelRefCheck {
  ref: string;
  usable: boolean;
  /** Why it is skipped, in plain words. */
  problem?: string;
}

/**
 * Can `ref` be called with this config? A provider whose key comes from an
 * environment variable that is not set is skipped (reported, not a rejected
 * config), as is a hosted provider (no `baseUrl`) with no key at all.
 */
export function checkModelRef(cfg: ResolvedConfig, ref: string): ModelRefCheck {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return { ref, usable: false, problem: `model "${ref}" must be written provider/model` };
  const providerId = ref.slice(0, slash);
  const provider = cfg.models?.providers?.[providerId];
  if (!provider) return { ref, usable: false, problem: `provider "${providerId}" is not configured (models.providers.${providerId})` };
  const missing = unresolvedEnvRefs(provider.apiKey ?? '');
  if (missing.length) {
    return { ref, usable: false, problem: `provider "${providerId}" skipped: its key needs the environment variable ${missing.join(', ')}, which is not set (models.providers.${providerId}.apiKey)` };
  }
  if (!provider.apiKey && !provider.baseUrl) {
    return { ref, usable: false, problem: `provider "${providerId}" skipped: it has no apiKey (models.providers.${providerId}.apiKey)` };
  }
  return { ref, usable: true };
}

/** The refs a turn may try, in order, and those skipped with the reason. */
export function usableModelRefs(cfg: ResolvedConfig, refs: string[]): { usable: string[]; skipped: ModelRefCheck[] } {
  const checks = refs.map((ref) => checkModelRef(cfg, ref));
  return { usable: checks.filter((c) => c.usable).map((c) => c.ref), skipped: checks.filter((c) => !c.usable) };
}

/** Per agent: configured refs, the usable ones, and the problems; `ok` when every agent has a usable model. */
export interface ModelSetup {
  ok: boolean;
  agents: { agentId: string; models: string[]; usable: string[] }[];
  problems: string[];
}

/** The model setup as health and status report it. */
export function describeModelSetup(cfg: ResolvedConfig, stateDir: string): ModelSetup {
  const problems = new Set<string>();
  const agents = Object.keys(cfg.agents.entries).map((agentId) => {
    const refs = resolveAgentSettings(cfg, agentId, stateDir)?.modelRefs ?? [];
    const { usable, skipped } = usableModelRefs(cfg, refs);
    for (const s of skipped) problems.add(s.problem!);
    if (!refs.length || !usable.length) problems.add(`agent "${agentId}": ${NO_MODEL_MESSAGE}`);
    return { agentId, models: refs, usable };
  });
  return { ok: agents.every((a) => a.usable.length > 0), agents, problems: [...problems] };
}

/** Logs each model problem once when it appears (at start, then after reloads that change the setup). */
export function createModelSetupReporter(log: Logger): (setup: ModelSetup) => void {
  let reported = new Set<string>();
  return (setup) => {
    for (const p of setup.problems) if (!reported.has(p)) log.warn(`model setup: ${p}`);
    reported = new Set(setup.problems);
  };
}
