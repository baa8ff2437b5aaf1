import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './types.js';
import { DAY_MS } from './usage-repo.js';

let store: Store;
beforeEach(() => {
  store = openSqliteStore(':memory:');
});
afterEach(() => store.close());

let n = 0;
const newId = () => `sid-${++n}`;

function turn(sessionId: string, atMs: number, u?: { inputTokens: number; outputTokens: number; costUsd?: number; model?: string }) {
  store.transcript.append(sessionId, [
    { role: 'user', content: [{ type: 'text', text: 'hi' }], createdAtMs: atMs },
    { role: 'assistant', content: [{ type: 'text', text: 'hello' }], createdAtMs: atMs, ...(u ? { usage: u } : {}) },
  ]);
}

describe('usage repo', () => {
  it('sums turns, tokens and cost per day, agent and model; keeps turns from before a reset', () => {
    const day0 = 20_000 * DAY_MS;
    const main = store.sessions.ensure('agent:main:main', 'main', day0, newId);
    const ops = store.sessions.ensure('agent:ops:main', 'ops', day0, newId);
    turn(main.sessionId, day0 + 1000, { inputTokens: 100, outputTokens: 20, costUsd: 0.5, model: 'a/x' });
    turn(main.sessionId, day0 + 2000, { inputTokens: 50, outputTokens: 10, costUsd: 0.25, model: 'a/x' });
    turn(ops.sessionId, day0 + DAY_MS + 5, { inputTokens: 7, outputTokens: 3, model: 'b/y' });
    store.sessions.reset('agent:main:main', newId(), day0 + DAY_MS);
    turn(store.sessions.get('agent:main:main')!.sessionId, day0 + DAY_MS + 10, { inputTokens: 1, outputTokens: 1, costUsd: 0.01, model: 'a/x' });
    // A turn that failed before the model answered records no usage and is not a billed turn.
    turn(ops.sessionId, day0 + DAY_MS + 20);

    const rows = store.usage.byDay({ sinceMs: day0, untilMs: day0 + 2 * DAY_MS, utcOffsetMinutes: 0 });
    expect(rows).toEqual([
      { day: 20_000, agentId: 'main', model: 'a/x', turns: 2, inputTokens: 150, outputTokens: 30, costUsd: 0.75 },
      { day: 20_001, agentId: 'main', model: 'a/x', turns: 1, inputTokens: 1, outputTokens: 1, costUsd: 0.01 },
      { day: 20_001, agentId: 'ops', model: 'b/y', turns: 1, inputTokens: 7, outputTokens: 3, costUsd: 0 },
    ]);
  });

  it('cuts days at the reader\'s midnight and honours the window', () => {
    const day0 = 20_000 * DAY_MS;
    const s = store.sessions.ensure('agent:main:main', 'main', day0, newId);
    turn(s.sessionId, day0 + 23 * 3_600_000, { inputTokens: 1, outputTokens: 1 }); // 23:00 UTC
    turn(s.sessionId, day0 + 3 * DAY_MS, { inputTokens: 1, outputTokens: 1 }); // outside the window
    const utc = store.usage.byDay({ sinceMs: day0, untilMs: day0 + 2 * DAY_MS, utcOffsetMinutes: 0 });
    expect(utc.map((r) => r.day)).toEqual([20_000]);
    const plus2h = store.usage.byDay({ sinceMs: day0, untilMs: day0 + 2 * DAY_MS, utcOffsetMinutes: 120 });
    expect(plus2h.map((r) => r.day)).toEqual([20_001]);
  });
});
