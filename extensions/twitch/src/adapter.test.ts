import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { IrcUser } from '../../../test-support/irc-server/irc-user.js';
import { startTwitchWorld, TWITCH_BOT_LOGIN, type TwitchWorld } from '../../../test-support/irc-server/twitch-driver.js';
import { twitchChannel } from './index.js';

const ROOM = '#openclawtv';

describe('Twitch adapter on a real IRC server', () => {
  let world: TwitchWorld;
  let h: AdapterHarness | undefined;
  let ann: IrcUser;
  beforeEach(async () => {
    world = await startTwitchWorld();
    ann = new IrcUser('ann', { host: world.irc.host, port: world.irc.port, password: `oauth:${world.id.token}` });
    await ann.login();
    await ann.join(ROOM);
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    ann.close();
    await world.close();
  });
  const start = async (over: Record<string, unknown> = {}) => {
    h = createAdapterHarness(asChannelPlugin(twitchChannel), { ...world.config, livenessMs: 3000, ...over });
    await h.adapter.start();
    return h;
  };
  const botMessages = () => ann.seen.filter((m) => m.from === TWITCH_BOT_LOGIN);

  it('joins the room, reads room and private messages, and answers both', async () => {
    const h = await start();
    const two = h.nextInbound(2);
    ann.say(ROOM, `hey @${TWITCH_BOT_LOGIN}, status?`);
    ann.say(TWITCH_BOT_LOGIN, 'just between us');
    const [room, dm] = await two;
    expect(room).toMatchObject({ channel: 'twitch', senderId: 'ann', peer: { kind: 'group', id: ROOM }, mentioned: true, text: `hey @${TWITCH_BOT_LOGIN}, status?` });
    expect(dm).toMatchObject({ senderId: 'ann', peer: { kind: 'direct', id: 'ann' }, text: 'just between us' });
    expect(dm!.mentioned).toBeUndefined();

    await h.adapter.send({ to: room!.peer, text: 'all good\n\nsecond line' });
    await h.adapter.send({ to: dm!.peer, text: '/ban ann' });
    await ann.until(() => (botMessages().length >= 2 ? true : undefined), 5000, 'two bot messages');
    expect(botMessages()).toEqual([
      { from: TWITCH_BOT_LOGIN, target: ROOM, text: 'all good second line' },
      // Never a chat command, whatever the model wrote.
      { from: TWITCH_BOT_LOGIN, target: 'ann', text: '\u200b/ban ann' },
    ]);
    expect(h.adapter.describe?.()).toMatchObject({ login: TWITCH_BOT_LOGIN, rooms: [ROOM] });
    expect(world.id.calls).toBe(1);
  });

  it('stays alive by ping while nobody talks, and reports a cut connection', async () => {
    const h = await start();
    await h.nextHeartbeats(2, 5000);
    const failed = h.nextFailure(5000);
    world.gateway.drop();
    expect((await failed).message).toMatch(/disconnected/);
  });

  it('starts again after a drop (the old session is gone from the server)', async () => {
    let h = await start();
    world.gateway.drop();
    await h.nextFailure(5000);
    await h.close();
    h = await start();
    const next = h.nextInbound(1);
    ann.say(ROOM, 'back?');
    expect((await next)[0]).toMatchObject({ text: 'back?', mentioned: false });
  });

  it('a revoked or under-scoped token stops the account with a plain reason', async () => {
    world.id.scopes = ['chat:read'];
    h = createAdapterHarness(asChannelPlugin(twitchChannel), { ...world.config, livenessMs: 3000 });
    await expect(h.adapter.start()).rejects.toMatchObject({ name: 'ChannelAuthError', message: expect.stringContaining('chat:edit') });
    await h.close();
    world.id.revoke();
    h = createAdapterHarness(asChannelPlugin(twitchChannel), { ...world.config, livenessMs: 3000 });
    await expect(h.adapter.start()).rejects.toMatchObject({ name: 'ChannelAuthError', message: expect.stringContaining('channels.twitch.accessToken') });
  });

  it('a msg_ratelimit refusal fails the send as a rate limit, and the next send goes out', async () => {
    const h = await start();
    world.gateway.refuseChat(1);
    await expect(h.adapter.send({ to: { kind: 'group', id: ROOM }, text: 'too soon' })).rejects.toMatchObject({ name: 'ChannelRateLimitError', retryAfterMs: 1000 });
    expect(world.gateway.refused()).toBe(1);
    await h.adapter.send({ to: { kind: 'group', id: ROOM }, text: 'later' });
    await ann.until(() => (botMessages().length >= 1 ? true : undefined), 5000, 'the bot message');
    expect(botMessages().map((m) => m.text)).toEqual(['later']);
  });

  it('keeps within 20 messages per 30 s, and 100 once Twitch says the bot moderates the room', async () => {
    const h = await start();
    const to = { kind: 'group' as const, id: ROOM };
    for (let i = 1; i <= 20; i++) await h.adapter.send({ to, text: `n${i}` });
    const over = await h.adapter.send({ to, text: 'n21' }).catch((err: unknown) => err as { name: string; retryAfterMs: number });
    expect(over).toMatchObject({ name: 'ChannelRateLimitError' });
    expect((over as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(20_000);
    expect((over as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(30_000);
    // Twitch tells a client its room status in USERSTATE (after JOIN and after each of its messages).
    world.gateway.toClients(`@badges=moderator/1;mod=1 :tmi.twitch.tv USERSTATE ${ROOM}`);
    while (!(h.adapter.describe?.().moderatorIn as string[]).includes(ROOM)) await h.nextHeartbeats(1);
    await h.adapter.send({ to, text: 'n21' });
    await ann.until(() => (botMessages().length >= 21 ? true : undefined), 5000, '21 bot messages');
    expect(botMessages().map((m) => m.text)).toEqual(Array.from({ length: 21 }, (_, i) => `n${i + 1}`));
    expect(h.adapter.describe?.()).toMatchObject({ chatMessagesLast30s: 21 });
  });

  it('refuses a token of another account', async () => {
    h = createAdapterHarness(asChannelPlugin(twitchChannel), { ...world.config, username: 'someoneelse', livenessMs: 3000 });
    await expect(h.adapter.start()).rejects.toMatchObject({ name: 'ChannelAuthError', message: expect.stringContaining('"openclawbot"') });
  });
});
