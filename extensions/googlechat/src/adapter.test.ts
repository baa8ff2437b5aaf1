import { UnsecuredJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { FAKE_APP_URL, FAKE_CHAT_ISSUER, FAKE_PROJECT_NUMBER, startFakeGoogleChat, type FakeGoogleChat } from '../../../test-support/fake-googlechat/fake-google-chat.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { googlechatChannel } from './index.js';

const googlechatPlugin = asChannelPlugin(googlechatChannel);

let fake: FakeGoogleChat;
const harnesses: AdapterHarness[] = [];

function makeAdapter(extra: Record<string, unknown> = {}, opts: { emitDelayMs?: number } = {}): AdapterHarness {
  const h = createAdapterHarness(googlechatPlugin, { ...fake.adapterConfig({ port: 0 }), livenessMs: 900, ...extra }, opts);
  harnesses.push(h);
  return h;
}

async function startAdapter(extra: Record<string, unknown> = {}, opts: { emitDelayMs?: number } = {}): Promise<AdapterHarness> {
  const h = makeAdapter(extra, opts);
  await h.adapter.start();
  fake.setWebhook(String(h.adapter.describe?.().webhookUrl));
  return h;
}

beforeEach(async () => {
  fake = await startFakeGoogleChat();
});

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  await fake.close();
});

describe('Google Chat settings', () => {
  it('refuses to run without request verification, naming the missing keys', async () => {
    const { audienceType: _t, audience: _a, ...unverified } = fake.adapterConfig({ port: 0 });
    const check = googlechatPlugin.checkConfig(unverified, { platform: 'linux' });
    expect(check).toMatchObject({ ok: false, reason: expect.stringContaining('missing: audienceType, audience') });
    const h = createAdapterHarness(googlechatPlugin, unverified);
    harnesses.push(h);
    await expect(h.adapter.start()).rejects.toThrow(/missing: audienceType, audience/);
    expect(googlechatPlugin.checkConfig({ ...unverified, audienceType: 'project-number' }, { platform: 'linux' })).toMatchObject({ reason: expect.stringContaining('missing: audience.') });
  });

  it('checks the audience form and the service account', () => {
    const base = fake.adapterConfig({ port: 0 });
    expect(googlechatPlugin.checkConfig(base, { platform: 'linux' })).toEqual({ ok: true });
    expect(googlechatPlugin.checkConfig({ ...base, audience: 'my-project' }, { platform: 'linux' })).toMatchObject({ ok: false, reason: expect.stringContaining('project number') });
    expect(googlechatPlugin.checkConfig({ ...base, serviceAccount: undefined }, { platform: 'linux' })).toMatchObject({ ok: false, reason: expect.stringContaining('serviceAccountFile') });
    expect(googlechatPlugin.checkConfig({ ...base, serviceAccount: { client_email: 'x' } }, { platform: 'linux' })).toMatchObject({ ok: false, reason: expect.stringContaining('private_key') });
  });

  it('a deleted service-account key fails start with ChannelAuthError; so does a key that is not PEM', async () => {
    fake.revokeServiceAccount();
    await expect(makeAdapter().adapter.start()).rejects.toBeInstanceOf(ChannelAuthError);
    const broken = { ...fake.serviceAccount, private_key: 'not a key' };
    await expect(makeAdapter({ serviceAccount: broken }).adapter.start()).rejects.toThrow(/not a valid PEM private key/);
  });
});

