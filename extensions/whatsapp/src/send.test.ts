import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { FakeBoom } from '../../../test-support/fake-whatsapp/fake-socket.js';
import { startLinkedAdapter, type LinkedAdapter } from '../../../test-support/fake-whatsapp/linked-adapter.js';
import { text, type FakeUser } from '../../../test-support/fake-whatsapp/messages.js';
import { WhatsAppNotConnectedError, mapSendError, mediaContent } from './outbound.js';

const ana: FakeUser = { phone: '15550001001', lid: '201000000001001', name: 'Ana' };
const ANA_JID = '15550001001@s.whatsapp.net';
const GROUP = '120363000000000001@g.us';

let running: LinkedAdapter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('WhatsApp adapter: sending', () => {
  it('core sends text to +15550001001; WhatsApp receives it at the phone JID', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    const res = await h.adapter.send({ to: { kind: 'direct', id: '+15550001001' }, text: '*Hello* _there_' });
    const [sent] = fake.sentTo(ANA_JID);
    expect(sent.content).toEqual({ text: '*Hello* _there_' });
    expect(sent.options?.quoted).toBeUndefined();
    expect(res.messageId).toBe(`${ANA_JID}/${sent.message.key.id}`);
  });

  it('the echo of our own send (an append upsert) never comes back as inbound', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    await h.adapter.send({ to: { kind: 'direct', id: '+15550009999' }, text: 'note-to-self reply' });
    fake.sendDirect(ana, text('after'));
    const [next] = await h.nextInbound();
    expect(next.text).toBe('after');
    expect(h.inbound).toHaveLength(1);
  });

  it('a reply quotes the message it answers', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    const incoming = fake.sendDirect(ana, text('what time is it?'));
    const [msg] = await h.nextInbound();
    await h.adapter.send({ to: msg.peer, text: 'noon', replyToMessageId: msg.messageId });
    const [sent] = fake.sentTo(ANA_JID);
    expect(sent.options?.quoted?.key.id).toBe(incoming.key.id);
    expect(sent.message.message?.extendedTextMessage?.contextInfo?.stanzaId).toBe(incoming.key.id);
  });

  it('replying to one of our own messages quotes it too; an unknown id just sends', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    const first = await h.adapter.send({ to: { kind: 'group', id: GROUP }, text: 'poll: pizza?' });
    await h.adapter.send({ to: { kind: 'group', id: GROUP }, text: 'reminder', replyToMessageId: first.messageId });
    await h.adapter.send({ to: { kind: 'group', id: GROUP }, text: 'no quote', replyToMessageId: `${GROUP}/UNKNOWN` });
    const sent = fake.sentTo(GROUP);
    expect(sent[1].options?.quoted?.key.id).toBe(first.messageId.split('/')[1]);
    expect(sent[2].options?.quoted).toBeUndefined();
  });

  it('media by URL: images inline with the caption, other files as documents', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    await h.adapter.send({ to: { kind: 'direct', id: '+15550001001' }, text: 'the chart', mediaUrls: ['https://example.test/c/chart.png', 'https://example.test/r/Q3%20report.pdf'] });
    const [img, doc] = fake.sentTo(ANA_JID);
    expect(img.content).toEqual({ image: { url: 'https://example.test/c/chart.png' }, caption: 'the chart' });
    expect(doc.content).toEqual({ document: { url: 'https://example.test/r/Q3%20report.pdf' }, mimetype: 'application/pdf', fileName: 'Q3 report.pdf' });
  });

  it('text too long for a caption goes in its own message after the media', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    const long = 'x'.repeat(1500);
    await h.adapter.send({ to: { kind: 'direct', id: '+15550001001' }, text: long, mediaUrls: ['https://example.test/a.jpg'] });
    const sent = fake.sentTo(ANA_JID);
    expect(sent.map((s) => s.content)).toEqual([{ image: { url: 'https://example.test/a.jpg' } }, { text: long }]);
  });

  it('sendTyping shows "composing" in the chat', async () => {
    running = await startLinkedAdapter();
    await running.h.adapter.sendTyping?.({ kind: 'direct', id: '+15550001001' });
    expect(running.fake.presences).toEqual([{ type: 'composing', jid: ANA_JID }]);
  });

  it('while WhatsApp is down, send throws a retryable not-connected error', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    fake.setServerErrors(true);
    await vi.waitFor(() => expect(h.adapter.describe?.().connection).not.toBe('open'));
    const err = await h.adapter.send({ to: { kind: 'direct', id: '+15550001001' }, text: 'hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhatsAppNotConnectedError);
    expect((err as WhatsAppNotConnectedError).retryable).toBe(true);
    // typing is best effort: no throw while down
    await expect(h.adapter.sendTyping?.({ kind: 'direct', id: '+15550001001' })).resolves.toBeUndefined();
  });

  it('an id that is no WhatsApp address is a permanent error', async () => {
    running = await startLinkedAdapter();
    await expect(running.h.adapter.send({ to: { kind: 'direct', id: 'not-a-number' }, text: 'hi' })).rejects.toBeInstanceOf(ChannelPermanentError);
  });
});

describe('WhatsApp send helpers', () => {
  it('maps Baileys errors onto core error classes', () => {
    expect(mapSendError(new FakeBoom('Connection Closed', 428))).toBeInstanceOf(WhatsAppNotConnectedError);
    expect(mapSendError(new FakeBoom('rate-overlimit', 429))).toBeInstanceOf(ChannelRateLimitError);
    expect(mapSendError(new FakeBoom('Intentional Logout', 401))).toBeInstanceOf(ChannelAuthError);
    expect(mapSendError(new FakeBoom('item-not-found', 404))).toBeInstanceOf(ChannelPermanentError);
    const other = mapSendError(new Error('boom at 15551234567'));
    expect(other.constructor).toBe(Error);
    expect(other.message).not.toContain('15551234567');
  });

  it('picks video and generic documents by extension', () => {
    expect(mediaContent('https://x.test/clip.mp4', undefined)).toEqual({ video: { url: 'https://x.test/clip.mp4' } });
    expect(mediaContent('https://x.test/data', 'c')).toEqual({ document: { url: 'https://x.test/data' }, mimetype: 'application/octet-stream', fileName: 'data', caption: 'c' });
  });
});
