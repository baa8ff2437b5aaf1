import { Cron } from 'croner';
import type { CronScheduleRecord } from '../store/types.js';

/** A schedule as the protocol carries it (`cron.add`, `cron.update`). */
export type WireSchedule = { kind: 'cron'; expr: string; tz?: string } | { kind: 'at'; at: string } | { kind: 'every'; everyMs: number; anchorMs?: number };

/** The shortest interval an `every` job may have: anything shorter is a mistake, not a schedule. */
export const MIN_EVERY_MS = 1000;

/** A schedule that cannot run, with what is wrong in words a person can act on. */
export class CronScheduleError extends Error {
  override readonly name = 'CronScheduleError';
}

function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new CronScheduleError(`unknown time zone "${tz}" (use an IANA name such as Europe/Berlin or America/New_York)`);
  }
}

function cronOf(expr: string, tz: string | undefined): Cron {
  try {
    return new Cron(expr, { paused: true, ...(tz ? { timezone: tz } : {}) });
  } catch (err) {
    const reason = (err as Error).message.replace(/^CronPattern: /, '');
    throw new CronScheduleError(`invalid cron expression "${expr}": ${reason}`);
  }
}

/**
 * Checks a schedule and turns it into the stored form: `at` becomes a time (an ISO time without an offset
 * is the gateway's local time), a cron expression must parse and its time zone exist.
 * @throws {CronScheduleError} naming the problem
 */
export function parseSchedule(s: WireSchedule, nowMs: number): CronScheduleRecord {
  switch (s.kind) {
    case 'cron': {
      const expr = s.expr.trim();
      const tz = s.tz?.trim() || undefined;
      if (tz) checkTimeZone(tz);
      if (!cronOf(expr, tz).nextRun(new Date(nowMs))) throw new CronScheduleError(`cron expression "${expr}" never runs (no date matches it)`);
      return { kind: 'cron', expr, ...(tz ? { tz } : {}) };
    }
    case 'at': {
      const atMs = /^\d+$/.test(s.at.trim()) ? Number(s.at.trim()) : Date.parse(s.at);
      if (!Number.isFinite(atMs)) throw new CronScheduleError(`"${s.at}" is not a time (use ISO 8601, e.g. 2026-12-24T09:00 or 2026-12-24T09:00:00Z)`);
      return { kind: 'at', atMs };
    }
    case 'every':
      if (!Number.isInteger(s.everyMs) || s.everyMs < MIN_EVERY_MS) throw new CronScheduleError(`an interval of ${s.everyMs} ms is too short (at least ${MIN_EVERY_MS / 1000} s)`);
      return { kind: 'every', everyMs: s.everyMs, ...(s.anchorMs !== undefined ? { anchorMs: s.anchorMs } : {}) };
  }
}

/** The stored schedule as the protocol shows it. */
export function toWireSchedule(s: CronScheduleRecord): WireSchedule {
  if (s.kind === 'at') return { kind: 'at', at: new Date(s.atMs).toISOString() };
  return s;
}

/**
 * The first occurrence strictly after `afterMs`, or undefined when there is none (a one-time job whose time
 * passed, a cron expression with no further date). `every` counts from its anchor (default: `createdAtMs`).
 */
export function nextOccurrence(s: CronScheduleRecord, afterMs: number, createdAtMs: number): number | undefined {
  switch (s.kind) {
    case 'at':
      return s.atMs > afterMs ? s.atMs : undefined;
    case 'every': {
      const anchor = s.anchorMs ?? createdAtMs;
      if (afterMs < anchor) return anchor;
      return anchor + (Math.floor((afterMs - anchor) / s.everyMs) + 1) * s.everyMs;
    }
    case 'cron':
      return cronOf(s.expr, s.tz).nextRun(new Date(afterMs))?.getTime();
  }
}

/** When a newly added (or changed) job first runs: a one-time job whose time passed runs at once. */
export function firstOccurrence(s: CronScheduleRecord, nowMs: number, createdAtMs: number): number | undefined {
  if (s.kind === 'at') return s.atMs;
  return nextOccurrence(s, nowMs, createdAtMs);
}
