import { describe, expect, it } from 'vitest';
import { isResetCommand, shouldAutoReset } from './reset-policy.js';

const utc = (s: string) => Date.parse(s);

describe('shouldAutoReset', () => {
  it.each([
    ['none never resets', { mode: 'none' as const }, '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z', false],
    ['idle: 3 h of silence with a 2 h limit', { mode: 'idle' as const, idleMinutes: 120 }, '2026-01-01T10:00:00Z', '2026-01-01T13:00:00Z', true],
    ['idle: 1 h of silence', { mode: 'idle' as const, idleMinutes: 120 }, '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z', false],
    ['daily: crossed 04:00', { mode: 'daily' as const, atHour: 4 }, '2026-01-01T23:00:00Z', '2026-01-02T05:00:00Z', true],
    ['daily: same side of 04:00', { mode: 'daily' as const, atHour: 4 }, '2026-01-02T04:30:00Z', '2026-01-02T23:00:00Z', false],
    ['daily: before 04:00 both times', { mode: 'daily' as const, atHour: 4 }, '2026-01-02T01:00:00Z', '2026-01-02T03:00:00Z', false],
  ])('%s', (_n, policy, last, now, expected) => {
    expect(shouldAutoReset(policy, utc(last), utc(now), 0)).toBe(expected);
  });

  it('daily honours the local time zone (UTC+2: 04:00 local is 02:00 UTC)', () => {
    expect(shouldAutoReset({ mode: 'daily', atHour: 4 }, utc('2026-01-02T01:30:00Z'), utc('2026-01-02T02:30:00Z'), -120)).toBe(true);
  });

  it('recognises /new and /reset as whole messages only', () => {
    expect(['/new', ' /RESET ', '/reset'].every(isResetCommand)).toBe(true);
    expect(['/new please', 'reset', '/newer'].some(isResetCommand)).toBe(false);
  });
});
