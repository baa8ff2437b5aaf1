import { describe, expect, it } from 'vitest';
import { normalizeZaloUpdate } from './normalize.js';

const ctx = { channel: 'zalo', accountId: 'default', botName: 'bot.openclaw' };
const update = (message: Record<string, unknown>, event_name = 'message.text.received') => ({
  event_name,
  message: { message_id: 'm1', from: { id: 'u1', display_name: 'Anh', is_bot: false }, chat: { id: 'u1', chat_type: 'PRIVATE' }, date: 1_700_000_000_000, text: 'hi', ...message },
});

describe('normalizeZaloUpdate', () => {
  it.each([
    ['a private text', update({}), { peer: { kind: 'direct', id: 'u1' }, senderName: 'Anh', text: 'hi', timestampMs: 1_700_000_000_000 }],
    ['a group text', update({ chat: { id: 'g1', chat_type: 'GROUP' } }), { peer: { kind: 'group', id: 'g1' }, mentioned: false }],
    ['a group mention', update({ chat: { id: 'g1', chat_type: 'GROUP' }, text: 'hey @Bot.OpenClaw' }), { mentioned: true }],
    ['an image with a caption', update({ text: undefined, caption: 'look', photo_url: 'https://x/p.jpg' }, 'message.image.received'), { text: 'look', attachments: [{ kind: 'image', url: 'https://x/p.jpg' }] }],
  ])('%s', (_name, u, expected) => {
    const r = normalizeZaloUpdate(u, ctx);
    expect(r.kind).toBe('message');
    if (r.kind === 'message') expect(r.msg).toMatchObject({ channel: 'zalo', accountId: 'default', messageId: 'm1', senderId: 'u1', ...expected });
  });

  it.each([
    ['a sticker', update({ text: undefined }, 'message.sticker.received')],
    ['a bot', update({ from: { id: 'b', is_bot: true } })],
    ['no message', { event_name: 'message.text.received' }],
    ['not an object', 'x'],
    ['an empty text', update({ text: ' ' })],
  ])('ignores %s', (_name, u) => {
    expect(normalizeZaloUpdate(u, ctx).kind).toBe('ignored');
  });
});
