import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelAuthError } from '../../../src-shared/domain/channel.js';
import { createAdapterHarness } from '../../../test-support/channel-harness.js';
import { FakeWhatsApp } from '../../../test-support/fake-whatsapp/fake-whatsapp.js';
import { fakePlugin, startLinkedAdapter, type LinkedAdapter } from '../../../test-support/fake-whatsapp/linked-adapter.js';
import { directMessage, groupMessage, lidJid, phoneJid, text, type FakeUser } from '../../../test-support/fake-whatsapp/messages.js';

const ana: FakeUser = { phone: '15550001001', lid: '201000000001001', name: 'Ana' };
const ben: FakeUser = { phone: '15550001002', lid: '201000000001002', name: 'Ben' };
const GROUP = '120363000000000001@g.us';

let running: LinkedAdapter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('WhatsApp adapter: connecting', () => {
  it('start without a link rejects with a plain ChannelAuthError and opens no socket', async () => {
    const fake = new FakeWhatsApp();
    const h = createAdapterHarness(fakePlugin(fake), {});
    const err = await h.adapter.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect((err as Error).message).toBe('WhatsApp is not linked. Run: openclaw channels login whatsapp');
    expect(fake.sockets).toHaveLength(0);
    await h.close();
  });

  it('start with a link the phone has since removed rejects with the 401 message', async () => {
    const fake = new FakeWhatsApp();
    running = await startLinkedAdapter({ fake, start: false });
    fake.unlinkFromPhone();
    const err = await running.h.adapter.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect((err as Error).message).toBe('WhatsApp logged this device out (401). Link again: openclaw channels login whatsapp');
  });

  it('derives the keep-alive interval from livenessMs and heartbeats on keep-alive frames', async () => {
    running = await startLinkedAdapter({ config: { livenessMs: 3000 } });
    expect(running.fake.sockets[0].keepAliveIntervalMs).toBe(1000);
    // No messages at all: the keep-alive replies alone keep the adapter alive.
    await running.h.nextHeartbeats(2, 4000);
    expect(running.h.failures).toEqual([]);
  });

  it('describe() shows the masked number, push name and state', async () => {
    running = await startLinkedAdapter();
    expect(running.h.adapter.describe?.()).toEqual({ linkedNumber: '+*******9999', pushName: 'Owner', connection: 'open' });
  });

  it('the phone unlinking the device mid-run reports ChannelAuthError once, in plain words', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    const failure = h.nextFailure();
    fake.unlinkFromPhone();
    const err = await failure;
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect(err.message).toBe('WhatsApp logged this device out (401). Link again: openclaw channels login whatsapp');
    // No reconnect with revoked credentials.
    expect(fake.sockets).toHaveLength(1);
    expect(h.failures).toHaveLength(1);
  });

  it('a transient close (428) reconnects with a new socket and the same credentials', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    fake.drop();
    await fake.waitForLiveSocket(3000, 1);
    expect(fake.sockets).toHaveLength(2);
    expect(fake.sockets[1].config.auth.creds.noiseKey).toEqual(fake.sockets[0].config.auth.creds.noiseKey);
    fake.sendDirect(ana, text('still there?'));
    expect((await h.nextInbound())[0].text).toBe('still there?');
    expect(h.failures).toEqual([]);
    expect(h.logs.some((l) => l.level === 'warn' && /reconnecting/.test(l.msg) && /428/.test(String(l.fields?.close)))).toBe(true);
  });

  it('WhatsApp asking for a restart (515) reconnects at once; another session taking over (440) is reported', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    fake.closeLive(515, 'Stream Errored (restart required)');
    await fake.waitForLiveSocket(3000, 1);
    expect(h.failures).toEqual([]);
    const failure = h.nextFailure();
    fake.closeLive(440, 'Stream Errored (conflict)');
    expect((await failure).message).toMatch(/took over the connection \(440\)/);
    expect(fake.sockets).toHaveLength(2);
  });

  it('stop() is idempotent and ends the socket', async () => {
    running = await startLinkedAdapter();
    await Promise.all([running.h.adapter.stop(), running.h.adapter.stop()]);
    expect(running.fake.sockets[0].isClosed).toBe(true);
  });
});

