/**
 * When to restart a crashed plugin process, and when to stop trying: capped
 * exponential backoff with jitter, and a crash budget per time window so a
 * plugin that dies on start cannot loop forever.
 */

/** Restart settings; the defaults suit a plugin that crashes now and then. */
export interface RestartPolicy {
  /** First delay (default 500 ms). */
  initialMs: number;
  /** Longest delay (default 30 s). */
  maxMs: number;
  /** Crashes within `windowMs` that mark the plugin failed (default 5). */
  maxCrashes: number;
  /** Default 60 s. */
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = Object.freeze({ initialMs: 500, maxMs: 30_000, maxCrashes: 5, windowMs: 60_000 });

/** Delay before restart number `attempt` (1-based): doubling from `initialMs`, capped, ±20 % jitter so plugins do not restart in step. */
export function restartDelay(attempt: number, policy: Pick<RestartPolicy, 'initialMs' | 'maxMs'>, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Counts crashes inside a sliding window. */
export class CrashWindow {
  private readonly times: number[] = [];
  constructor(private readonly windowMs: number) {}

  /** Records a crash at `now`; returns the crashes inside the window, this one included. */
  record(now: number): number {
    this.times.push(now);
    while (this.times.length > 0 && this.times[0]! <= now - this.windowMs) this.times.shift();
    return this.times.length;
  }
}
