import { describe, expect, it } from 'vitest';
import { maskHandle, maskHandlesInText, normalizeHandle, normalizeImsgMessage, resolveSendTarget, textMentions } from './normalize.js';

const ctx = { channel: 'imessage', accountId: 'default', region: 'US' };
const base = {
  id: 7,
  chat_id: 3,
  guid: 'GUID-7',
  sender: '+15550002001',
  is_from_me: false,
  text: 'hello',
  created_at: '2025-01-02T03:04:05.000Z',
  is_group: false,
  chat_guid: 'iMessage;-;+15550002001',
};

describe('normalizeHandle', () => {
  it.each([
    ['+1 (555) 000-2001', 'US', '+15550002001'],
    ['5550002001', 'US', '+15550002001'],
    ['15550002001', 'US', '+15550002001'],
    ['030 1234567', 'DE', '+49301234567'],
    ['0044 20 7946 0000', 'US', '+442079460000'],
    ['Ann@Example.com', 'US', 'ann@example.com'],
    ['12345', 'ZZ', '12345'],
  ])('%s in %s → %s', (raw, region, want) => {
    expect(normalizeHandle(raw, region)).toBe(want);
  });
});

describe('normalizeImsgMessage', () => {
  it('a DM becomes a direct peer keyed by the sender handle, with guid as message id', () => {
    const r = normalizeImsgMessage({ ...base, sender: '(555) 000-2001' }, ctx);
    expect(r).toEqual({
      ok: true,
      msg: {
        channel: 'imessage',
        accountId: 'default',
        messageId: 'GUID-7',
        senderId: '+15550002001',
        peer: { kind: 'direct', id: '+15550002001' },
        text: 'hello',
        timestampMs: Date.parse('2025-01-02T03:04:05.000Z'),
      },
    });
  });

  it('a group message is peer chat_id:<id>, never mentioned (iMessage has no mentions), with reply and attachments', () => {
    const r = normalizeImsgMessage(
      {
        ...base,
        chat_id: 42,
        is_group: false,
        chat_guid: 'iMessage;+;chat424242',
        text: '\uFFFC look',
        reply_to_guid: 'GUID-1',
        attachments: [
          { filename: '/Users/me/Library/Messages/Attachments/a/cat.jpg', transfer_name: 'cat.jpg', mime_type: 'image/jpeg', total_bytes: 1234, missing: false },
          { filename: '/gone.mov', transfer_name: 'gone.mov', mime_type: 'video/quicktime', total_bytes: 1, missing: true },
        ],
      },
      ctx,
    );
    expect(r.ok && r.msg).toMatchObject({
      peer: { kind: 'group', id: 'chat_id:42' },
      senderId: '+15550002001',
      mentioned: false,
      text: 'look',
      replyToMessageId: 'GUID-1',
      attachments: [{ kind: 'image', url: 'file:///Users/me/Library/Messages/Attachments/a/cat.jpg', mimeType: 'image/jpeg', name: 'cat.jpg', sizeBytes: 1234 }],
    });
  });

  it('in groups, naming the assistant (mentionNames) counts as a mention; DMs carry no mention flag', () => {
    const group = { ...base, chat_id: 42, is_group: true };
    const named = normalizeImsgMessage({ ...group, text: 'Hey @OpenClaw, lunch?' }, { ...ctx, mentionNames: ['openclaw'] });
    expect(named.ok && named.msg.mentioned).toBe(true);
    const unnamed = normalizeImsgMessage({ ...group, text: 'lunch?' }, { ...ctx, mentionNames: ['openclaw'] });
    expect(unnamed.ok && unnamed.msg.mentioned).toBe(false);
    const dm = normalizeImsgMessage({ ...base, text: 'openclaw?' }, { ...ctx, mentionNames: ['openclaw'] });
    expect(dm.ok && dm.msg.mentioned).toBeUndefined();
  });

  it('skips own messages, tapbacks and empty rows; flags payloads it cannot use', () => {
    expect(normalizeImsgMessage({ ...base, is_from_me: true }, ctx)).toEqual({ ok: false, reason: 'own', invalid: false });
    expect(normalizeImsgMessage({ ...base, is_reaction: true }, ctx)).toMatchObject({ ok: false, invalid: false });
    expect(normalizeImsgMessage({ ...base, text: '' }, ctx)).toMatchObject({ ok: false, invalid: false });
    expect(normalizeImsgMessage('nope', ctx)).toMatchObject({ ok: false, invalid: true });
    expect(normalizeImsgMessage({ ...base, sender: undefined }, ctx)).toMatchObject({ ok: false, invalid: true });
    expect(normalizeImsgMessage({ ...base, guid: undefined, id: undefined }, ctx)).toMatchObject({ ok: false, invalid: true });
    expect(normalizeImsgMessage({ ...base, is_group: true, chat_id: undefined, chat_guid: undefined }, ctx)).toMatchObject({ ok: false, invalid: true });
  });

  it('falls back to the rowid when an old imsg gives no guid', () => {
    const r = normalizeImsgMessage({ ...base, guid: null }, ctx);
    expect(r.ok && r.msg.messageId).toBe('rowid:7');
  });
});

describe('textMentions', () => {
  it.each([
    ['@openclaw do it', ['openclaw'], true],
    ['OpenClaw, do it', ['@OpenClaw'], true],
    ['ask claw.bot now', ['claw.bot'], true],
    ['openclawed it', ['openclaw'], false],
    ['my_openclaw', ['openclaw'], false],
    ['anything', [], false],
  ])('%s with %j → %s', (text, names, want) => {
    expect(textMentions(text, names)).toBe(want);
  });
});

describe('resolveSendTarget', () => {
  it.each([
    [{ kind: 'direct', id: '5550002001' }, { to: '+15550002001' }],
    [{ kind: 'direct', id: 'ann@example.com' }, { to: 'ann@example.com' }],
    [{ kind: 'group', id: 'chat_id:42' }, { chat_id: 42 }],
    [{ kind: 'group', id: 'chat_guid:iMessage;+;chat1' }, { chat_guid: 'iMessage;+;chat1' }],
    [{ kind: 'group', id: 'iMessage;+;chat1' }, { chat_guid: 'iMessage;+;chat1' }],
    [{ kind: 'group', id: 'chat_identifier:chat1' }, { chat_identifier: 'chat1' }],
  ])('%j → %j', (to, want) => {
    expect(resolveSendTarget(to, 'US')).toEqual(want);
  });

  it('refuses ids that can never be a chat', () => {
    expect(resolveSendTarget({ kind: 'group', id: 'chat_id:abc' })).toHaveProperty('error');
    expect(resolveSendTarget({ kind: 'group', id: 'some-room' })).toHaveProperty('error');
  });
});

describe('masking', () => {
  it('keeps handles recognisable but not complete', () => {
    expect(maskHandle('+15550002001')).toBe('+1555***2001');
    expect(maskHandle('ann@example.com')).toBe('a***@example.com');
    expect(maskHandlesInText('send to +1 555 000 2001 failed for bob@example.org')).toBe('send to +1555***2001 failed for b***@example.org');
  });
});
