import { describe, expect, it } from 'vitest';
import { formatAgo, formatCountdown } from './relative-time.js';

describe('formatAgo', () => {
  const now = 1_000_000_000;
  it('says never without a time, and just now for the last few seconds or a skewed clock', () => {
    expect(formatAgo(undefined, now)).toBe('never');
    expect(formatAgo(now - 4_000, now)).toBe('just now');
    expect(formatAgo(now + 60_000, now)).toBe('just now');
  });

  it('uses the largest whole unit', () => {
    expect(formatAgo(now - 42_000, now)).toBe('42 s ago');
    expect(formatAgo(now - 61_000, now)).toBe('1 min ago');
    expect(formatAgo(now - 3 * 3600_000 - 59_000, now)).toBe('3 h ago');
    expect(formatAgo(now - 2 * 86_400_000, now)).toBe('2 d ago');
  });
});

describe('formatCountdown', () => {
  it('rounds up to the next second so it never shows 0s while time is left', () => {
    expect(formatCountdown(10_200, 10_000)).toBe('1s');
    expect(formatCountdown(10_000 + 3_500, 10_000)).toBe('4s');
    expect(formatCountdown(10_000 + 59 * 60_000 + 10_000, 10_000)).toBe('59m 10s');
  });

  it('is undefined once the time has passed', () => {
    expect(formatCountdown(10_000, 10_000)).toBeUndefined();
    expect(formatCountdown(9_000, 10_000)).toBeUndefined();
  });
});
