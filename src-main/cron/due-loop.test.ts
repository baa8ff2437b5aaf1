import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDueLoop } from './due-loop.js';

afterEach(() => vi.useRealTimers());

describe('createDueLoop', () => {
  it('runs one pass at a time: a poke during a pass runs once more right after it, not beside it', async () => {
    let inPass = 0;
    let most = 0;
    let passes = 0;
    let release!: () => void;
    const loop = createDueLoop({
      maxSleepMs: 60_000,
      onError: () => undefined,
      pass: async () => {
        passes++;
        most = Math.max(most, ++inPass);
        if (passes === 1) await new Promise<void>((r) => (release = r));
        inPass--;
        return undefined;
      },
    });
    loop.start();
    loop.poke();
    loop.poke();
    release();
    await vi.waitFor(() => expect(passes).toBe(2));
    await loop.running();
    expect(most).toBe(1);
    loop.close();
  });

  it('sleeps until the next due time, at most maxSleepMs; a pass that throws is reported and tried again after maxSleepMs', async () => {
    vi.useFakeTimers({ now: 0 });
    const errors: unknown[] = [];
    let calls = 0;
    const loop = createDueLoop({
      maxSleepMs: 10_000,
      onError: (err) => errors.push(err),
      pass: async () => {
        calls++;
        if (calls === 2) throw new Error('store unavailable');
        return Date.now() + 3_000;
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(loop.nextWakeAtMs()).toBe(3_000);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(3);
    loop.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(3);
    expect(loop.active()).toBe(false);
  });
});
