/**
 * Event-driven waiting for fakes and harnesses: state changes call
 * `notify()`, and `until(check)` resolves the first time `check` returns a
 * value, so tests wait for what happened instead of sleeping.
 */
export class Waiters {
  private readonly waiters = new Set<() => void>();

  /** Something changed: let every waiter look again. */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with the first defined result of `check`, or rejects after `timeoutMs` naming `what`. */
  until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = check();
      if (first !== undefined) return resolve(first);
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const w = () => {
        const v = check();
        if (v === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(w);
        resolve(v);
      };
      this.waiters.add(w);
    });
  }
}
