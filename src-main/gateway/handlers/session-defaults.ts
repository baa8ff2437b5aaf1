import { agentModelRefs } from '../../agents/agent-config.js';
import type { ResolvedConfig } from '../../config/resolve.js';

/**
 * What a chat or a session list starts from: the agent, its main session, and
 * the model a turn uses (a session override, else the agent's primary). A model
 * chosen in a client is kept on the session (`sessions.patch`), hence the
 * `session` selection target.
 */
export function sessionDefaults(cfg: ResolvedConfig, agentId: string = cfg.defaultAgentId, modelOverride?: string) {
  const ref = modelOverride ?? agentModelRefs(cfg, agentId)[0];
  const slash = ref?.indexOf('/') ?? -1;
  const mainKey = cfg.session?.mainKey ?? 'main';
  return {
    defaultAgentId: cfg.defaultAgentId,
    agentId,
    mainKey,
    mainSessionKey: `agent:${agentId}:${mainKey}`,
    scope: cfg.session?.scope ?? ('per-sender' as const),
    ...(ref && slash > 0 ? { modelProvider: ref.slice(0, slash), model: ref.slice(slash + 1) } : {}),
    modelSelectionTarget: 'session' as const,
  };
}
