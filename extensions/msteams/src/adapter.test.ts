import { UnsecuredJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { BOT_ISSUER, FAKE_APP_ID, FAKE_TENANT_ID, startFakeTeams, type FakeTeams } from '../../../test-support/fake-msteams/fake-teams.js';
import { MSTEAMS_CAPABILITIES, msteamsChannel } from './index.js';

const plugin = asChannelPlugin(msteamsChannel);
const CHANNEL = '19:general@thread.tacv2';
const CHAT = '19:chat@thread.v2';

let fake: FakeTeams;
const harnesses: AdapterHarness[] = [];

function makeAdapter(extra: Record<string, unknown> = {}, opts: { emitDelayMs?: number; dataDir?: string } = {}): AdapterHarness {
  const h = createAdapterHarness(plugin, { ...fake.adapterConfig({ port: 0 }), livenessMs: 900, ...extra }, opts);
  harnesses.push(h);
  return h;
}

async function startAdapter(extra: Record<string, unknown> = {}, opts: { emitDelayMs?: number; dataDir?: string } = {}): Promise<AdapterHarness> {
  const h = makeAdapter(extra, opts);
  await h.adapter.start();
  fake.setWebhook(String(h.adapter.describe?.().webhookUrl));
  return h;
}

beforeEach(async () => {
  fake = await startFakeTeams({ conversations: [CHANNEL, CHAT, '19:forbidden@thread.tacv2'] });
});

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  await fake.close();
});

