import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { startDiscordRig, type DiscordTestRig } from '../../../test-support/fake-discord/setup.js';
import { composeContents } from './compose.js';

describe('discord adapter: sending', () => {
  let rig: DiscordTestRig;
  beforeEach(async () => {
    rig = await startDiscordRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('core replies to a DM: the DM channel is opened, the text lands there, and the message id comes back', async () => {
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    const { messageId } = await h.adapter.send({ to: { kind: 'direct', id: alice }, text: '**hi** Alice' });
    const dm = fake.world.dmChannelFor(alice).id;
    expect(fake.sentIn(dm)).toEqual([expect.objectContaining({ id: messageId, content: '**hi** Alice' })]);
    // The DM channel is reused, not reopened.
    await h.adapter.send({ to: { kind: 'direct', id: alice }, text: 'again' });
    expect(fake.rest.requests.filter((r) => r.path.endsWith('/users/@me/channels'))).toHaveLength(1);
    expect(fake.sentIn(dm).map((s) => s.content)).toEqual(['**hi** Alice', 'again']);
  });

  it('core replies in a guild channel as a reply to a user message, without letting the text ping @everyone', async () => {
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    const userMsg = fake.say({ from: alice, in: fake.world.channelId, text: 'question', mentionBot: true });
    const { messageId } = await h.adapter.send({ to: { kind: 'channel', id: fake.world.channelId }, text: 'answer @everyone', replyToMessageId: userMsg.id });
    const [sent] = fake.sentIn(fake.world.channelId);
    expect(sent).toMatchObject({ id: messageId, content: 'answer @everyone', replyToMessageId: userMsg.id });
    expect(sent!.allowedMentions).toEqual({ parse: ['users'], replied_user: true });
  });

  it('core replies in a thread: the post goes into the thread, replying to the user', async () => {
    const { fake, h } = rig;
    const [, bob] = fake.world.humans;
    const userMsg = fake.say({ from: bob, in: fake.world.threadId, text: 'in thread' });
    await h.adapter.send({ to: { kind: 'channel', id: fake.world.channelId }, threadId: fake.world.threadId, text: 'thread answer', replyToMessageId: userMsg.id });
    expect(fake.sentIn(fake.world.channelId)).toEqual([]);
    expect(fake.sentIn(fake.world.threadId)).toEqual([expect.objectContaining({ content: 'thread answer', replyToMessageId: userMsg.id })]);
  });

  it('media URLs are posted as links Discord unfurls, in the same message when they fit', async () => {
    const { fake, h } = rig;
    await h.adapter.send({ to: { kind: 'channel', id: fake.world.channelId }, text: 'a picture', mediaUrls: ['https://example.com/cat.png'] });
    expect(fake.sentIn(fake.world.channelId).map((s) => s.content)).toEqual(['a picture\nhttps://example.com/cat.png']);
  });

  it('text at the limit with media: the links follow in a second message, and the first id is returned', async () => {
    const { fake, h } = rig;
    const text = 'x'.repeat(2000);
    const { messageId } = await h.adapter.send({ to: { kind: 'channel', id: fake.world.channelId }, text, mediaUrls: ['https://example.com/a.png', 'https://example.com/b.png'] });
    const sent = fake.sentIn(fake.world.channelId);
    expect(sent.map((s) => s.content)).toEqual([text, 'https://example.com/a.png\nhttps://example.com/b.png']);
    expect(messageId).toBe(sent[0]!.id);
  });

  it('a 429 becomes ChannelRateLimitError with Discord’s retry-after, and the next try after it succeeds', async () => {
    const { fake, h } = rig;
    const to = { kind: 'channel' as const, id: fake.world.channelId };
    await h.adapter.send({ to, text: 'first' });
    fake.rateLimitNext(1, 300);
    const err = await h.adapter.send({ to, text: 'busy?' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelRateLimitError);
    // Discord's 0.3 s plus the REST client's small safety offset.
    const retryAfterMs = (err as ChannelRateLimitError).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThanOrEqual(300);
    expect(retryAfterMs).toBeLessThan(1000);
    // discord.js did not retry on its own: core's delivery owns the wait.
    expect(fake.rest.requests.filter((r) => r.status === 429)).toHaveLength(1);
    // Trying again inside the window is refused without a request, with the time still to wait.
    const early = await h.adapter.send({ to, text: 'busy?' }).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(ChannelRateLimitError);
    expect((early as ChannelRateLimitError).retryAfterMs).toBeGreaterThan(0);
    expect((early as ChannelRateLimitError).retryAfterMs).toBeLessThan(1000);
    expect(fake.rest.requests.filter((r) => r.path.endsWith('/messages'))).toHaveLength(2);
    // Waiting out Discord's retry-after is the behaviour under test.
    await new Promise((r) => setTimeout(r, Math.max(retryAfterMs, (early as ChannelRateLimitError).retryAfterMs)));
    await h.adapter.send({ to, text: 'busy?' });
    expect(fake.sentIn(fake.world.channelId).map((s) => s.content)).toEqual(['first', 'busy?']);
  });

  it('a global 429 is a rate limit too', async () => {
    const { fake, h } = rig;
    fake.rateLimitNext(1, 200, true);
    const err = await h.adapter.send({ to: { kind: 'direct', id: fake.world.humans[1] }, text: 'hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelRateLimitError);
    expect((err as ChannelRateLimitError).retryAfterMs).toBeGreaterThanOrEqual(200);
  });

  it('an unknown channel (404) and a channel without access (403) are permanent failures', async () => {
    const { fake, h } = rig;
    const unknown = await h.adapter.send({ to: { kind: 'channel', id: '123456789012345678' }, text: 'hello?' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ChannelPermanentError);
    expect((unknown as Error).message).toMatch(/Unknown Channel.*404.*10003/);
    const forbidden = await h.adapter.send({ to: { kind: 'channel', id: fake.world.forbiddenChannelId }, text: 'hello?' }).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(ChannelPermanentError);
    expect((forbidden as Error).message).toMatch(/Missing Access.*403/);
  });

  it('a DM to someone who cannot be messaged is a permanent failure', async () => {
    const { fake, h } = rig;
    const err = await h.adapter.send({ to: { kind: 'direct', id: fake.world.otherBotId }, text: 'hi bot' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelPermanentError);
  });

  it('a token revoked while running: send throws ChannelAuthError and the adapter reports failure', async () => {
    const { fake, h } = rig;
    const failure = h.nextFailure();
    fake.revokeToken();
    const err = await h.adapter.send({ to: { kind: 'channel', id: fake.world.channelId }, text: 'still there?' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect(await failure).toBeInstanceOf(ChannelAuthError);
    expect(h.failures).toHaveLength(1);
  });

  it('typing goes to the DM channel, the channel or the thread', async () => {
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    await h.adapter.sendTyping!({ kind: 'direct', id: alice });
    await h.adapter.sendTyping!({ kind: 'channel', id: fake.world.channelId });
    await h.adapter.sendTyping!({ kind: 'channel', id: fake.world.channelId }, fake.world.threadId);
    expect(fake.rest.typing).toEqual([fake.world.dmChannelFor(alice).id, fake.world.channelId, fake.world.threadId]);
  });

  it('send after stop says the channel is not running', async () => {
    await rig.h.adapter.stop();
    await expect(rig.h.adapter.send({ to: { kind: 'channel', id: rig.fake.world.channelId }, text: 'late' })).rejects.toThrow(/not running/);
  });
});

describe('composeContents', () => {
  it('keeps text alone, joins links when they fit, splits them when they do not', () => {
    expect(composeContents('hi', [], 2000)).toEqual(['hi']);
    expect(composeContents('', ['u1', ' '], 2000)).toEqual(['u1']);
    expect(composeContents('hi', ['u1', 'u2'], 2000)).toEqual(['hi\nu1\nu2']);
    expect(composeContents('abcd', ['12345', '67890'], 8)).toEqual(['abcd', '12345', '67890']);
    expect(composeContents('', [], 10)).toEqual([]);
  });
});
