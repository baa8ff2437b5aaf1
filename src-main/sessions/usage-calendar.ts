/**
 * Calendar days for usage reports: which day a moment falls on, and the moments a day spans, in UTC, the gateway's
 * own clock, a fixed UTC offset or an IANA time zone (as the reference protocol's `sessions.usage` reads dates).
 */

const MAX_OFFSET_MINUTES = 14 * 60;

export type UsageClock = { mode: 'utc' } | { mode: 'gateway' } | { mode: 'utc-offset'; minutes: number } | { mode: 'time-zone'; timeZone: string };

export interface UsageCalendar {
  /** `YYYY-MM-DD` of the day `ms` falls on. */
  dayKey(ms: number): string;
  /** The first millisecond of a day. */
  dayStartMs(y: number, m: number, d: number): number;
}

export interface UsageRange {
  startMs: number;
  /** Inclusive: the last millisecond of the last day. */
  endMs: number;
  startDate: string;
  endDate: string;
}

/** A request's days could not be read: the message says which field and why. */
export class UsageRangeError extends Error {}

const pad = (n: number) => String(n).padStart(2, '0');
const keyOf = (y: number, m: number, d: number) => `${y}-${pad(m + 1)}-${pad(d)}`;

/** `UTC+5:30` → 330 minutes east; undefined when not of that form or beyond UTC-12…UTC+14. */
export function parseUtcOffset(raw: string | undefined): number | undefined {
  const m = raw ? /^UTC([+-])(\d{1,2})(?::([0-5]\d))?$/.exec(raw.trim()) : null;
  if (!m) return undefined;
  const minutes = (m[1] === '+' ? 1 : -1) * (Number(m[2]) * 60 + Number(m[3] ?? '0'));
  return minutes < -720 || minutes > MAX_OFFSET_MINUTES ? undefined : minutes;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The clock a request names: `mode: "specific"` with a time zone (preferred) or a UTC offset; `gateway`; else UTC. */
export function resolveUsageClock(p: { mode?: string; timeZone?: string; utcOffset?: string }): UsageClock {
  if (p.mode === 'gateway') return { mode: 'gateway' };
  if (p.mode !== 'specific') return { mode: 'utc' };
  const offset = parseUtcOffset(p.utcOffset);
  if (p.timeZone !== undefined) {
    if (validTimeZone(p.timeZone.trim())) return { mode: 'time-zone', timeZone: p.timeZone.trim() };
    if (offset !== undefined) return { mode: 'utc-offset', minutes: offset };
    throw new UsageRangeError('invalid timeZone: expected a valid IANA time zone');
  }
  if (offset !== undefined) return { mode: 'utc-offset', minutes: offset };
  if (p.utcOffset !== undefined && p.utcOffset.trim() !== '') throw new UsageRangeError('invalid utcOffset: expected UTC-12:00 through UTC+14:00');
  return { mode: 'utc' };
}

function offsetCalendar(minutes: number): UsageCalendar {
  const shift = minutes * 60_000;
  return {
    dayKey: (ms) => new Date(ms + shift).toISOString().slice(0, 10),
    dayStartMs: (y, m, d) => Date.UTC(y, m, d) - shift,
  };
}

function timeZoneCalendar(timeZone: string): UsageCalendar {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const wallClock = (ms: number) => {
    const parts = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
    return { key: `${parts.year}-${parts.month}-${parts.day}`, asUtc: Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) };
  };
  // The zone's offset at a moment, in ms east of UTC (whole seconds, as the formatter gives them).
  const offsetAt = (ms: number) => wallClock(ms).asUtc - Math.floor(ms / 1000) * 1000;
  return {
    dayKey: (ms) => wallClock(ms).key,
    dayStartMs(y, m, d) {
      const midnight = Date.UTC(y, m, d);
      // Twice: the offset at the guess may differ from the offset at local midnight across a DST change.
      const guess = midnight - offsetAt(midnight);
      return midnight - offsetAt(guess);
    },
  };
}

const gatewayCalendar: UsageCalendar = {
  dayKey: (ms) => {
    const t = new Date(ms);
    return keyOf(t.getFullYear(), t.getMonth(), t.getDate());
  },
  dayStartMs: (y, m, d) => new Date(y, m, d).getTime(),
};

export function usageCalendar(clock: UsageClock): UsageCalendar {
  if (clock.mode === 'gateway') return gatewayCalendar;
  if (clock.mode === 'time-zone') return timeZoneCalendar(clock.timeZone);
  return offsetCalendar(clock.mode === 'utc-offset' ? clock.minutes : 0);
}

function parseDate(raw: string, field: string): [number, number, number] {
  const [y, m, d] = raw.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) throw new UsageRangeError(`invalid ${field}: expected a valid YYYY-MM-DD calendar date`);
  return [y, m - 1, d];
}

const PRESET_DAYS: Record<string, number> = { '7d': 7, '30d': 30, '90d': 90, '1y': 365 };
export const DEFAULT_USAGE_RANGE_DAYS = 30;

/** The days a request covers: `startDate`…`endDate` together, else a preset `range` up to today (default 30 days), `all` from the start. */
export function resolveUsageRange(p: { startDate?: string; endDate?: string; range?: string }, cal: UsageCalendar, nowMs: number): UsageRange {
  if ((p.startDate === undefined) !== (p.endDate === undefined)) throw new UsageRangeError('startDate and endDate must be provided together');
  const nextDayStart = (key: string) => {
    const [y, m, d] = parseDate(key, 'endDate');
    return cal.dayStartMs(y, m, d + 1);
  };
  const today = cal.dayKey(nowMs);
  if (p.startDate !== undefined && p.endDate !== undefined) {
    const [y, m, d] = parseDate(p.startDate, 'startDate');
    const startMs = cal.dayStartMs(y, m, d);
    const endMs = nextDayStart(p.endDate) - 1;
    if (startMs > endMs) throw new UsageRangeError('startDate must not be after endDate');
    return { startMs, endMs, startDate: p.startDate, endDate: p.endDate };
  }
  const endMs = nextDayStart(today) - 1;
  if (p.range === 'all') return { startMs: 0, endMs, startDate: cal.dayKey(0), endDate: today };
  const days = PRESET_DAYS[p.range ?? ''] ?? DEFAULT_USAGE_RANGE_DAYS;
  const [y, m, d] = parseDate(today, 'endDate');
  const startMs = cal.dayStartMs(y, m, d - (days - 1));
  return { startMs, endMs, startDate: cal.dayKey(startMs), endDate: today };
}
