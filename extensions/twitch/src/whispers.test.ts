import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { startTwitchWorld, type TwitchWorld } from '../../../test-support/irc-server/twitch-driver.js';
import { twitchChannel } from './index.js';

const WHISPER_SCOPES = ['chat:read', 'chat:edit', 'user:manage:whispers'];

/** Whispers through EventSub (in) and Helix (out), on the fake Twitch API beside the real IRC server. */
describe('Twitch whispers', () => {
  let world: TwitchWorld;
  let h: AdapterHarness | undefined;
  beforeEach(async () => {
    world = await startTwitchWorld();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await world.close();
  });
  const start = async (scopes: string[], over: Record<string, unknown> = {}) => {
    world.id.scopes = scopes;
    h = createAdapterHarness(asChannelPlugin(twitchChannel), { ...world.config, livenessMs: 3000, ...over });
    await h.adapter.start();
    return h;
  };

  it('a whisper arrives as a direct message and the reply goes out as a whisper', async () => {
    const h = await start(WHISPER_SCOPES);
    expect(h.adapter.describe?.()).toMatchObject({ whispers: 'on' });
    const next = h.nextInbound(1);
    await world.id.whisper('ann', 'psst, a secret');
    const [dm] = await next;
    expect(dm).toMatchObject({ channel: 'twitch', senderId: 'ann', senderName: 'ann', peer: { kind: 'direct', id: 'ann' }, text: 'psst, a secret' });
    expect(dm!.messageId).toMatch(/^w-/);
    await h.adapter.send({ to: dm!.peer, text: 'kept\nsafe' });
    // A user the bot has not heard from is looked up by login.
    await h.adapter.send({ to: { kind: 'direct', id: 'bob' }, text: 'hello bob' });
    expect(world.id.whispersSent).toEqual([
      { to: 'ann', text: 'kept safe' },
      { to: 'bob', text: 'hello bob' },
    ]);
    await expect(h.adapter.send({ to: { kind: 'direct', id: 'nobody' }, text: 'x' })).rejects.toMatchObject({ name: 'ChannelPermanentError' });
  });

  it('keeps to 3 whispers a second: the fourth waits as a rate limit', async () => {
    const h = await start(WHISPER_SCOPES);
    const to = { kind: 'direct' as const, id: 'ann' };
    for (const text of ['a', 'b', 'c']) await h.adapter.send({ to, text });
    const err = (await h.adapter.send({ to, text: 'd' }).catch((e: unknown) => e)) as { name: string; retryAfterMs: number };
    expect(err.name).toBe('ChannelRateLimitError');
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(1000);
    expect(world.id.whispersSent.map((w) => w.text)).toEqual(['a', 'b', 'c']);
  });

  it('a notification Twitch sends twice is one message', async () => {
    const h = await start(WHISPER_SCOPES);
    const got = h.nextInbound(2);
    await world.id.whisper('ann', 'once', { messageId: 'same-id' });
    await world.id.whisper('ann', 'once', { messageId: 'same-id' });
    await world.id.whisper('bob', 'twice');
    expect((await got).map((m) => m.text)).toEqual(['once', 'twice']);
  });

  it('a 429 from Send Whisper is a rate limit with the wait from Ratelimit-Reset', async () => {
    const h = await start(WHISPER_SCOPES);
    world.id.limitWhispers(1, 5);
    const err = (await h.adapter.send({ to: { kind: 'direct', id: 'ann' }, text: 'x' }).catch((e: unknown) => e)) as { name: string; retryAfterMs: number };
    expect(err.name).toBe('ChannelRateLimitError');
    expect(err.retryAfterMs).toBeGreaterThan(3000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(5000);
    await h.adapter.send({ to: { kind: 'direct', id: 'ann' }, text: 'y' });
    expect(world.id.whispersSent).toEqual([{ to: 'ann', text: 'y' }]);
  });

  it('follows an EventSub session_reconnect to the new URL without losing the subscription or failing', async () => {
    const h = await start(WHISPER_SCOPES);
    const [before] = world.id.subscribedSessionIds();
    world.id.reconnectEventSub();
    await world.id.until(() => {
      const ids = world.id.subscribedSessionIds();
      // The client closes the old connection itself once the new one is welcomed.
      return ids.length === 1 && ids[0] !== before && world.id.openSessions() === 1 ? true : undefined;
    }, 5000, 'the subscription on the new session, and the old connection gone');
    const next = h.nextInbound(1);
    await world.id.whisper('cat', 'after the move');
    expect((await next)[0]).toMatchObject({ senderId: 'cat', text: 'after the move' });
    expect(h.failures).toEqual([]);
  });

  it('a lost EventSub connection fails the account so the supervisor reconnects', async () => {
    const h = await start(WHISPER_SCOPES);
    const failed = h.nextFailure(5000);
    world.id.dropEventSub();
    expect((await failed).message).toMatch(/EventSub closed/);
  });

  it('without the whisper scope (or with whispers off) chat works and status says why whispers are off', async () => {
    let h = await start(['chat:read', 'chat:edit']);
    expect(h.adapter.describe?.()).toMatchObject({ whispers: expect.stringContaining('user:manage:whispers') });
    expect(world.id.subscribedSessions()).toBe(0);
    await h.close();
    h = await start(WHISPER_SCOPES, { whispers: false });
    expect(h.adapter.describe?.()).toMatchObject({ whispers: expect.stringContaining('channels.twitch.whispers is false') });
    expect(world.id.subscribedSessions()).toBe(0);
  });
});
