import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordRig, type DiscordTestRig } from '../../../test-support/fake-discord/setup.js';

describe('discord adapter: inbound', () => {
  let rig: DiscordTestRig;
  beforeEach(async () => {
    rig = await startDiscordRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('a user DMs the bot: peer is the user, with name and platform time', async () => {
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    const next = h.nextInbound();
    const said = fake.say({ from: alice, in: 'dm', text: 'hello bot' });
    const [msg] = await next;
    expect(msg).toMatchObject({
      channel: 'discord',
      accountId: 'default',
      messageId: said.id,
      senderId: alice,
      senderName: 'Alice A.',
      peer: { kind: 'direct', id: alice },
      text: 'hello bot',
    });
    expect(msg!.guildId).toBeUndefined();
    expect(Math.abs(msg!.timestampMs - Date.now())).toBeLessThan(5000);
  });

  it('a user talks in a guild channel without mentioning: channel peer, guild and roles, not mentioned', async () => {
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    const next = h.nextInbound();
    fake.say({ from: alice, in: fake.world.channelId, text: 'just chatting' });
    const [msg] = await next;
    expect(msg).toMatchObject({
      peer: { kind: 'channel', id: fake.world.channelId },
      guildId: fake.world.guildId,
      memberRoleIds: [fake.world.modRoleId],
      mentioned: false,
      text: 'just chatting',
    });
    expect(msg!.parentPeer).toBeUndefined();
  });

  it('a user @-mentions the bot in a guild channel: mentioned, text as written, nickname as sender name', async () => {
    const { fake, h } = rig;
    const carol = fake.world.humans[2];
    const next = h.nextInbound();
    fake.say({ from: carol, in: fake.world.channelId, text: 'what time is it?', mentionBot: true });
    const [msg] = await next;
    expect(msg).toMatchObject({ mentioned: true, senderName: 'caz', memberRoleIds: [], text: `<@${fake.world.bot.id}> what time is it?` });
  });

  it('a user @-mentions the bot role instead of the bot: mentioned', async () => {
    const { fake, h } = rig;
    const [, bob] = fake.world.humans;
    const next = h.nextInbound();
    const msg = fake.world.buildMessage({ authorId: bob, channelId: fake.world.channelId, content: `<@&${fake.world.botRoleId}> help` });
    fake.dispatchRaw('MESSAGE_CREATE', { ...msg, mention_roles: [fake.world.botRoleId] });
    expect((await next)[0]).toMatchObject({ mentioned: true, senderName: 'bob' });
  });

  it('a user replies to the bot: mentioned, with the replied-to message id', async () => {
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    const { messageId } = await h.adapter.send({ to: { kind: 'channel', id: fake.world.channelId }, text: 'I am here' });
    const next = h.nextInbound();
    fake.say({ from: alice, in: fake.world.channelId, text: 'thanks!', replyTo: messageId });
    const [msg] = await next;
    expect(msg).toMatchObject({ mentioned: true, replyToMessageId: messageId });
  });

  it('a user replies to another user: not mentioned, reply target kept', async () => {
    const { fake, h } = rig;
    const [alice, bob] = fake.world.humans;
    const first = fake.say({ from: alice, in: fake.world.channelId, text: 'anyone?' });
    await h.nextInbound();
    const next = h.nextInbound();
    fake.say({ from: bob, in: fake.world.channelId, text: 'me', replyTo: first.id });
    expect((await next)[0]).toMatchObject({ mentioned: false, replyToMessageId: first.id });
  });

  it('a user writes in a thread: the thread is the peer, the channel its parent', async () => {
    const { fake, h } = rig;
    const [, bob] = fake.world.humans;
    const next = h.nextInbound();
    fake.say({ from: bob, in: fake.world.threadId, text: 'in the thread', mentionBot: true });
    const [msg] = await next;
    expect(msg).toMatchObject({
      peer: { kind: 'channel', id: fake.world.threadId },
      parentPeer: { kind: 'channel', id: fake.world.channelId },
      threadId: fake.world.threadId,
      guildId: fake.world.guildId,
      mentioned: true,
    });
  });

  it('a thread created after connecting is recognised as a thread', async () => {
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    const threadId = fake.createThread(fake.world.channelId, 'new topic');
    const next = h.nextInbound();
    fake.say({ from: alice, in: threadId, text: 'first post' });
    expect((await next)[0]).toMatchObject({ peer: { kind: 'channel', id: threadId }, parentPeer: { kind: 'channel', id: fake.world.channelId }, threadId });
  });

  it('attachments come through as metadata', async () => {
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    const next = h.nextInbound();
    fake.say({
      from: alice,
      in: 'dm',
      text: 'look',
      attachments: [
        { filename: 'cat.png', contentType: 'image/png', size: 2048 },
        { filename: 'notes.txt', size: 10 },
      ],
    });
    const [msg] = await next;
    expect(msg!.attachments).toEqual([
      { kind: 'image', url: expect.stringContaining('cat.png'), mimeType: 'image/png', name: 'cat.png', sizeBytes: 2048 },
      { kind: 'file', url: expect.stringContaining('notes.txt'), name: 'notes.txt', sizeBytes: 10 },
    ]);
  });

  it('ignores its own messages and other bots, and keeps going', async () => {
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    // The bot's own post is echoed on the gateway by Discord.
    await h.adapter.send({ to: { kind: 'channel', id: fake.world.channelId }, text: 'from the bot' });
    fake.say({ from: fake.world.otherBotId, in: fake.world.channelId, text: 'beep', mentionBot: true });
    const next = h.nextInbound();
    fake.say({ from: alice, in: fake.world.channelId, text: 'human here' });
    const [msg] = await next;
    expect(msg!.text).toBe('human here');
    expect(h.inbound.map((m) => m.text)).toEqual(['human here']);
  });

  it('heartbeats on every gateway heartbeat ACK', async () => {
    const { fake, h } = rig;
    const acks = fake.stats.acks;
    await h.nextHeartbeats(3);
    expect(fake.stats.acks).toBeGreaterThan(acks);
  });

  it('describe() reports the bot, its guilds and the gateway state', () => {
    expect(rig.h.adapter.describe?.()).toMatchObject({
      botUserId: rig.fake.world.bot.id,
      botTag: 'openclaw',
      guilds: 1,
      gateway: 'ready',
    });
  });
});
