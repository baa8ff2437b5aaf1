import { describe, expect, it } from 'vitest';
import { normalizeLineEvent, webhookEvents } from './normalize.js';
import { verifyLineSignature } from './signature.js';
import { createHmac } from 'node:crypto';

const U = `U${'a'.repeat(32)}`;
const C = `C${'b'.repeat(32)}`;
const R = `R${'c'.repeat(32)}`;
const BOT = `U${'f'.repeat(32)}`;
const ctx = { channel: 'line', accountId: 'default', botUserId: BOT };
const text = (source: Record<string, unknown>, message: Record<string, unknown> = {}) => ({
  type: 'message',
  mode: 'active',
  timestamp: 1_700_000_000_000,
  source,
  replyToken: 'rt',
  message: { id: '42', type: 'text', text: 'hello', ...message },
});

describe('normalizeLineEvent', () => {
  it.each([
    ['a DM', text({ type: 'user', userId: U }), { peer: { kind: 'direct', id: U }, senderId: U, text: 'hello', timestampMs: 1_700_000_000_000 }],
    ['a group message', text({ type: 'group', groupId: C, userId: U }), { peer: { kind: 'group', id: C }, mentioned: false }],
    ['a room message', text({ type: 'room', roomId: R, userId: U }), { peer: { kind: 'group', id: R }, mentioned: false }],
    ['a mention by isSelf', text({ type: 'group', groupId: C, userId: U }, { mention: { mentionees: [{ type: 'user', isSelf: true }] } }), { mentioned: true }],
    ['a mention by bot id', text({ type: 'group', groupId: C, userId: U }, { mention: { mentionees: [{ type: 'user', userId: BOT }] } }), { mentioned: true }],
    ['a mention of someone else', text({ type: 'group', groupId: C, userId: U }, { mention: { mentionees: [{ type: 'user', userId: U }] } }), { mentioned: false }],
    ['@All', text({ type: 'group', groupId: C, userId: U }, { mention: { mentionees: [{ type: 'all' }] } }), { mentioned: true }],
    ['a quote', text({ type: 'user', userId: U }, { quotedMessageId: '41' }), { replyToMessageId: '41' }],
    ['a file', text({ type: 'user', userId: U }, { type: 'file', text: undefined, fileName: 'a.pdf', fileSize: 3 }), { text: '', attachments: [{ kind: 'file', name: 'a.pdf', sizeBytes: 3 }] }],
  ])('%s', (_name, event, expected) => {
    const r = normalizeLineEvent(event, ctx);
    expect(r.kind).toBe('message');
    if (r.kind === 'message') {
      expect(r.msg).toMatchObject({ channel: 'line', accountId: 'default', messageId: '42', ...expected });
      expect(r.replyToken).toBe('rt');
    }
  });

  it.each([
    ['a follow event', { type: 'follow', source: { type: 'user', userId: U } }],
    ['standby mode', { ...text({ type: 'user', userId: U }), mode: 'standby' }],
    ['no sender id', text({ type: 'group', groupId: C })],
    ['a sticker', text({ type: 'user', userId: U }, { type: 'sticker', text: undefined })],
    ['an empty text', text({ type: 'user', userId: U }, { text: '  ' })],
    ['no message id', text({ type: 'user', userId: U }, { id: undefined })],
  ])('ignores %s', (_name, event) => {
    expect(normalizeLineEvent(event, ctx).kind).toBe('ignored');
  });

  it('reads the events of a body', () => {
    expect(webhookEvents({ destination: BOT, events: [{ type: 'follow' }, 3] })).toEqual([{ type: 'follow' }]);
    expect(webhookEvents({ destination: BOT })).toBe('body has no events array');
  });
});

describe('verifyLineSignature', () => {
  const secret = 'channel-secret';
  const body = Buffer.from('{"events":[]}');
  const good = createHmac('sha256', secret).update(body).digest('base64');
  it.each([
    ['the right signature', good, true],
    ['none', undefined, false],
    ['another secret', createHmac('sha256', 'other').update(body).digest('base64'), false],
    ['a truncated one', good.slice(0, 20), false],
    ['garbage', '!!!', false],
  ])('%s', (_name, sig, ok) => {
    expect(verifyLineSignature(body, sig, secret)).toBe(ok);
  });
});
