import { resolveAgentSettings } from '../../agents/agent-config.js';
import type { Store } from '../../store/types.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';
import { invokeTool, type ToolInvokeDeps } from '../tool-invoke.js';
import { resolveClientSessionKey } from './chat.js';

/** `models.list` and `tools.invoke`. */
export function modelAndToolHandlers(deps: ToolInvokeDeps & { store: Pick<Store, 'sessions'> }): Handlers {
  return {
    'models.list': async (params) => {
      const cfg = deps.config();
      const models = Object.entries(cfg.models?.providers ?? {}).flatMap(([provider, p]) =>
        (p.models ?? []).map((m) => ({
          id: m.id,
          ref: `${provider}/${m.id}`,
          provider,
          api: p.api ?? (provider === 'anthropic' ? 'anthropic-messages' : 'openai-completions'),
          name: m.name ?? m.id,
          ...(m.contextWindow ? { contextWindow: m.contextWindow } : {}),
          ...(m.maxTokens ? { maxTokens: m.maxTokens } : {}),
        })),
      );
      let agentId = params.agentId;
      let override: string | undefined;
      if (params.sessionKey) {
        const target = resolveClientSessionKey(cfg, params.sessionKey, params.agentId);
        agentId = target.agentId;
        override = (await deps.store.sessions.get(target.sessionKey))?.modelOverride;
      }
      let primary = cfg.agents.defaults?.model?.primary;
      if (agentId) {
        const agent = resolveAgentSettings(cfg, agentId, deps.stateDir);
        if (!agent) throw new InvalidRequestError(`unknown agent "${agentId}"; configured agents: ${Object.keys(cfg.agents.entries).join(', ')}`, { code: 'UNKNOWN_AGENT' });
        primary = agent.modelRefs[0];
      }
      const defaultModel = override ?? primary;
      return { models, ...(defaultModel ? { defaultModel } : {}) };
    },
    'models.authStatus': (params) => {
      const cfg = deps.config();
      if (params.agentId && !cfg.agents.entries[params.agentId]) throw new InvalidRequestError(`unknown agent "${params.agentId}"`, { code: 'UNKNOWN_AGENT' });
      const providers = Object.entries(cfg.models?.providers ?? {}).map(([provider, p]) => ({
        provider,
        authProvider: provider,
        displayName: provider,
        status: typeof p.apiKey === 'string' && p.apiKey.trim() ? ('static' as const) : ('missing' as const),
        profiles: [],
        models: (p.models ?? []).map((m) => `${provider}/${m.id}`),
      }));
      return { ts: Date.now(), providers };
    },
    'tools.invoke': (params) => invokeTool(deps, params),
  };
}
