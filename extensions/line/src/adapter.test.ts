import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { freePort } from '../../../test-support/free-port.js';
import { FAKE_BOT_USER_ID, lineId, startFakeLine, type FakeLine } from '../../../test-support/fake-line/fake-line.js';
import { lineChannel } from './index.js';

const ANN = lineId('U', 'ann');
const BOB = lineId('U', 'bob');
const GROUP = lineId('C', 'team');

describe('LINE adapter against the fake Messaging API', () => {
  let fake: FakeLine;
  let h: AdapterHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await fake?.close();
  });

  async function started(over: Record<string, unknown> = {}) {
    fake = await startFakeLine();
    const port = await freePort();
    fake.setWebhook(`http://127.0.0.1:${port}/line`);
    h = createAdapterHarness(asChannelPlugin(lineChannel), { ...fake.adapterConfig({ port }), livenessMs: 3000, ...over });
    return h;
  }

  it('turns signed webhooks into messages; answers by reply token first, then by push', async () => {
    const h = await started();
    // LINE redelivers what it could not deliver while the endpoint was down.
    fake.deliver(fake.textEvent(ANN, 'hi'));
    fake.deliver(fake.textEvent(BOB, 'hello team', { group: GROUP, mention: true }), fake.textEvent(ANN, 'chatter', { group: GROUP }));
    const arrived = h.nextInbound(3);
    await h.adapter.start();
    const [dm, mentioned, chatter] = await arrived;
    expect(dm).toMatchObject({ channel: 'line', senderId: ANN, peer: { kind: 'direct', id: ANN }, text: 'hi' });
    expect(dm!.mentioned).toBeUndefined();
    expect(mentioned).toMatchObject({ senderId: BOB, peer: { kind: 'group', id: GROUP }, mentioned: true, text: '@OpenClaw hello team' });
    expect(chatter).toMatchObject({ senderId: ANN, peer: { kind: 'group', id: GROUP }, mentioned: false });
    expect(fake.counters.redeliveries).toBeGreaterThan(0);
    await fake.drained();

    await h.adapter.send({ to: dm!.peer, text: 'first answer' });
    await h.adapter.send({ to: dm!.peer, text: 'second answer' });
    await h.adapter.send({ to: mentioned!.peer, text: 'to the group' });
    expect(fake.sent).toEqual([
      { peer: ANN, text: 'first answer', via: 'reply' },
      { peer: ANN, text: 'second answer', via: 'push' },
      { peer: GROUP, text: 'to the group', via: 'reply' },
    ]);
    expect(h.adapter.describe?.()).toMatchObject({ botUserId: FAKE_BOT_USER_ID, basicId: '@123abcde' });
  });

  it('refuses webhooks whose signature does not match the raw body, before parsing them', async () => {
    const h = await started();
    await h.adapter.start();
    const body = JSON.stringify({ destination: FAKE_BOT_USER_ID, events: [fake.textEvent(ANN, 'forged')] });
    expect(await fake.postWebhook(undefined, { rawBody: body, signature: null })).toBe(401);
    expect(await fake.postWebhook(undefined, { rawBody: body, signature: fake.sign(body.replace('forged', 'f0rged')) })).toBe(401);
    expect(await fake.postWebhook(undefined, { rawBody: body, signature: 'not base64 at all' })).toBe(401);
    // A signed body that is not JSON is refused only after the signature passed.
    expect(await fake.postWebhook(undefined, { rawBody: '{nope', signature: fake.sign('{nope') })).toBe(400);
    // The console's Verify button: an empty, signed event list.
    expect(await fake.postWebhook({ destination: FAKE_BOT_USER_ID, events: [] })).toBe(200);
    expect(await fake.postWebhook(undefined, { rawBody: body })).toBe(200);
    expect(h.inbound.map((m) => m.text)).toEqual(['forged']);
    expect(h.logs.filter((l) => l.msg.includes('x-line-signature'))).toHaveLength(3);
  });

  it('ignores standby-mode events and non-message events', async () => {
    const h = await started();
    await h.adapter.start();
    expect(await fake.postWebhook({ destination: FAKE_BOT_USER_ID, events: [fake.textEvent(ANN, 'standby', { mode: 'standby' }), { type: 'follow', source: { type: 'user', userId: ANN }, timestamp: 1 }] })).toBe(200);
    expect(h.inbound).toEqual([]);
  });

  it('pushes when the reply token has expired', async () => {
    const h = await started();
    await h.adapter.start();
    fake.deliver(fake.textEvent(ANN, 'slow question'));
    const [msg] = await h.nextInbound(1);
    fake.expireReplyTokens();
    await h.adapter.send({ to: msg!.peer, text: 'late answer' });
    expect(fake.sent).toEqual([{ peer: ANN, text: 'late answer', via: 'push' }]);
    expect(fake.counters.reply).toBe(1);
  });

  it('sends pictures as image messages LINE fetches itself, by reply and by push; other files as links', async () => {
    const h = await started();
    await h.adapter.start();
    fake.deliver(fake.textEvent(ANN, 'show me'));
    const [msg] = await h.nextInbound(1);
    await h.adapter.send({ to: msg!.peer, text: 'here it is', mediaUrls: ['https://example.com/cat.jpg', 'https://example.com/report.pdf'] });
    await h.adapter.send({ to: msg!.peer, text: '', mediaUrls: ['https://example.com/dog.PNG?size=large'] });
    expect(fake.sent).toEqual([{ peer: ANN, text: 'here it is\nhttps://example.com/report.pdf', via: 'reply' }]);
    expect(fake.images).toEqual([
      { peer: ANN, originalContentUrl: 'https://example.com/cat.jpg', previewImageUrl: 'https://example.com/cat.jpg', via: 'reply' },
      { peer: ANN, originalContentUrl: 'https://example.com/dog.PNG?size=large', previewImageUrl: 'https://example.com/dog.PNG?size=large', via: 'push' },
    ]);
  });

  it('maps LINE errors: 429 is a rate limit, a bad target is permanent, a revoked token stops the account', async () => {
    const h = await started();
    await h.adapter.start();
    fake.rateLimitNext();
    await expect(h.adapter.send({ to: { kind: 'direct', id: ANN }, text: 'x' })).rejects.toMatchObject({ name: 'ChannelRateLimitError', retryAfterMs: 1000 });
    await expect(h.adapter.send({ to: { kind: 'direct', id: 'someone' }, text: 'x' })).rejects.toMatchObject({ name: 'ChannelPermanentError' });
    fake.revokeToken();
    await expect(h.adapter.send({ to: { kind: 'direct', id: ANN }, text: 'x' })).rejects.toMatchObject({ name: 'ChannelAuthError', message: expect.stringContaining('channelAccessToken') });
    // The liveness probe notices too, without waiting for a send.
    expect((await h.nextFailure(5000)).name).toBe('ChannelAuthError');
  });

  it('does not start with a revoked token, and says which setting to fix', async () => {
    const h = await started();
    fake.revokeToken();
    await expect(h.adapter.start()).rejects.toMatchObject({ name: 'ChannelAuthError' });
    expect(lineChannel.checkConfig?.({ channelAccessToken: 't' }, { platform: 'linux' })).toMatchObject({ ok: false, reason: expect.stringContaining('channelSecret') });
  });

  it('a push retried after a lost answer is not delivered twice', async () => {
    const h = await started();
    await h.adapter.start();
    fake.setFault('5xx', true);
    await expect(h.adapter.send({ to: { kind: 'direct', id: ANN }, text: 'once' })).rejects.toThrow(/HTTP 500/);
    fake.setFault('5xx', false);
    await h.adapter.send({ to: { kind: 'direct', id: ANN }, text: 'once' });
    expect(fake.sent).toEqual([{ peer: ANN, text: 'once', via: 'push' }]);
  });
});
