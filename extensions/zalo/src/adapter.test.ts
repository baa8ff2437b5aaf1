import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { freePort } from '../../../test-support/free-port.js';
import { FAKE_ZALO_BOT, FakeZalo } from '../../../test-support/fake-zalo/fake-zalo.js';
import { zaloChannel } from './index.js';

const ANH = { id: '5100000000000000001', name: 'Anh' };
const BAO = { id: '5100000000000000002', name: 'Bao' };
const GROUP = 'g7700000000000000001';

describe('Zalo adapter against the fake Bot API', () => {
  let fake: FakeZalo;
  let h: AdapterHarness | undefined;
  beforeEach(async () => {
    fake = new FakeZalo();
    await fake.start();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await fake.close();
  });
  const start = async (over: Record<string, unknown> = {}, opts: { emitDelayMs?: number } = {}) => {
    h = createAdapterHarness(asChannelPlugin(zaloChannel), { botToken: fake.token, apiRoot: fake.baseUrl, pollTimeoutSeconds: 1, livenessMs: 3000, ...over }, opts);
    await h.adapter.start();
    return h;
  };

  it('polls private and group messages (held while the bot was away) and answers them', async () => {
    fake.userMessage(ANH, 'xin chào');
    fake.userMessage(BAO, `@${FAKE_ZALO_BOT.account_name} giúp mình`, GROUP);
    fake.userMessage(ANH, 'chatter', GROUP);
    const h = await start();
    const [dm, mention, chatter] = await h.nextInbound(3);
    expect(dm).toMatchObject({ channel: 'zalo', senderId: ANH.id, senderName: 'Anh', peer: { kind: 'direct', id: ANH.id }, text: 'xin chào' });
    expect(dm!.mentioned).toBeUndefined();
    expect(mention).toMatchObject({ senderId: BAO.id, peer: { kind: 'group', id: GROUP }, mentioned: true });
    expect(chatter).toMatchObject({ peer: { kind: 'group', id: GROUP }, mentioned: false });
    await h.adapter.send({ to: dm!.peer, text: 'chào bạn' });
    await h.adapter.send({ to: mention!.peer, text: 'ok' });
    expect(fake.sent).toEqual([
      { chatId: ANH.id, text: 'chào bạn' },
      { chatId: GROUP, text: 'ok' },
    ]);
    expect(h.adapter.describe?.()).toMatchObject({ accountName: FAKE_ZALO_BOT.account_name, mode: 'polling' });
  });

  it('every returned poll is a heartbeat, also when nothing was said', async () => {
    const h = await start();
    await h.nextHeartbeats(2, 5000);
    expect(fake.counters.getUpdates).toBeGreaterThanOrEqual(2);
  });

  it('does not poll again until core has queued the message', async () => {
    const h = await start({}, { emitDelayMs: 300 });
    fake.userMessage(ANH, 'one');
    fake.userMessage(ANH, 'two');
    const polls = fake.counters.getUpdates;
    const [first] = await h.nextInbound(1);
    expect(first!.text).toBe('one');
    // One poll fetched "one"; the next waited for the emit to finish.
    expect(fake.counters.getUpdates - polls).toBeLessThanOrEqual(2);
    expect((await h.nextInbound(1))[0]!.text).toBe('two');
  });

  it('maps errors: 429 rate limit, bad chat permanent, revoked token stops the account', async () => {
    const h = await start();
    fake.rateLimitNext();
    await expect(h.adapter.send({ to: { kind: 'direct', id: ANH.id }, text: 'x' })).rejects.toMatchObject({ name: 'ChannelRateLimitError' });
    await expect(h.adapter.send({ to: { kind: 'direct', id: 'unknown-chat' }, text: 'x' })).rejects.toMatchObject({ name: 'ChannelPermanentError', message: expect.stringContaining('chat not found') });
    const failure = h.nextFailure(5000);
    fake.revokeToken();
    expect(await failure).toMatchObject({ name: 'ChannelAuthError', message: expect.stringContaining('channels.zalo.botToken') });
  });

  it('refuses to start with a rejected token, and needs one configured', async () => {
    fake.revokeToken();
    await expect(start()).rejects.toMatchObject({ name: 'ChannelAuthError' });
    expect(zaloChannel.checkConfig?.({}, { platform: 'linux' })).toMatchObject({ ok: false, reason: expect.stringContaining('Zalo Bot Manager') });
  });
});

describe('Zalo adapter in webhook mode', () => {
  let fake: FakeZalo;
  let h: AdapterHarness | undefined;
  beforeEach(async () => {
    fake = new FakeZalo();
    await fake.start();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await fake.close();
  });

  it('registers the webhook, accepts only posts carrying the secret, and answers through the API', async () => {
    const port = await freePort();
    const secret = 's3cret-for-tests';
    const config = { botToken: fake.token, apiRoot: fake.baseUrl, webhookUrl: `http://127.0.0.1:${port}/zalo`, webhookSecret: secret, webhookPort: port, livenessMs: 3000 };
    expect(zaloChannel.checkConfig?.({ ...config, webhookSecret: undefined }, { platform: 'linux' })).toMatchObject({ ok: false, reason: expect.stringContaining('webhookSecret') });
    // Zalo holds what users say until the webhook answers.
    fake.userMessage(ANH, 'qua webhook');
    h = createAdapterHarness(asChannelPlugin(zaloChannel), config);
    const arrived = h.nextInbound(1);
    await h.adapter.start();
    expect((await arrived)[0]).toMatchObject({ senderId: ANH.id, peer: { kind: 'direct', id: ANH.id }, text: 'qua webhook' });
    expect(fake.counters.getUpdates).toBe(0);
    expect(h.adapter.describe?.()).toMatchObject({ mode: 'webhook' });

    const body = JSON.stringify({ event_name: 'message.text.received', message: { message_id: 'forged', from: { id: BAO.id }, chat: { id: BAO.id, chat_type: 'PRIVATE' }, text: 'forged', date: 1 } });
    const post = (headers: Record<string, string>) => fetch(`http://127.0.0.1:${port}/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then((r) => r.status);
    expect(await post({})).toBe(401);
    expect(await post({ 'x-bot-api-secret-token': 'wrong-secret' })).toBe(401);
    expect(await post({ 'x-bot-api-secret-token': secret })).toBe(200);
    expect(h.inbound.map((m) => m.text)).toEqual(['qua webhook', 'forged']);

    await h.adapter.send({ to: { kind: 'direct', id: ANH.id }, text: 'đã nhận' });
    expect(fake.sent).toEqual([{ chatId: ANH.id, text: 'đã nhận' }]);
    await h.nextHeartbeats(1, 5000);
  });
});
