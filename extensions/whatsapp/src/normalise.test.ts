import type { WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import {
  directMessage,
  document,
  groupMessage,
  image,
  lidJid,
  ownerToContactMessage,
  phoneJid,
  selfChatMessage,
  statusMessage,
  text,
  type FakeUser,
} from '../../../test-support/fake-whatsapp/messages.js';
import { normaliseMessage, type NormaliseContext } from './normalise.js';

const owner: FakeUser = { phone: '15550009999', lid: '190000000000001', name: 'Owner' };
const ana: FakeUser = { phone: '15550001001', lid: '201000000001001', name: 'Ana' };
const GROUP = '120363000000000001@g.us';

function ctx(over: Partial<NormaliseContext> = {}): NormaliseContext {
  return {
    channel: 'whatsapp',
    accountId: 'default',
    me: { phoneJid: `${owner.phone}:7@s.whatsapp.net`, lidJid: `${owner.lid}:7@lid`, name: owner.name },
    phoneForLid: () => undefined,
    isOwnSend: () => false,
    ...over,
  };
}

function ok(raw: WAMessage, c = ctx()) {
  const res = normaliseMessage(raw, c);
  if (!res.ok) throw new Error(`expected a message, got skip: ${res.reason}`);
  return res.msg;
}

function skipped(raw: unknown, c = ctx()) {
  const res = normaliseMessage(raw as WAMessage, c);
  if (res.ok) throw new Error('expected a skip');
  return res;
}

describe('WhatsApp message normalising', () => {
  it('Ana DMs "hi" (lid addressing with the phone alt): a direct message from +15550001001', () => {
    const raw = directMessage(ana, text('hi'), { id: '3AAA', timestamp: 1_700_000_000 });
    expect(ok(raw)).toEqual({
      channel: 'whatsapp',
      accountId: 'default',
      messageId: '15550001001@s.whatsapp.net/3AAA',
      senderId: '+15550001001',
      senderName: 'Ana',
      peer: { kind: 'direct', id: '+15550001001' },
      text: 'hi',
      timestampMs: 1_700_000_000_000,
    });
  });

  it('phone addressing gives the same ids as lid addressing', () => {
    const a = ok(directMessage(ana, text('x'), { id: 'ID1', addressing: 'pn' }));
    const b = ok(directMessage(ana, text('x'), { id: 'ID1', addressing: 'lid' }));
    expect(a.peer).toEqual(b.peer);
    expect(a.messageId).toBe(b.messageId);
  });

  it('a lid without a phone alt maps through a known lid→phone pair, else keeps the lid', () => {
    const raw = directMessage(ana, text('who am i'), { addressing: 'lid-only' });
    expect(ok(raw).peer).toEqual({ kind: 'direct', id: `${ana.lid}@lid` });
    const known = ctx({ phoneForLid: (lid) => (lid === lidJid(ana) ? phoneJid(ana) : undefined) });
    expect(ok(raw, known).senderId).toBe('+15550001001');
  });

  it('reads the older senderPn / participantPn fields too', () => {
    const dm = directMessage(ana, text('old'), { addressing: 'lid-only' });
    (dm.key as Record<string, unknown>).senderPn = phoneJid(ana);
    expect(ok(dm).senderId).toBe('+15550001001');
    const g = groupMessage(GROUP, ana, text('old'), { addressing: 'lid-only' });
    (g.key as Record<string, unknown>).participantPn = phoneJid(ana);
    expect(ok(g).senderId).toBe('+15550001001');
  });

  it('a group message without a mention: group peer, sender by phone, mentioned false', () => {
    const msg = ok(groupMessage(GROUP, ana, text('lunch?'), { id: 'G1' }));
    expect(msg).toMatchObject({ peer: { kind: 'group', id: GROUP }, senderId: '+15550001001', mentioned: false, messageId: `${GROUP}/G1`, text: 'lunch?' });
  });

  it('@-mentioning the owner by lid or by phone JID sets mentioned; mentioning someone else does not', () => {
    expect(ok(groupMessage(GROUP, ana, text('@bot hi', { mentions: [lidJid(owner)] }))).mentioned).toBe(true);
    expect(ok(groupMessage(GROUP, ana, text('@bot hi', { mentions: [phoneJid(owner)] }))).mentioned).toBe(true);
    expect(ok(groupMessage(GROUP, ana, text('@ben hi', { mentions: ['15550001002@s.whatsapp.net'] }))).mentioned).toBe(false);
  });

  it('a group reply quoting the owner counts as a mention and carries replyToMessageId', () => {
    const msg = ok(groupMessage(GROUP, ana, text('yes', { quoted: { id: '3EB0OURS', participant: phoneJid(owner), text: 'shall we?' } })));
    expect(msg.mentioned).toBe(true);
    expect(msg.replyToMessageId).toBe(`${GROUP}/3EB0OURS`);
  });

  it('a reply quoting another member is not a mention', () => {
    const msg = ok(groupMessage(GROUP, ana, text('+1', { quoted: { id: '3AOTHER', participant: '15550001002@s.whatsapp.net' } })));
    expect(msg.mentioned).toBe(false);
    expect(msg.replyToMessageId).toBe(`${GROUP}/3AOTHER`);
  });

  it('the owner writing to themselves (by phone or lid) is a DM from the owner', () => {
    for (const addressing of ['pn', 'lid'] as const) {
      const msg = ok(selfChatMessage(owner, text('remind me'), { addressing, id: 'S1' }));
      expect(msg).toMatchObject({ peer: { kind: 'direct', id: '+15550009999' }, senderId: '+15550009999', senderName: 'Owner', messageId: '15550009999@s.whatsapp.net/S1' });
    }
  });

  it('skips what the owner sends to others, status posts and our own replies', () => {
    expect(skipped(ownerToContactMessage(ana, text('hey'))).reason).toMatch(/owner/);
    expect(skipped(statusMessage(ana, 'my story')).reason).toMatch(/status/);
    const ours = directMessage(ana, text('echo'), { id: '3EB0SELF' });
    expect(skipped(ours, ctx({ isOwnSend: (id) => id === '3EB0SELF' })).reason).toMatch(/own/);
  });

  it('captions become text; media is described in attachments', () => {
    const pic = ok(directMessage(ana, image('look', { fileLength: 1234 })));
    expect(pic.text).toBe('look');
    expect(pic.attachments).toEqual([{ kind: 'image', mimeType: 'image/jpeg', sizeBytes: 1234 }]);
    const doc = ok(directMessage(ana, document('report.pdf', 'Q3')));
    expect(doc.text).toBe('Q3');
    expect(doc.attachments).toEqual([{ kind: 'file', mimeType: 'application/pdf', name: 'report.pdf', sizeBytes: 120_000 }]);
    const bare = ok(directMessage(ana, image()));
    expect(bare.text).toBe('');
    expect(bare.attachments?.[0].kind).toBe('image');
  });

  it('unwraps disappearing and view-once wrappers', () => {
    expect(ok(directMessage(ana, { ephemeralMessage: { message: { extendedTextMessage: { text: 'poof' } } } })).text).toBe('poof');
    expect(ok(directMessage(ana, { viewOnceMessageV2: { message: image('once') } })).text).toBe('once');
  });

  it('reads protobuf Long timestamps', () => {
    const raw = directMessage(ana, text('t'), { timestamp: { toNumber: () => 1_700_000_123 } });
    expect(ok(raw).timestampMs).toBe(1_700_000_123_000);
  });

  it('skips reactions and protocol messages without calling them malformed', () => {
    const r = skipped(directMessage(ana, { reactionMessage: { text: '👍', key: { id: 'X' } } }));
    expect(r.malformed).toBe(false);
    expect(skipped(directMessage(ana, { protocolMessage: { type: 0 } })).malformed).toBe(false);
    expect(skipped({ ...directMessage(ana, text('x')), message: undefined }).malformed).toBe(false);
  });

  it('flags malformed payloads: no key, no id, no remoteJid, a group message without participant', () => {
    expect(skipped(null).malformed).toBe(true);
    expect(skipped({ message: { conversation: 'x' } }).malformed).toBe(true);
    expect(skipped({ key: { remoteJid: phoneJid(ana) }, message: { conversation: 'x' } }).malformed).toBe(true);
    expect(skipped({ key: { remoteJid: 42, id: 'A' }, message: { conversation: 'x' } }).malformed).toBe(true);
    expect(skipped({ key: { remoteJid: GROUP, id: 'A', participant: '' }, message: { conversation: 'x' } }).malformed).toBe(true);
  });
});
