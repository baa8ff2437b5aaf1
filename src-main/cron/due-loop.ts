/**
 * The timer loop the cron scheduler and the heartbeat runner both run on. A pass looks at what is due, does
 * it, and says when the next thing is due; the loop sleeps until then (at most `maxSleepMs`, so a clock
 * change or a missed notice costs no more than that). One pass at a time: one asked for while another runs
 * (`poke`, the timer) runs once right after it. A pass that throws is reported and the loop tries again
 * after `maxSleepMs`.
 */
export interface DueLoop {
  start(): void;
  stop(): void;
  /** Stops for good: `start` does nothing after it. */
  close(): void;
  closed(): boolean;
  active(): boolean;
  /** Look now (something was added or changed). */
  poke(): void;
  /** The pass running now, if one is. */
  running(): Promise<void> | undefined;
  /** When the timer fires next (the earliest due time the last pass saw). */
  nextWakeAtMs(): number | undefined;
}

export interface DueLoopOptions {
  /** Does what is due; returns the earliest time something is due next (undefined: nothing). `active()` turns false when stopped mid-pass. */
  pass(active: () => boolean): Promise<number | undefined>;
  onError(err: unknown): void;
  maxSleepMs: number;
  now?: () => number;
}

export function createDueLoop(o: DueLoopOptions): DueLoop {
  const now = o.now ?? Date.now;
  let started = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeAt: number | undefined;
  let ticking: Promise<void> | undefined;
  let tickAgain = false;
  const active = () => started;

  const arm = (earliest: number | undefined) => {
    clearTimeout(timer);
    if (!started) return;
    wakeAt = earliest;
    const delay = earliest === undefined ? o.maxSleepMs : Math.min(Math.max(0, earliest - now()), o.maxSleepMs);
    timer = setTimeout(() => void tick(), delay);
    timer.unref();
  };

  const tick = (): Promise<void> => {
    if (ticking) {
      tickAgain = true;
      return ticking;
    }
    ticking = (async () => {
      do {
        tickAgain = false;
        let earliest: number | undefined;
        try {
          earliest = await o.pass(active);
        } catch (err) {
          o.onError(err);
          earliest = undefined;
        }
        arm(earliest);
      } while (tickAgain && started);
    })().finally(() => (ticking = undefined));
    return ticking;
  };

  const stop = () => {
    started = false;
    clearTimeout(timer);
    timer = undefined;
    wakeAt = undefined;
  };

  return {
    start() {
      if (started || closed) return;
      started = true;
      void tick();
    },
    stop,
    close() {
      closed = true;
      stop();
    },
    closed: () => closed,
    active,
    poke() {
      if (started) void tick();
    },
    running: () => ticking,
    nextWakeAtMs: () => wakeAt,
  };
}