describe('Teams settings and credentials', () => {
  it('refuses to start without the app credentials, naming what is missing', async () => {
    const { appId: _i, appPassword: _p, ...bare } = fake.adapterConfig({ port: 0 });
    expect(plugin.checkConfig(bare, { platform: 'linux' })).toMatchObject({ ok: false, reason: expect.stringContaining('missing: appId, appPassword') });
    expect(plugin.checkConfig({ ...bare, appId: FAKE_APP_ID }, { platform: 'linux' })).toMatchObject({ reason: expect.stringContaining('missing: appPassword.') });
    expect(plugin.checkConfig({ ...fake.adapterConfig({ port: 0 }), openIdMetadataUrl: 'login.botframework.com' }, { platform: 'linux' })).toMatchObject({ reason: expect.stringContaining('openIdMetadataUrl must be an http(s) URL') });
    expect(plugin.checkConfig(fake.adapterConfig({ port: 0 }), { platform: 'linux' })).toEqual({ ok: true });
    await expect(createAdapterHarnessFor(bare).adapter.start()).rejects.toThrow(/missing: appId, appPassword/);
  });

  it('a deleted client secret, or the wrong tenant for a single-tenant bot, stops start with ChannelAuthError in plain words', async () => {
    fake.revokeSecret();
    const err = await makeAdapter().adapter.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect(String((err as Error).message)).toMatch(/refused the Teams bot's app credentials \(invalid_client, AADSTS7000215\).*appPassword/);

    await fake.close();
    fake = await startFakeTeams({ tenantId: FAKE_TENANT_ID });
    await expect(makeAdapter({ tenantId: '99999999-0000-4000-8000-000000000000' }).adapter.start()).rejects.toThrow(/unauthorized_client, AADSTS700016/);
    const h = await startAdapter({ tenantId: FAKE_TENANT_ID });
    expect(h.adapter.describe?.()).toMatchObject({ tenantId: FAKE_TENANT_ID });
  });

  it('capabilities: Markdown, 28000 characters, threads, media', () => {
    expect(MSTEAMS_CAPABILITIES).toMatchObject({ textLimit: 28000, format: 'markdown', threads: true, media: true });
  });
});

function createAdapterHarnessFor(config: Record<string, unknown>): AdapterHarness {
  const h = createAdapterHarness(plugin, config);
  harnesses.push(h);
  return h;
}

describe('Teams inbound', () => {
  it('Ann writes to the bot in a personal chat: a direct message, and the connector gets 200 only after core queued it', async () => {
    const h = await startAdapter({}, { emitDelayMs: 150 });
    const activity = fake.dmActivity('29:1001', 'hi &amp; hello', { displayName: 'Ann' });
    expect(await fake.postActivity(activity)).toEqual({ status: 200, body: {} });
    // The harness records only after its emit delay, so the message is there by the time the connector got 200.
    expect(h.inbound).toHaveLength(1);
    expect(h.inbound[0]).toMatchObject({
      channel: 'msteams',
      messageId: activity.id,
      senderId: '29:1001',
      senderName: 'Ann',
      peer: { kind: 'direct', id: '29:1001' },
      text: 'hi & hello',
    });
    expect(h.inbound[0]!.mentioned).toBeUndefined();
  });

  it('channel posts: group peer, the thread of the root post, mention gating from the bot’s <at> entity', async () => {
    const h = await startAdapter();
    const root = fake.channelActivity('29:1002', CHANNEL, 'what now?', { mention: true });
    await fake.postActivity(root);
    await fake.postActivity(fake.channelActivity('29:1003', CHANNEL, 'in the thread, no mention', { threadRoot: String(root.id) }));
    await fake.postActivity(fake.groupChatActivity('29:1001', CHAT, '<at>Bob</at> look', { mention: true }));
    expect(h.inbound.map((m) => [m.peer, m.threadId, m.parentPeer, m.mentioned, m.text, m.teamId])).toEqual([
      [{ kind: 'group', id: CHANNEL }, root.id, { kind: 'group', id: CHANNEL }, true, 'what now?', '19:team@thread.tacv2'],
      [{ kind: 'group', id: CHANNEL }, root.id, { kind: 'group', id: CHANNEL }, false, 'in the thread, no mention', '19:team@thread.tacv2'],
      [{ kind: 'group', id: CHAT }, undefined, undefined, true, '@Bob look', undefined],
    ]);
  });

  it('refuses with 401 every activity that is not the connector’s for this bot, logs why but never the token', async () => {
    const h = await startAdapter();
    const activity = fake.dmActivity('29:1001', 'forged');
    const elsewhere = { ...fake.dmActivity('29:1001', 'send my token elsewhere'), serviceUrl: 'https://attacker.example/' };
    const tries: [string, unknown, string | null][] = [
      ['no header', activity, null],
      ['wrong audience', activity, await fake.signToken({ audience: 'another-bot' })],
      ['wrong issuer', activity, await fake.signToken({ issuer: 'https://sts.windows.net/evil/' })],
      ['expired', activity, await fake.signToken({ expiresInSec: -900 })],
      ['unsigned', activity, new UnsecuredJWT({ serviceUrl: fake.serviceUrl }).setIssuer(BOT_ISSUER).setAudience(FAKE_APP_ID).setIssuedAt().setExpirationTime('1h').encode()],
      ['signed by another key', activity, await fake.signToken({ foreignKey: true })],
      ['no serviceUrl claim', activity, await fake.signToken({ serviceUrl: null })],
      ['serviceUrl of another activity', elsewhere, await fake.signToken()],
      ['key not endorsed for the channel', { ...activity, channelId: 'webchat' }, await fake.signToken()],
      ['garbage', activity, 'abc.def.ghi'],
    ];
    for (const [what, body, token] of tries) expect((await fake.postActivity(body, { token })).status, what).toBe(401);
    expect(h.inbound).toEqual([]);
    const reasons = h.logs.filter((l) => l.msg === 'Teams request rejected').map((l) => l.fields?.reason);
    expect(reasons).toEqual([
      'no Authorization header',
      'claim "aud" invalid (check_failed)',
      'claim "iss" invalid (check_failed)',
      'token expired',
      'algorithm not allowed',
      'signature does not verify',
      'token has no serviceUrl claim',
      'activity serviceUrl does not match the token',
      'signing key is not endorsed for channel "webchat"',
      'malformed token',
    ]);
    expect(JSON.stringify(h.logs)).not.toContain(String(tries[1]![2]));
    expect(fake.posted).toEqual([]);
  });

  it('bad input: malformed JSON is 400, an oversized body 413, other activities are acknowledged and skipped', async () => {
    const h = await startAdapter();
    expect((await fake.postActivity(undefined, { rawBody: '{"type":"message",' })).status).toBe(400);
    expect((await fake.postActivity(undefined, { rawBody: `{"pad":"${'x'.repeat(1_100_000)}"}` })).status).toBe(413);
    const update = { ...fake.dmActivity('29:1001', ''), type: 'conversationUpdate', membersAdded: [{ id: `28:${FAKE_APP_ID}` }] };
    expect(await fake.postActivity(update)).toEqual({ status: 200, body: {} });
    expect(await fake.postActivity({ ...fake.dmActivity('29:1001', 'x'), from: undefined })).toEqual({ status: 200, body: {} });
    expect(await fake.postActivity({ ...fake.dmActivity('29:1001', 'from a bot'), from: { id: '28:other', role: 'bot' } })).toEqual({ status: 200, body: {} });
    const url = String(h.adapter.describe?.().webhookUrl);
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url.replace('/api/messages', '/other'), { method: 'POST' })).status).toBe(404);
    expect(h.inbound).toEqual([]);
  });
});

