import { resolveAgentSettings } from '../../agents/agent-config.js';
import { resolveAgentIdentity } from '../../agents/agent-identity.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';
import { resolveClientSessionKey } from './chat.js';

function splitModels(refs: string[]) {
  if (!refs.length) return {};
  return { model: { primary: refs[0]!, ...(refs.length > 1 ? { fallbacks: refs.slice(1) } : {}) } };
}

/** `agents.list` and `agent.identity.get`: the configured agents as clients show them. */
export function agentDirectoryHandlers(deps: { config(): ResolvedConfig; stateDir: string }): Handlers {
  const settings = (cfg: ResolvedConfig, agentId: string) => {
    const agent = resolveAgentSettings(cfg, agentId, deps.stateDir);
    if (!agent) throw new InvalidRequestError(`unknown agent "${agentId}"; configured agents: ${Object.keys(cfg.agents.entries).join(', ')}`, { code: 'UNKNOWN_AGENT' });
    return agent;
  };
  return {
    'agents.list': async () => {
      const cfg = deps.config();
      const agents = await Promise.all(
        Object.keys(cfg.agents.entries).map(async (id) => {
          const agent = settings(cfg, id);
          const identity = await resolveAgentIdentity(agent, cfg.agents.entries[id]!.name);
          return {
            id,
            name: identity.name,
            identity: { name: identity.name, ...(identity.emoji ? { emoji: identity.emoji } : {}), ...(identity.theme ? { theme: identity.theme } : {}), ...(identity.avatar ? { avatar: identity.avatar } : {}) },
            workspace: agent.workspace,
            ...splitModels(agent.modelRefs),
          };
        }),
      );
      return { defaultId: cfg.defaultAgentId, mainKey: cfg.session?.mainKey ?? 'main', scope: cfg.session?.scope ?? 'per-sender', agents };
    },
    'agent.identity.get': async (params) => {
      const cfg = deps.config();
      const agentId = params.sessionKey ? resolveClientSessionKey(cfg, params.sessionKey, params.agentId).agentId : (params.agentId ?? cfg.defaultAgentId);
      return resolveAgentIdentity(settings(cfg, agentId), cfg.agents.entries[agentId]?.name);
    },
  };
}
