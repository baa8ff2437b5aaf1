import type { ResolvedConfig } from '../../config/resolve.js';
import { RESET_COMMANDS } from '../../sessions/reset-policy.js';
import type { Handlers } from '../dispatcher.js';
import { readChatHistory, resolveClientSessionKey, type ChatHandlerDeps } from './chat.js';
import { sessionDefaults } from './session-defaults.js';
import { presentSession } from './sessions.js';

/** The configured models as a chat offers them. */
export function configuredModelChoices(cfg: ResolvedConfig) {
  return Object.entries(cfg.models?.providers ?? {}).flatMap(([provider, p]) => (p.models ?? []).map((m) => ({ id: m.id, name: m.name ?? m.id, provider, ref: `${provider}/${m.id}` })));
}


/** `chat.startup` (a chat's first page, session row and defaults in one call) and `chat.metadata` (what its composer offers). */
export function chatStartupHandlers(deps: Pick<ChatHandlerDeps, 'store' | 'queue' | 'config'>): Handlers {
  return {
    'chat.startup': async (params) => {
      const cfg = deps.config();
      const { sessionKey, agentId } = resolveClientSessionKey(cfg, params.sessionKey, params.agentId);
      const history = await readChatHistory(deps, params);
      const session = await deps.store.sessions.get(sessionKey);
      const running = deps.queue.isRunning(sessionKey);
      return {
        ...history,
        ...(session ? { sessionInfo: await presentSession(deps.store, session, running, {}) } : {}),
        defaults: sessionDefaults(cfg, agentId, session?.modelOverride),
        running,
      };
    },
    'chat.metadata': (params) => {
      const cfg = deps.config();
      if (params.sessionKey) resolveClientSessionKey(cfg, params.sessionKey, params.agentId);
      return {
        models: configuredModelChoices(cfg),
        commands: RESET_COMMANDS.map((name) => ({ name, description: 'Start a new conversation in this session (the old transcript is kept).' })),
        swarmEnabled: false,
      };
    },
  };
}
