/** Receives a gateway event: its name (a key of `EVENTS`, or a plugin's namespaced one) and payload. */
export type EventListener = (event: string, payload: unknown) => void;

/**
 * Gateway events, published once: to the WebSocket clients (through the
 * server's broadcast, attached when the server exists) and to in-process
 * subscribers (local clients, HTTP API streams). Publishers never know who listens.
 */
export interface EventBus {
  /** To every WS client and every in-process subscriber. */
  publish(event: string, payload: unknown): void;
  /** To in-process subscribers only. */
  publishLocal(event: string, payload: unknown): void;
  /** An in-process subscriber; returns the unsubscribe function. */
  subscribe(fn: EventListener): () => void;
  /** The WS side: every `publish` is broadcast through `fn` from now on. */
  attachBroadcast(fn: EventListener): () => void;
}

export function createEventBus(): EventBus {
  const local = new Set<EventListener>();
  const remote = new Set<EventListener>();
  const add = (set: Set<EventListener>, fn: EventListener) => {
    // A function subscribed twice still has one subscription; wrap it so each subscribe can be undone on its own.
    const entry: EventListener = (e, p) => fn(e, p);
    set.add(entry);
    return () => void set.delete(entry);
  };
  const publishLocal = (event: string, payload: unknown) => {
    for (const fn of [...local]) fn(event, payload);
  };
  return {
    publish(event, payload) {
      for (const fn of remote) fn(event, payload);
      publishLocal(event, payload);
    },
    publishLocal,
    subscribe: (fn) => add(local, fn),
    attachBroadcast: (fn) => add(remote, fn),
  };
}
