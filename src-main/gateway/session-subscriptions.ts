/**
 * Which WebSocket connections watch which sessions. `session.message` (a
 * transcript entry was written) goes only to the connections watching that
 * session (`sessions.messages.subscribe`); every other event is unaffected.
 * A connection's watches end with it.
 */
export interface SessionSubscriptions {
  /** The connection hears session list changes (`sessions.subscribe`). */
  watchList(connId: string): void;
  unwatchList(connId: string): void;
  /** The connection hears every transcript entry of this session (`sessions.messages.subscribe`). */
  watchMessages(connId: string, sessionKey: string): void;
  unwatchMessages(connId: string, sessionKey: string): void;
  /** The connection closed. */
  forget(connId: string): void;
  /** Whether this connection is meant to receive this event. */
  wants(connId: string, event: string, payload: unknown): boolean;
  /** Whether this connection watches the session list. */
  watchesList(connId: string): boolean;
  /** Connections watching the list, and how many session watches there are (for status). */
  counts(): { listWatchers: number; messageWatches: number };
}

/** Events delivered only to the connections watching their session. */
const TARGETED_EVENTS = new Set(['session.message']);

export function createSessionSubscriptions(): SessionSubscriptions {
  const listWatchers = new Set<string>();
  const bySession = new Map<string, Set<string>>();
  const byConn = new Map<string, Set<string>>();

  const unwatchMessages = (connId: string, sessionKey: string) => {
    bySession.get(sessionKey)?.delete(connId);
    if (bySession.get(sessionKey)?.size === 0) bySession.delete(sessionKey);
    byConn.get(connId)?.delete(sessionKey);
    if (byConn.get(connId)?.size === 0) byConn.delete(connId);
  };

  return {
    watchList: (connId) => void listWatchers.add(connId),
    unwatchList: (connId) => void listWatchers.delete(connId),
    watchMessages(connId, sessionKey) {
      let conns = bySession.get(sessionKey);
      if (!conns) bySession.set(sessionKey, (conns = new Set()));
      conns.add(connId);
      let keys = byConn.get(connId);
      if (!keys) byConn.set(connId, (keys = new Set()));
      keys.add(sessionKey);
    },
    unwatchMessages,
    forget(connId) {
      listWatchers.delete(connId);
      for (const key of [...(byConn.get(connId) ?? [])]) unwatchMessages(connId, key);
    },
    wants(connId, event, payload) {
      if (!TARGETED_EVENTS.has(event)) return true;
      const key = (payload as { sessionKey?: unknown } | null)?.sessionKey;
      return typeof key === 'string' && (bySession.get(key)?.has(connId) ?? false);
    },
    watchesList: (connId) => listWatchers.has(connId),
    counts: () => ({ listWatchers: listWatchers.size, messageWatches: [...bySession.values()].reduce((n, s) => n + s.size, 0) }),
  };
}

/** A connection as delivery sees it. */
export interface EventTarget {
  readonly connId: string;
  sendEvent(event: string, payload: unknown): void;
}

/**
 * The WS side of the event bus under subscriptions: targeted events go to their
 * watchers only, and a written transcript entry also tells the list watchers
 * (`sessions.changed` with phase `message`) so their session lists stay current.
 */
export function subscribedBroadcast(subs: SessionSubscriptions, targets: () => Iterable<EventTarget>): (event: string, payload: unknown) => void {
  return (event, payload) => {
    for (const c of targets()) if (subs.wants(c.connId, event, payload)) c.sendEvent(event, payload);
    if (event !== 'session.message') return;
    const { sessionKey, agentId } = payload as { sessionKey: string; agentId?: string };
    const changed = { sessionKey, ...(agentId ? { agentId } : {}), reason: 'message', phase: 'message', ts: Date.now() };
    for (const c of targets()) if (subs.watchesList(c.connId)) c.sendEvent('sessions.changed', changed);
  };
}
