import { describe, expect, it } from 'vitest';
import { RECIPIENTS_PER_DAY, WhisperBudget } from './whisper-budget.js';

describe('WhisperBudget', () => {
  const clock = () => {
    const c = { t: 5_000_000, now: () => c.t };
    return c;
  };

  it('allows 3 a second, then says when the next may go', () => {
    const c = clock();
    const b = new WhisperBudget(c.now);
    for (let i = 0; i < 3; i++) expect(b.take('ann')).toEqual({ ok: true });
    c.t += 400;
    expect(b.take('ann')).toEqual({ ok: false, retryAfterMs: 600 });
    c.t += 600;
    expect(b.take('ann')).toEqual({ ok: true });
  });

  it('allows 100 a minute', () => {
    const c = clock();
    const b = new WhisperBudget(c.now);
    for (let i = 0; i < 100; i++) {
      expect(b.take('ann').ok).toBe(true);
      c.t += 400;
    }
    // The first of the hundred leaves the minute window 60 s after it went.
    expect(b.take('ann')).toEqual({ ok: false, retryAfterMs: 60_000 - 100 * 400 });
  });

  it('whispers at most 40 different people a day; people already whispered stay reachable', () => {
    const c = clock();
    const b = new WhisperBudget(c.now);
    for (let i = 0; i < RECIPIENTS_PER_DAY; i++) {
      expect(b.take(`user${i}`).ok).toBe(true);
      c.t += 1_000;
    }
    const refused = b.take('newcomer');
    expect(refused.ok).toBe(false);
    expect(refused.ok === false && refused.retryAfterMs).toBe(24 * 60 * 60_000 - RECIPIENTS_PER_DAY * 1_000);
    expect(b.take('user0').ok).toBe(true);
  });
});
