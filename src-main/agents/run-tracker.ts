/** The outcome of a run, as `agent`, `agent.wait` and `chat` report it. */
export interface RunOutcome {
  runId: string;
  status: 'ok' | 'error' | 'aborted' | 'timeout' | 'dropped';
  text: string;
  sessionKey: string;
  error?: string;
  usage?: { inputTokens: number; outputTokens: number; costUsd: number };
}

/**
 * Who is waiting for which run. Finished outcomes are kept for a while (bounded)
 * so a waiter that arrives late still gets the answer.
 */
export class RunTracker {
  private readonly waiters = new Map<string, ((o: RunOutcome) => void)[]>();
  private readonly finished = new Map<string, { outcome: RunOutcome; at: number }>();

  constructor(
    private readonly keepMs = 5 * 60_000,
    private readonly keepMax = 2000,
  ) {}

  finish(runIds: string[], outcome: Omit<RunOutcome, 'runId'>): void {
    const now = Date.now();
    for (const runId of runIds) {
      const o = { ...outcome, runId };
      this.finished.set(runId, { outcome: o, at: now });
      for (const w of this.waiters.get(runId) ?? []) w(o);
      this.waiters.delete(runId);
    }
    if (this.finished.size > this.keepMax) {
      for (const [k, v] of this.finished) {
        if (this.finished.size <= this.keepMax && now - v.at < this.keepMs) break;
        this.finished.delete(k);
      }
    }
  }

  get(runId: string): RunOutcome | undefined {
    const f = this.finished.get(runId);
    if (f && Date.now() - f.at > this.keepMs) {
      this.finished.delete(runId);
      return undefined;
    }
    return f?.outcome;
  }

  /** Resolve with the outcome, or undefined after `timeoutMs`. */
  wait(runId: string, timeoutMs: number): Promise<RunOutcome | undefined> {
    const done = this.get(runId);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      const timer = setTimeout(() => {
        const l = this.waiters.get(runId);
        if (l) {
          const i = l.indexOf(fn);
          if (i >= 0) l.splice(i, 1);
          if (!l.length) this.waiters.delete(runId);
        }
        resolve(undefined);
      }, timeoutMs);
      timer.unref?.();
      const fn = (o: RunOutcome) => {
        clearTimeout(timer);
        resolve(o);
      };
      list.push(fn);
      this.waiters.set(runId, list);
    });
  }
}
