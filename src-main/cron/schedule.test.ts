import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src-shared/domain/duration.js';
import { CronScheduleError, firstOccurrence, nextOccurrence, parseSchedule, toWireSchedule } from './schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('parseSchedule', () => {
  const now = at('2026-12-06T12:00:00Z');

  it('keeps a cron expression with its time zone, trimmed', () => {
    expect(parseSchedule({ kind: 'cron', expr: ' 0 9 * * 1-5 ', tz: 'Europe/Berlin' }, now)).toEqual({ kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin' });
    expect(parseSchedule({ kind: 'cron', expr: '*/5 * * * *', tz: '' }, now)).toEqual({ kind: 'cron', expr: '*/5 * * * *' });
  });

  it.each([
    ['61 * * * *', /invalid cron expression "61 \* \* \* \*": Invalid value for minute: 61/],
    ['every morning', /invalid cron expression "every morning".*five, six, or seven/],
    ['0 9 * * 8', /dayOfWeek/],
    ['0 0 30 2 *', /never runs/],
  ])('refuses %s, saying why', (expr, reason) => {
    expect(() => parseSchedule({ kind: 'cron', expr }, now)).toThrow(CronScheduleError);
    expect(() => parseSchedule({ kind: 'cron', expr }, now)).toThrow(reason);
  });

  it('refuses an unknown time zone by name', () => {
    expect(() => parseSchedule({ kind: 'cron', expr: '0 9 * * *', tz: 'Mars/Olympus' }, now)).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it('reads a time for `at` (ISO with or without offset, or epoch ms) and refuses what is not one', () => {
    expect(parseSchedule({ kind: 'at', at: '2026-12-24T09:00:00Z' }, now)).toEqual({ kind: 'at', atMs: at('2026-12-24T09:00:00Z') });
    expect(parseSchedule({ kind: 'at', at: '2026-12-24T09:00' }, now)).toEqual({ kind: 'at', atMs: new Date(2026, 11, 24, 9, 0).getTime() });
    expect(parseSchedule({ kind: 'at', at: '1798102800000' }, now)).toEqual({ kind: 'at', atMs: 1798102800000 });
    expect(() => parseSchedule({ kind: 'at', at: 'christmas' }, now)).toThrow(/"christmas" is not a time/);
  });

  it('refuses an interval under a second', () => {
    expect(parseSchedule({ kind: 'every', everyMs: 30_000 }, now)).toEqual({ kind: 'every', everyMs: 30_000 });
    expect(() => parseSchedule({ kind: 'every', everyMs: 10 }, now)).toThrow(/too short/);
  });

  it('shows `at` as an ISO time on the wire', () => {
    expect(toWireSchedule({ kind: 'at', atMs: at('2026-12-24T09:00:00Z') })).toEqual({ kind: 'at', at: '2026-12-24T09:00:00.000Z' });
  });
});

describe('nextOccurrence', () => {
  it('follows a cron expression in its time zone, across the change to summer time', () => {
    const s = { kind: 'cron' as const, expr: '0 9 * * 1-5', tz: 'Europe/Berlin' };
    // Sunday noon → Monday 09:00 in Berlin (08:00 UTC in winter).
    expect(nextOccurrence(s, at('2026-12-06T12:00:00Z'), 0)).toBe(at('2026-12-07T08:00:00Z'));
    // Friday 27 March 2026 09:00 is winter time; Monday 30 March is summer time (07:00 UTC).
    expect(nextOccurrence(s, at('2026-03-27T09:00:00Z'), 0)).toBe(at('2026-03-30T07:00:00Z'));
    expect(nextOccurrence({ kind: 'cron', expr: '0 9 * * *', tz: 'America/New_York' }, at('2026-12-06T12:00:00Z'), 0)).toBe(at('2026-12-06T14:00:00Z'));
  });

  it('is strictly after the given time', () => {
    const s = { kind: 'cron' as const, expr: '*/5 * * * *' };
    expect(nextOccurrence(s, at('2026-12-06T12:05:00Z'), 0)).toBe(at('2026-12-06T12:10:00Z'));
  });

  it('counts `every` from its anchor (default: creation), skipping occurrences already past', () => {
    const created = at('2026-12-06T12:00:00Z');
    const s = { kind: 'every' as const, everyMs: 30 * 60_000 };
    expect(nextOccurrence(s, created, created)).toBe(created + 30 * 60_000);
    // Down for five hours: the next one is the first after now, not one per missed interval.
    expect(nextOccurrence(s, created + 5 * 3_600_000 + 1, created)).toBe(created + 5.5 * 3_600_000);
    expect(nextOccurrence({ ...s, anchorMs: created + 10 }, created, created)).toBe(created + 10);
  });

  it('has nothing after a one-time job`s time; a one-time job in the past first runs at once', () => {
    const s = { kind: 'at' as const, atMs: 1000 };
    expect(nextOccurrence(s, 999, 0)).toBe(1000);
    expect(nextOccurrence(s, 1000, 0)).toBeUndefined();
    expect(firstOccurrence(s, 5000, 5000)).toBe(1000);
  });
});

describe('durations', () => {
  it.each([
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['45s', 45_000],
    ['2d', 172_800_000],
    ['500ms', 500],
    ['1500', 1500],
    [' 5S ', 5000],
  ])('%s is %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '5 minutes', '-5m', 'm'])('%j is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());

  it('writes a duration in its largest units', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(0)).toBe('0s');
  });
});
