import { describe, expect, it } from 'vitest';
import { createTurnWatch } from './turn-watch.js';

const lifecycle = (runId: string, phase: 'start' | 'end') => ({ runId, stream: 'lifecycle', data: { phase } });

describe('turn watch', () => {
  it('counts turns from start to end, and forgets them all when the gateway process restarts', () => {
    const w = createTurnWatch();
    const counts: number[] = [];
    w.onChange((n) => counts.push(n));
    w.onEvent('agent', lifecycle('a', 'start'));
    w.onEvent('agent', lifecycle('b', 'start'));
    w.onEvent('agent', lifecycle('a', 'end'));
    expect(w.running()).toBe(1);
    // Tried: the gateway process dies mid-turn; the end of `b` never comes.
    w.clear();
    expect(w.running()).toBe(0);
    expect(counts).toEqual([1, 2, 1, 0]);
  });
});
