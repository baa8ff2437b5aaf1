import { describe, expect, it } from 'vitest';
import { normalizeChatEvent } from './normalize.js';

const ctx = { channel: 'googlechat', accountId: 'default', botUser: 'users/9000' };
const ann = { name: 'users/1001', displayName: 'Ann', type: 'HUMAN' };
const room = { name: 'spaces/AAAA', type: 'ROOM', spaceType: 'SPACE' };
const message = (extra: Record<string, unknown> = {}) => ({
  name: 'spaces/AAAA/messages/m1',
  sender: ann,
  createTime: '2025-03-04T05:06:07.123Z',
  text: 'hello',
  thread: { name: 'spaces/AAAA/threads/t1' },
  ...extra,
});
const mentionOf = (user: Record<string, unknown>) => ({ type: 'USER_MENTION', startIndex: 0, length: 9, userMention: { user, type: 'MENTION' } });

describe('normalizeChatEvent', () => {
  it('a DM becomes a direct peer keyed by the sender and tells where the DM space is', () => {
    const r = normalizeChatEvent({ type: 'MESSAGE', space: { name: 'spaces/dm1001', type: 'DM', spaceType: 'DIRECT_MESSAGE' }, message: message({ name: 'spaces/dm1001/messages/m1' }), user: ann }, ctx);
    expect(r).toEqual({
      kind: 'message',
      dmSpace: 'spaces/dm1001',
      msg: {
        channel: 'googlechat',
        accountId: 'default',
        messageId: 'spaces/dm1001/messages/m1',
        senderId: 'users/1001',
        senderName: 'Ann',
        peer: { kind: 'direct', id: 'users/1001' },
        text: 'hello',
        timestampMs: Date.parse('2025-03-04T05:06:07.123Z'),
      },
    });
  });

  it('a space message is a group peer; mentioned only when the app itself is @-mentioned', () => {
    const plain = normalizeChatEvent({ type: 'MESSAGE', space: room, message: message() }, ctx);
    expect(plain.kind === 'message' && plain.msg).toMatchObject({ peer: { kind: 'group', id: 'spaces/AAAA' }, mentioned: false });
    expect(plain.kind === 'message' && plain.msg.threadId).toBeUndefined();

    const other = normalizeChatEvent({ type: 'MESSAGE', space: room, message: message({ annotations: [mentionOf({ name: 'users/42', type: 'BOT' })] }) }, ctx);
    expect(other.kind === 'message' && other.msg.mentioned).toBe(false);

    const app = normalizeChatEvent({ type: 'MESSAGE', space: room, message: message({ annotations: [mentionOf({ name: 'users/9000', type: 'BOT' })] }) }, ctx);
    expect(app.kind === 'message' && app.msg.mentioned).toBe(true);

    // Without botUser configured, any app mention counts (Chat only sends spaces' messages that mention the app).
    const anyBot = normalizeChatEvent({ type: 'MESSAGE', space: room, message: message({ annotations: [mentionOf({ name: 'users/42', type: 'BOT' })] }) }, { ...ctx, botUser: undefined });
    expect(anyBot.kind === 'message' && anyBot.msg.mentioned).toBe(true);

    const slash = normalizeChatEvent({ type: 'MESSAGE', space: room, message: message({ slashCommand: { commandId: '1' } }) }, ctx);
    expect(slash.kind === 'message' && slash.msg.mentioned).toBe(true);
  });

  it('a reply inside a thread carries threadId and the space as parent; quotes and attachments come along', () => {
    const r = normalizeChatEvent(
      {
        type: 'MESSAGE',
        space: room,
        message: message({
          threadReply: true,
          quotedMessageMetadata: { name: 'spaces/AAAA/messages/m0' },
          attachment: [{ contentName: 'plan.pdf', contentType: 'application/pdf', downloadUri: 'https://chat.example/dl/1' }],
        }),
      },
      ctx,
    );
    expect(r.kind === 'message' && r.msg).toMatchObject({
      peer: { kind: 'group', id: 'spaces/AAAA' },
      parentPeer: { kind: 'group', id: 'spaces/AAAA' },
      threadId: 'spaces/AAAA/threads/t1',
      replyToMessageId: 'spaces/AAAA/messages/m0',
      attachments: [{ kind: 'file', name: 'plan.pdf', mimeType: 'application/pdf', url: 'https://chat.example/dl/1' }],
    });
  });

  it('reads the Workspace add-on shape (chat.messagePayload)', () => {
    const r = normalizeChatEvent({ commonEventObject: {}, chat: { user: ann, eventTime: '2025-01-01T00:00:00Z', messagePayload: { space: room, message: message({ createTime: undefined }) } } }, ctx);
    expect(r.kind === 'message' && r.msg).toMatchObject({ senderId: 'users/1001', peer: { kind: 'group', id: 'spaces/AAAA' }, timestampMs: Date.parse('2025-01-01T00:00:00Z') });
  });

  it('an @-mention that adds the app to a space is a message too', () => {
    const r = normalizeChatEvent({ type: 'ADDED_TO_SPACE', space: room, message: message() }, ctx);
    expect(r.kind).toBe('message');
  });

  it('ignores app senders, membership events and empty messages', () => {
    expect(normalizeChatEvent({ type: 'MESSAGE', space: room, message: message({ sender: { name: 'users/9000', type: 'BOT' } }) }, ctx)).toMatchObject({ kind: 'ignored' });
    expect(normalizeChatEvent({ type: 'ADDED_TO_SPACE', space: room, user: ann }, ctx)).toEqual({ kind: 'ignored', reason: 'event type ADDED_TO_SPACE' });
    expect(normalizeChatEvent({ type: 'REMOVED_FROM_SPACE', space: room }, ctx)).toMatchObject({ kind: 'ignored' });
    expect(normalizeChatEvent({ chat: { addedToSpacePayload: {} } }, ctx)).toMatchObject({ kind: 'ignored' });
    expect(normalizeChatEvent({ type: 'MESSAGE', space: room, message: message({ text: '  ' }) }, ctx)).toMatchObject({ kind: 'ignored' });
  });

  it('flags events it cannot use', () => {
    expect(normalizeChatEvent([], ctx)).toMatchObject({ kind: 'invalid' });
    expect(normalizeChatEvent({ type: 'MESSAGE', space: room }, ctx)).toMatchObject({ kind: 'invalid' });
    expect(normalizeChatEvent({ type: 'MESSAGE', space: room, message: message({ name: undefined }) }, ctx)).toMatchObject({ kind: 'invalid' });
    expect(normalizeChatEvent({ type: 'MESSAGE', message: message() }, ctx)).toMatchObject({ kind: 'invalid' });
    expect(normalizeChatEvent({ type: 'MESSAGE', space: room, message: message({ sender: { displayName: 'x' } }) }, ctx)).toMatchObject({ kind: 'invalid' });
  });
});