describe('Google Chat inbound', () => {
  it('Ann DMs the app: emitted as a direct message, and Chat gets its 200 only after core queued it', async () => {
    const h = await startAdapter({}, { emitDelayMs: 150 });
    const event = fake.dmEvent('users/1001', 'hi there', { displayName: 'Ann' });
    const res = await fake.postEvent(event);
    expect(res).toEqual({ status: 200, body: {} });
    // The harness records only after its emit delay, so the message is there by the time Chat got 200.
    expect(h.inbound).toHaveLength(1);
    expect(h.inbound[0]).toMatchObject({
      channel: 'googlechat',
      messageId: (event.message as { name: string }).name,
      senderId: 'users/1001',
      senderName: 'Ann',
      peer: { kind: 'direct', id: 'users/1001' },
      text: 'hi there',
    });
  });

  it('Bob @-mentions the app in a thread of a space: group peer, threadId, parent space, mentioned', async () => {
    const h = await startAdapter();
    await fake.postEvent(fake.spaceEvent('users/1002', 'spaces/AAAA', 'what now?', { mention: true, threadName: 'spaces/AAAA/threads/T9', threadReply: true }));
    await fake.postEvent(fake.spaceEvent('users/1003', 'spaces/AAAA', 'no mention'));
    expect(h.inbound.map((m) => [m.peer, m.threadId, m.parentPeer, m.mentioned])).toEqual([
      [{ kind: 'group', id: 'spaces/AAAA' }, 'spaces/AAAA/threads/T9', { kind: 'group', id: 'spaces/AAAA' }, true],
      [{ kind: 'group', id: 'spaces/AAAA' }, undefined, undefined, false],
    ]);
  });

  it('rejects with 401 every token that is not Chat’s for this app, and logs why but not the token', async () => {
    const h = await startAdapter();
    const event = fake.dmEvent('users/1001', 'forged');
    const tries: [string, string | null][] = [
      ['no header', null],
      ['wrong audience', await fake.signToken({ audience: '999' })],
      ['wrong issuer', await fake.signToken({ issuer: 'someone@example.com' })],
      ['expired', await fake.signToken({ expiresInSec: -600 })],
      ['unsigned', new UnsecuredJWT({ aud: FAKE_PROJECT_NUMBER }).setIssuer(FAKE_CHAT_ISSUER).setIssuedAt().setExpirationTime('1h').encode()],
      ['signed by another key', await fake.signToken({ foreignKey: true })],
      ['garbage', 'abc.def.ghi'],
    ];
    for (const [, token] of tries) expect((await fake.postEvent(event, { token })).status).toBe(401);
    expect(h.inbound).toEqual([]);
    const reasons = h.logs.filter((l) => l.msg === 'Google Chat request rejected').map((l) => l.fields?.reason);
    expect(reasons).toHaveLength(tries.length);
    expect(reasons.slice(0, 6)).toEqual([
      'no Authorization header',
      'claim "aud" invalid (check_failed)',
      'claim "iss" invalid (check_failed)',
      'token expired',
      'algorithm not allowed',
      'signature does not verify',
    ]);
    expect(JSON.stringify(h.logs)).not.toContain(tries[1][1]);
  });

  it('app-url audience: accepts Google ID tokens for the app URL from the Chat service account only', async () => {
    await fake.close();
    fake = await startFakeGoogleChat({ audienceType: 'app-url' });
    const h = await startAdapter();
    const event = fake.dmEvent('users/1001', 'via id token');
    expect((await fake.postEvent(event)).status).toBe(200);
    expect((await fake.postEvent(event, { token: await fake.signToken({ email: 'intruder@example.com' }) })).status).toBe(401);
    expect((await fake.postEvent(event, { token: await fake.signToken({ audience: `${FAKE_APP_URL}/other` }) })).status).toBe(401);
    expect(h.inbound.map((m) => m.text)).toEqual(['via id token']);
  });

  it('bad input: malformed JSON is 400, an oversized body 413, odd events are acknowledged and skipped', async () => {
    const h = await startAdapter();
    expect((await fake.postEvent(undefined, { rawBody: '{"type":"MESSAGE",' })).status).toBe(400);
    expect((await fake.postEvent(undefined, { rawBody: `{"pad":"${'x'.repeat(1_100_000)}"}` })).status).toBe(413);
    expect(await fake.postEvent({ type: 'MESSAGE', space: { name: 'spaces/AAAA' } })).toEqual({ status: 200, body: {} });
    expect(await fake.postEvent({ type: 'ADDED_TO_SPACE', space: { name: 'spaces/AAAA' } })).toEqual({ status: 200, body: {} });
    expect(await fake.postEvent(['not', 'an', 'event'])).toEqual({ status: 200, body: {} });
    const url = String(h.adapter.describe?.().webhookUrl);
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url.replace('/googlechat', '/other'), { method: 'POST' })).status).toBe(404);
    expect(h.inbound).toEqual([]);
    expect(h.logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'Google Chat event is not JSON; rejected',
      'Google Chat event skipped',
      'Google Chat event skipped',
    ]);
    await fake.postEvent(fake.dmEvent('users/1001', 'still fine'));
    expect(h.inbound.map((m) => m.text)).toEqual(['still fine']);
  });

  it('events sent while the endpoint is down, or that core could not queue, are delivered again', async () => {
    const h = makeAdapter({}, {});
    let refuse = true;
    const emit = h.ctx.emit;
    h.ctx.emit = async (msg) => {
      if (refuse) {
        refuse = false;
        throw new Error('queue full');
      }
      return emit(msg);
    };
    fake.setWebhook('http://127.0.0.1:9/unreachable');
    fake.deliver(fake.dmEvent('users/1001', 'one'));
    fake.deliver(fake.dmEvent('users/1002', 'two'));
    await h.adapter.start();
    fake.setWebhook(String(h.adapter.describe?.().webhookUrl));
    await fake.drained();
    expect(h.inbound.map((m) => m.text)).toEqual(['one', 'two']);
    expect(h.logs.some((l) => l.msg.startsWith('could not queue'))).toBe(true);
  });
});

