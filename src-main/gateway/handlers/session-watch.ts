import type { Handlers } from '../dispatcher.js';
import type { SessionSubscriptions } from '../session-subscriptions.js';
import { resolveClientSessionKey } from './chat.js';
import { listSessions, presentSession, type SessionListDeps } from './sessions.js';

/** `sessions.subscribe`, `sessions.messages.subscribe` (and their unsubscribes), `sessions.describe`. */
export function sessionWatchHandlers(deps: SessionListDeps & { subscriptions: SessionSubscriptions }): Handlers {
  const subs = deps.subscriptions;
  return {
    'sessions.subscribe': async (params, ctx) => {
      subs.watchList(ctx.connId);
      if (Object.keys(params).length === 0) return { subscribed: true };
      return { subscribed: true, list: await listSessions(deps, params) };
    },
    'sessions.unsubscribe': (_params, ctx) => {
      subs.unwatchList(ctx.connId);
      return { subscribed: false };
    },
    'sessions.messages.subscribe': (params, ctx) => {
      const { sessionKey } = resolveClientSessionKey(deps.config(), params.key, params.agentId);
      subs.watchMessages(ctx.connId, sessionKey);
      return { subscribed: true, key: sessionKey };
    },
    'sessions.messages.unsubscribe': (params, ctx) => {
      const { sessionKey } = resolveClientSessionKey(deps.config(), params.key, params.agentId);
      subs.unwatchMessages(ctx.connId, sessionKey);
      return { subscribed: false, key: sessionKey };
    },
    'sessions.describe': async (params) => {
      const { sessionKey } = resolveClientSessionKey(deps.config(), params.key, params.agentId);
      const s = await deps.store.sessions.get(sessionKey);
      return { key: sessionKey, session: s ? await presentSession(deps.store, s, deps.queue.isRunning(sessionKey), params) : null };
    },
  };
}
