import type { Handlers } from '../dispatcher.js';
import { invokeTool, type ToolInvokeDeps } from '../tool-invoke.js';

/** `models.list` and `tools.invoke`. */
export function modelAndToolHandlers(deps: ToolInvokeDeps): Handlers {
  return {
    'models.list': () => {
      const cfg = deps.config();
      const models = Object.entries(cfg.models?.providers ?? {}).flatMap(([provider, p]) =>
        (p.models ?? []).map((m) => ({
          id: m.id,
          ref: `${provider}/${m.id}`,
          provider,
          api: p.api ?? (provider === 'anthropic' ? 'anthropic-messages' : 'openai-completions'),
          ...(m.name ? { name: m.name } : {}),
          ...(m.contextWindow ? { contextWindow: m.contextWindow } : {}),
          ...(m.maxTokens ? { maxTokens: m.maxTokens } : {}),
        })),
      );
      const primary = cfg.agents.defaults?.model?.primary;
      return { models, ...(primary ? { defaultModel: primary } : {}) };
    },
    'tools.invoke': (params) => invokeTool(deps, params),
  };
}
