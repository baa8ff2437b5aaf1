import { describe, expect, it } from 'vitest';
import * as nip04 from 'nostr-tools/nip04';
import { wrapEvent } from 'nostr-tools/nip17';
import * as nip59 from 'nostr-tools/nip59';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { normalizeNostrEvent } from './normalize.js';

const botSk = generateSecretKey();
const bot = getPublicKey(botSk);
const annSk = generateSecretKey();
const ann = getPublicKey(annSk);
const bob = getPublicKey(generateSecretKey());
const channelId = 'c'.repeat(64);
const ctx = { channel: 'nostr', accountId: 'default', secretKey: botSk, publicKey: bot, chatChannels: [channelId] };
const at = Math.floor(Date.now() / 1000);

describe('normalizeNostrEvent', () => {
  it('opens a NIP-17 gift wrap addressed to us; the message id is the rumor id', () => {
    const wrap = wrapEvent(annSk, { publicKey: bot }, 'hi there');
    const r = normalizeNostrEvent(wrap, ctx);
    expect(r).toMatchObject({ kind: 'message', dm: { pubkey: ann, protocol: 'nip17' }, msg: { senderId: ann, peer: { kind: 'direct', id: ann }, text: 'hi there' } });
    if (r.kind === 'message') expect(r.msg.messageId).not.toBe(wrap.id);
  });

  it('decrypts NIP-04', () => {
    const ev = finalizeEvent({ kind: 4, created_at: at, tags: [['p', bot]], content: nip04.encrypt(annSk, bot, 'legacy') }, annSk);
    expect(normalizeNostrEvent(ev, ctx)).toMatchObject({ kind: 'message', dm: { protocol: 'nip04' }, msg: { messageId: ev.id, text: 'legacy', timestampMs: at * 1000 } });
  });

  it.each([
    ['a wrap for someone else', () => wrapEvent(annSk, { publicKey: bob }, 'not for us')],
    ['a NIP-17 group chat', () => nip59.wrapEvent({ kind: 14, created_at: at, tags: [['p', bot], ['p', bob]], content: 'group' }, annSk, bot)],
    ['NIP-04 for someone else', () => finalizeEvent({ kind: 4, created_at: at, tags: [['p', bob]], content: nip04.encrypt(annSk, bob, 'x') }, annSk)],
    ['NIP-04 that does not decrypt', () => finalizeEvent({ kind: 4, created_at: at, tags: [['p', bot]], content: 'garbage?iv=AAAA' }, annSk)],
    ['a channel we are not in', () => finalizeEvent({ kind: 42, created_at: at, tags: [['e', 'd'.repeat(64), '', 'root']], content: 'x' }, annSk)],
    ['our own channel message', () => finalizeEvent({ kind: 42, created_at: at, tags: [['e', channelId, '', 'root']], content: 'x' }, botSk)],
    ['a text note', () => finalizeEvent({ kind: 1, created_at: at, tags: [['p', bot]], content: 'x' }, annSk)],
  ])('ignores %s', (_name, make) => {
    expect(normalizeNostrEvent(make(), ctx).kind).toBe('ignored');
  });

  it('reads channel messages with mentions and replies', () => {
    const ev = finalizeEvent({ kind: 42, created_at: at, tags: [['e', channelId, '', 'root'], ['e', 'e'.repeat(64), '', 'reply'], ['p', bot]], content: 'you?' }, annSk);
    expect(normalizeNostrEvent(ev, ctx)).toMatchObject({ kind: 'message', msg: { peer: { kind: 'group', id: channelId }, mentioned: true, replyToMessageId: 'e'.repeat(64) } });
  });
});