describe('WhatsApp adapter: inbound', () => {
  it('Ana says hi in a DM; the adapter emits it from +15550001001', async () => {
    running = await startLinkedAdapter();
    running.fake.sendDirect(ana, text('hi'));
    const [msg] = await running.h.nextInbound();
    expect(msg).toMatchObject({ channel: 'whatsapp', accountId: 'default', senderId: '+15550001001', peer: { kind: 'direct', id: '+15550001001' }, text: 'hi', senderName: 'Ana' });
  });

  it('group messages carry the group peer and whether the owner was @-mentioned', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    fake.sendGroup(GROUP, ana, text('morning all'));
    fake.sendGroup(GROUP, ben, text(`@${fake.owner.lid} what's on today?`, { mentions: [lidJid(fake.owner)] }));
    const [plain, mention] = await h.nextInbound(2);
    expect(plain).toMatchObject({ peer: { kind: 'group', id: GROUP }, senderId: '+15550001001', mentioned: false });
    expect(mention).toMatchObject({ peer: { kind: 'group', id: GROUP }, senderId: '+15550001002', mentioned: true });
  });

  it('the owner writing "note to self" reaches the agent as a DM from the owner', async () => {
    running = await startLinkedAdapter();
    running.fake.sendSelf(text('buy milk'));
    const [msg] = await running.h.nextInbound();
    expect(msg).toMatchObject({ peer: { kind: 'direct', id: '+15550009999' }, senderId: '+15550009999', text: 'buy milk' });
  });

  it('learns lid→phone pairs: a later message addressed by lid alone still comes from +1555…', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    fake.sendDirect(ana, text('first'), { addressing: 'lid' });
    fake.sendDirect(ana, text('second'), { addressing: 'lid-only' });
    const [a, b] = await h.nextInbound(2);
    expect(a.senderId).toBe('+15550001001');
    expect(b.senderId).toBe('+15550001001');
  });

  it('also learns from lid-mapping.update events', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    fake.liveSocket()!.serverEmit('lid-mapping.update', { lid: lidJid(ben), pn: phoneJid(ben) });
    fake.sendDirect(ben, text('hello'), { addressing: 'lid-only' });
    expect((await h.nextInbound())[0].peer).toEqual({ kind: 'direct', id: '+15550001002' });
  });

  it('malformed upserts are logged and skipped; the next good message still arrives', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    const sock = fake.liveSocket()!;
    // Tried: messages not a list, a null entry, an entry without key, a key without id,
    // a group message without participant, and a message whose content getter throws.
    sock.serverEmit('messages.upsert', { messages: 'nope' as never, type: 'notify' });
    const hostile = directMessage(ana, text('x'));
    Object.defineProperty(hostile, 'message', { get: () => { throw new Error('decode failed'); } });
    sock.serverEmit('messages.upsert', {
      messages: [null as never, {} as never, { key: { remoteJid: phoneJid(ana) } } as never, { key: { remoteJid: GROUP, id: 'A', participant: '' }, message: { conversation: 'x' } }, hostile],
      type: 'notify',
    });
    fake.sendDirect(ana, text('real one'));
    const [msg] = await h.nextInbound();
    expect(msg.text).toBe('real one');
    expect(h.inbound).toHaveLength(1);
    const warnings = h.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings.filter((m) => /malformed/.test(m)).length).toBeGreaterThanOrEqual(4);
    expect(warnings.some((m) => /could not be handled/.test(m))).toBe(true);
    expect(h.failures).toEqual([]);
  });

  it('emits in order and waits for each emit before the next (slow core)', async () => {
    const fake = new FakeWhatsApp();
    const dir = mkdtempSync(join(tmpdir(), 'openclaw-whatsapp-test-'));
    try {
      const { seedLinkedCredentials } = await import('../../../test-support/fake-whatsapp/credentials.js');
      await seedLinkedCredentials(dir, fake);
      const h = createAdapterHarness(fakePlugin(fake), { livenessMs: 3000 }, { dataDir: dir, emitDelayMs: 30 });
      await h.adapter.start();
      fake.deliver([groupMessage(GROUP, ana, text('one')), groupMessage(GROUP, ben, text('two'))]);
      fake.sendDirect(ana, text('three'));
      expect((await h.nextInbound(3)).map((m) => m.text)).toEqual(['one', 'two', 'three']);
      await h.close();
    } finally {
      fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
