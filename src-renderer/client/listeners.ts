type Listener = (payload: unknown, event: string) => void;

/** Event fan-out shared by both transports: per-name listeners plus `'*'` for all events. */
export class EventListeners {
  private readonly byEvent = new Map<string, Set<Listener>>();

  add(event: string, fn: Listener): () => void {
    let set = this.byEvent.get(event);
    if (!set) {
      set = new Set();
      this.byEvent.set(event, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.byEvent.delete(event);
    };
  }

  emit(event: string, payload: unknown): void {
    for (const key of [event, '*']) {
      for (const fn of this.byEvent.get(key) ?? []) {
        try {
          fn(payload, event);
        } catch (err) {
          // One faulty listener must not starve the others.
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    }
  }

  clear(): void {
    this.byEvent.clear();
  }
}
