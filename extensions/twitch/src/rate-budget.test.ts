import { describe, expect, it } from 'vitest';
import { ChatRateBudget, MODERATOR_LIMIT, USER_LIMIT, WINDOW_MS } from './rate-budget.js';

const clock = () => {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
};

describe('ChatRateBudget', () => {
  it('allows 20 messages per 30 s, then says when the oldest leaves the window', () => {
    const c = clock();
    const b = new ChatRateBudget(c.now);
    for (let i = 0; i < USER_LIMIT; i++) {
      expect(b.take(false)).toEqual({ ok: true });
      c.t += 100;
    }
    expect(b.take(false)).toEqual({ ok: false, retryAfterMs: WINDOW_MS - USER_LIMIT * 100 });
    c.t = 1_000_000 + WINDOW_MS;
    expect(b.take(false)).toEqual({ ok: true });
    expect(b.used()).toBe(USER_LIMIT);
  });

  it('allows 100 in rooms where the bot moderates, counted with the rest', () => {
    const c = clock();
    const b = new ChatRateBudget(c.now);
    for (let i = 0; i < USER_LIMIT; i++) b.take(false);
    expect(b.take(false).ok).toBe(false);
    for (let i = USER_LIMIT; i < MODERATOR_LIMIT; i++) expect(b.take(true).ok).toBe(true);
    expect(b.take(true)).toEqual({ ok: false, retryAfterMs: WINDOW_MS });
  });

  it('backs off from 1 s on server refusals in a row, and starts over after an accepted message', () => {
    const c = clock();
    const b = new ChatRateBudget(c.now);
    expect([b.refused(false), b.refused(false), b.refused(false)]).toEqual([1000, 2000, 4000]);
    for (let i = 0; i < 10; i++) b.refused(false);
    expect(b.refused(false)).toBe(WINDOW_MS);
    b.accepted();
    expect(b.refused(false)).toBe(1000);
  });

  it('waits at least for its own window when the server refuses with the window full', () => {
    const c = clock();
    const b = new ChatRateBudget(c.now);
    for (let i = 0; i < USER_LIMIT; i++) b.take(false);
    c.t += 5_000;
    expect(b.refused(false)).toBe(WINDOW_MS - 5_000);
  });
});