describe('Google Chat outbound', () => {
  it('replies to a DM in its space, to a space thread with the fallback option, and returns the message name', async () => {
    const h = await startAdapter();
    await fake.postEvent(fake.dmEvent('users/1001', 'hi'));
    const dm = await h.adapter.send({ to: { kind: 'direct', id: 'users/1001' }, text: 'hello *Ann*' });
    // users/1002 never wrote: the DM space is looked up.
    await h.adapter.send({ to: { kind: 'direct', id: 'users/1002' }, text: 'hello Bob' });
    await h.adapter.send({ to: { kind: 'group', id: 'spaces/AAAA' }, text: 'in thread', threadId: 'spaces/AAAA/threads/T9' });
    await h.adapter.send({ to: { kind: 'group', id: 'spaces/AAAA' }, text: 'top level' });
    expect(fake.posted.map(({ name: _n, ...p }) => p)).toEqual([
      { space: 'spaces/dm1001', text: 'hello *Ann*' },
      { space: 'spaces/dm1002', text: 'hello Bob' },
      { space: 'spaces/AAAA', text: 'in thread', thread: 'spaces/AAAA/threads/T9', replyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' },
      { space: 'spaces/AAAA', text: 'top level' },
    ]);
    expect(dm.messageId).toBe(fake.posted[0].name);
    expect(fake.counters.token).toBe(1);
  });

  it('maps platform errors: 429 → rate limit, 404/403/bad ids → permanent, 503 → retryable, revoked key → auth', async () => {
    const h = await startAdapter();
    const space = { kind: 'group' as const, id: 'spaces/AAAA' };
    fake.rateLimitNext(7);
    const limited = await h.adapter.send({ to: space, text: 'x' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ChannelRateLimitError);
    expect((limited as ChannelRateLimitError).retryAfterMs).toBe(7000);
    await expect(h.adapter.send({ to: { kind: 'group', id: 'spaces/GONE' }, text: 'x' })).rejects.toBeInstanceOf(ChannelPermanentError);
    await expect(h.adapter.send({ to: { kind: 'group', id: 'spaces/FORBIDDEN' }, text: 'x' })).rejects.toBeInstanceOf(ChannelPermanentError);
    await expect(h.adapter.send({ to: { kind: 'direct', id: 'users/abc' }, text: 'x' })).rejects.toBeInstanceOf(ChannelPermanentError);
    await expect(h.adapter.send({ to: { kind: 'group', id: 'AAAA' }, text: 'x' })).rejects.toBeInstanceOf(ChannelPermanentError);
    fake.setFault('5xx', true);
    const outage = await h.adapter.send({ to: space, text: 'x' }).catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(Error);
    expect([ChannelPermanentError, ChannelRateLimitError, ChannelAuthError].some((c) => outage instanceof c)).toBe(false);
    fake.setFault('5xx', false);
    // An access token revoked early is replaced once, silently.
    fake.revokeAccessTokens();
    await expect(h.adapter.send({ to: space, text: 'after revoke' })).resolves.toHaveProperty('messageId');
    fake.revokeServiceAccount();
    await expect(h.adapter.send({ to: space, text: 'x' })).rejects.toBeInstanceOf(ChannelAuthError);
    expect(fake.posted.map((p) => p.text)).toEqual(['after revoke']);
  });

  it('drop: the cut request fails once, the next one goes through', async () => {
    const h = await startAdapter();
    const space = { kind: 'group' as const, id: 'spaces/AAAA' };
    fake.setFault('drop', true);
    await expect(h.adapter.send({ to: space, text: 'lost' })).rejects.toThrow(/unreachable/);
    await expect(h.adapter.send({ to: space, text: 'kept' })).resolves.toHaveProperty('messageId');
    expect(fake.posted.map((p) => p.text)).toEqual(['kept']);
  });
});

describe('Google Chat liveness', () => {
  it('heartbeats while nobody writes; a stall stops them, and they resume with held events after', async () => {
    const h = await startAdapter({ livenessMs: 600 });
    await h.nextHeartbeats(2, 2000);
    fake.setFault('stall', true);
    await h.nextHeartbeats(1, 300).catch(() => undefined);
    fake.deliver(fake.dmEvent('users/1001', 'during stall'));
    await expect(h.nextHeartbeats(1, 900)).rejects.toThrow(/timed out/);
    fake.setFault('stall', false);
    const [msg] = await h.nextInbound(1, 3000);
    expect(msg.text).toBe('during stall');
    await h.nextHeartbeats(1, 2000);
  });

  it('stop closes the endpoint; it is idempotent and nothing is emitted after', async () => {
    const h = await startAdapter();
    const url = String(h.adapter.describe?.().webhookUrl);
    await h.adapter.stop();
    await h.adapter.stop();
    await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
    expect(h.failures).toEqual([]);
  });
});
