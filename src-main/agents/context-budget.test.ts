import { describe, expect, it } from 'vitest';
import { estimateTokens, fitContext } from './context-budget.js';
import type { ModelMessage } from './providers/types.js';

const user = (text: string): ModelMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): ModelMessage => ({ role: 'assistant', content: [{ type: 'text', text }] });
const toolCall = (id: string): ModelMessage => ({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'read', input: { path: 'x' } }] });
const toolResult = (id: string, size: number): ModelMessage => ({ role: 'user', content: [{ type: 'tool_result', toolUseId: id, content: 'x'.repeat(size) }] });

describe('fitContext', () => {
  it('keeps everything when it fits', () => {
    const r = fitContext({ system: 's', history: [user('a'), assistant('b')], incoming: [user('c')], contextWindow: 10_000, maxOutputTokens: 1000 });
    expect(r).toMatchObject({ droppedMessages: 0, truncatedToolResults: 0, overflow: false });
    expect(r.messages).toHaveLength(3);
  });

  it('shortens old tool output before dropping anything, and keeps the newest turns whole', () => {
    const history = [user('old'), toolCall('t1'), toolResult('t1', 100_000), assistant('done'), user('recent'), toolCall('t2'), toolResult('t2', 5000), assistant('ok')];
    const r = fitContext({ system: 's', history, incoming: [user('now')], contextWindow: 8000, maxOutputTokens: 1000 });
    expect(r.truncatedToolResults).toBe(1);
    expect(r.droppedMessages).toBe(0);
    const old = r.messages[2]!.content[0] as { content: string };
    expect(old.content.length).toBeLessThan(5000);
    expect(old.content).toContain('characters of old tool output omitted');
    expect((r.messages[6]!.content[0] as { content: string }).content).toHaveLength(5000);
  });

  it('drops whole old turns (never orphaning a tool result) until it fits', () => {
    const history = Array.from({ length: 50 }, (_, i) => [user(`q${i} ${'y'.repeat(400)}`), toolCall(`t${i}`), toolResult(`t${i}`, 200), assistant(`a${i}`)]).flat();
    const r = fitContext({ system: 's', history, incoming: [user('now')], contextWindow: 4000, maxOutputTokens: 1000 });
    expect(r.droppedMessages).toBeGreaterThan(0);
    expect(r.droppedMessages % 4).toBe(0);
    expect(r.messages[0]!.role).toBe('user');
    expect(r.messages[0]!.content[0]!.type).toBe('text');
    expect(r.estimatedInputTokens).toBeLessThanOrEqual(4000 - 1000);
    expect(r.messages.at(-1)).toEqual(user('now'));
  });

  it('reports overflow without calling anything when the new message alone is too big', () => {
    const r = fitContext({ system: 's', history: [user('a')], incoming: [user('z'.repeat(100_000))], contextWindow: 8000, maxOutputTokens: 1000 });
    expect(r.overflow).toBe(true);
  });

  it('estimates roughly four characters a token', () => {
    expect(estimateTokens('x'.repeat(400))).toBe(100);
  });
});