describe('Teams outbound', () => {
  it('replies in the thread of a channel post, as Markdown, replying to that post; typing shows in the thread', async () => {
    const h = await startAdapter();
    const root = fake.channelActivity('29:1002', CHANNEL, 'deploy?', { mention: true });
    await fake.postActivity(root);
    const [msg] = h.inbound;
    await h.adapter.sendTyping?.(msg!.peer, msg!.threadId);
    const sent = await h.adapter.send({ to: msg!.peer, threadId: msg!.threadId, replyToMessageId: msg!.messageId, text: '**done**' });
    expect(fake.posted).toEqual([
      expect.objectContaining({ type: 'typing', conversationId: `${CHANNEL};messageid=${root.id}` }),
      { type: 'message', conversationId: `${CHANNEL};messageid=${root.id}`, conversation: CHANNEL, text: '**done**', textFormat: 'markdown', replyTo: root.id, id: sent.messageId },
    ]);
  });

  it('sends pictures as attachments Teams fetches by URL; other files as links in the text', async () => {
    const h = await startAdapter();
    const dm = fake.dmActivity('29:1001', 'a chart please', { displayName: 'Ann' });
    await fake.postActivity(dm);
    const [msg] = h.inbound;
    await h.adapter.send({ to: msg!.peer, text: 'here', mediaUrls: ['https://example.com/charts/q3%20sales.png', 'https://example.com/q3.xlsx'] });
    await h.adapter.send({ to: msg!.peer, text: '', mediaUrls: ['https://example.com/pic.JPG'] });
    expect(fake.posted.map((p) => ({ text: p.text, attachments: p.attachments }))).toEqual([
      { text: 'here\n\nhttps://example.com/q3.xlsx', attachments: [{ contentType: 'image/png', contentUrl: 'https://example.com/charts/q3%20sales.png', name: 'q3 sales.png' }] },
      { text: '', attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://example.com/pic.JPG', name: 'pic.JPG' }] },
    ]);
  });

  it('429 becomes ChannelRateLimitError with Retry-After; 403 and unknown conversations are permanent', async () => {
    const h = await startAdapter();
    fake.rateLimitNext(7);
    const limited = await h.adapter.send({ to: { kind: 'group', id: CHAT }, text: 'x' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ChannelRateLimitError);
    expect((limited as ChannelRateLimitError).retryAfterMs).toBe(7000);
    await expect(h.adapter.send({ to: { kind: 'group', id: '19:forbidden@thread.tacv2' }, text: 'x' })).rejects.toBeInstanceOf(ChannelPermanentError);
    await expect(h.adapter.send({ to: { kind: 'group', id: '19:gone@thread.v2' }, text: 'x' })).rejects.toThrow(/does not know the conversation/);
    await h.adapter.send({ to: { kind: 'group', id: CHAT }, text: 'fine now' });
    expect(fake.messages().map((p) => p.text)).toEqual(['fine now']);
  });

  it('a revoked access token is replaced once; a deleted secret ends in ChannelAuthError', async () => {
    const h = await startAdapter();
    const tokensBefore = fake.counters.token;
    fake.revokeAccessTokens();
    await h.adapter.send({ to: { kind: 'group', id: CHAT }, text: 'with a new token' });
    expect(fake.counters.token).toBe(tokensBefore + 1);
    fake.revokeSecret();
    await expect(h.adapter.send({ to: { kind: 'group', id: CHAT }, text: 'x' })).rejects.toBeInstanceOf(ChannelAuthError);
  });

  it('remembers where each conversation lives across restarts; opens a personal chat with a user it has not talked to', async () => {
    const first = await startAdapter();
    await fake.postActivity(fake.dmActivity('29:1001', 'hello'));
    const dataDir = first.ctx.dataDir;
    await first.adapter.stop();

    const second = await startAdapter({ apiRoot: 'http://127.0.0.1:9/unreachable/' }, { dataDir });
    await second.adapter.send({ to: { kind: 'direct', id: '29:1001' }, text: 'after restart' });
    expect(fake.messages().at(-1)).toMatchObject({ conversationId: fake.personalConversation('29:1001'), text: 'after restart' });
    expect(fake.counters.created).toBe(0);
    await second.adapter.stop();

    const third = await startAdapter({}, { dataDir });
    await third.adapter.send({ to: { kind: 'direct', id: '29:1003' }, text: 'proactive' });
    expect(fake.counters.created).toBe(1);
    expect(fake.messages().at(-1)).toMatchObject({ conversationId: fake.personalConversation('29:1003'), text: 'proactive' });
  });

  it('without a known tenant a never-seen user cannot be reached, and says why', async () => {
    const h = await startAdapter();
    await expect(h.adapter.send({ to: { kind: 'direct', id: '29:1002' }, text: 'x' })).rejects.toThrow(/must message the bot first, or set channels.msteams.tenantId/);
  });
});

describe('Teams liveness', () => {
  it('proves itself alive by refreshing the connector keys; a stalled Bot Framework means silence', async () => {
    const h = await startAdapter();
    const keysBefore = fake.counters.keys;
    await h.nextHeartbeats(2);
    expect(fake.counters.keys).toBeGreaterThan(keysBefore);
    fake.setFault('stall', true);
    const beats = h.heartbeats();
    // A probe already past the fake when the stall began may still land; nothing after it.
    await expect(h.nextHeartbeats(2, 1_500)).rejects.toThrow();
    expect(h.heartbeats() - beats).toBeLessThanOrEqual(1);
    fake.setFault('stall', false);
    await h.nextHeartbeats(1, 3_000);
  });
});
