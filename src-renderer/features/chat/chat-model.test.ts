import { describe, expect, it } from 'vitest';
import { conversationTitle, mergeNewestPage, newChatKey, prependPage, sendsMessage } from './chat-model.js';

const msg = (seq: number | undefined, text = `m${seq}`) => ({ role: 'user', content: [{ type: 'text', text }], timestamp: 1000 + (seq ?? 99), seq });

describe('composer keys', () => {
  it('Enter sends, Shift+Enter and Alt+Enter break the line, Enter ending an IME composition does nothing', () => {
    expect(sendsMessage({ key: 'Enter', shiftKey: false })).toBe(true);
    expect(sendsMessage({ key: 'Enter', shiftKey: true })).toBe(false);
    expect(sendsMessage({ key: 'Enter', shiftKey: false, altKey: true })).toBe(false);
    expect(sendsMessage({ key: 'Enter', shiftKey: false, isComposing: true })).toBe(false);
    expect(sendsMessage({ key: 'a', shiftKey: false })).toBe(false);
  });
});

describe('conversations', () => {
  it('names a new chat by agent, time and a random suffix', () => {
    expect(newChatKey('work', new Date('2026-12-06T13:04:05Z'), 'AB-c9xyz')).toBe('agent:work:chat-20261206-130405-abc9xy');
  });
  it('titles a conversation by label, main, preview or key', () => {
    expect(conversationTitle({ key: 'agent:main:x', kind: 'other', label: 'Trip' })).toBe('Trip');
    expect(conversationTitle({ key: 'agent:main:main', kind: 'main', preview: 'hi' })).toBe('Main conversation');
    expect(conversationTitle({ key: 'agent:main:chat-1', kind: 'other', preview: 'how   do I\nstart' })).toBe('how do I start');
    expect(conversationTitle({ key: 'agent:main:chat-1', kind: 'other', preview: 'x'.repeat(80) })).toHaveLength(60);
    expect(conversationTitle({ key: 'agent:main:chat-1', kind: 'other' })).toBe('chat-1');
  });
});

describe('transcript pages', () => {
  it('keeps earlier pages and replaces the newest one, dropping the local echo', () => {
    const shown = [msg(1), msg(2), msg(3), msg(4), msg(undefined, 'echo')];
    expect(mergeNewestPage(shown, [msg(5), msg(3), msg(4)]).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });
  it('puts an earlier page in front without duplicates', () => {
    expect(prependPage([msg(3), msg(4)], [msg(2), msg(1), msg(3)]).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });
});
