import { describe, expect, it } from 'vitest';
import { applyChatEvent, isStreaming, type ChatEvent, type LiveRun } from './chat-stream.js';

const ev = (e: Partial<ChatEvent>): ChatEvent => ({ runId: 'r1', sessionKey: 'agent:main:main', seq: 0, state: 'delta', ...e });
const fold = (events: ChatEvent[]) => events.reduce<LiveRun[]>((runs, e) => applyChatEvent(runs, e, 'agent:main:main'), []);

describe('applyChatEvent', () => {
  it('appends deltas, then finishes', () => {
    const runs = fold([ev({ seq: 1, deltaText: 'Hel' }), ev({ seq: 2, deltaText: 'lo' })]);
    expect(runs).toMatchObject([{ runId: 'r1', text: 'Hello', state: 'streaming' }]);
    expect(isStreaming(runs)).toBe(true);
    const done = applyChatEvent(runs, ev({ seq: 3, state: 'final', message: { content: [{ type: 'text', text: 'Hello!' }] } }), 'agent:main:main');
    expect(done).toMatchObject([{ text: 'Hello!', state: 'final' }]);
    expect(isStreaming(done)).toBe(false);
  });

  it('prefers the cumulative message and ignores repeats, other sessions and late deltas', () => {
    const runs = fold([
      ev({ seq: 1, deltaText: 'A', message: { content: [{ type: 'text', text: 'A' }] } }),
      ev({ seq: 1, deltaText: 'A' }),
      ev({ seq: 2, sessionKey: 'other', deltaText: 'X' }),
      ev({ seq: 3, state: 'aborted' }),
      ev({ seq: 4, deltaText: 'late' }),
    ]);
    expect(runs).toMatchObject([{ text: 'A', state: 'aborted' }]);
  });

  it('keeps the error message', () => {
    expect(fold([ev({ seq: 1, state: 'error', errorMessage: 'rate limited', errorKind: 'rate_limit' })])).toMatchObject([{ state: 'error', error: 'rate limited' }]);
  });
});
