import { afterEach, describe, expect, it } from 'vitest';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { startDiscordRig, type DiscordTestRig } from '../../../test-support/fake-discord/setup.js';

describe('discord adapter: faults', () => {
  let rig: DiscordTestRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('drop: the socket dies, discord.js RESUMEs, and messages said while down are replayed', async () => {
    rig = await startDiscordRig();
    const { fake, h } = rig;
    const [alice, bob] = fake.world.humans;
    fake.drop();
    const a = fake.say({ from: alice, in: 'dm', text: 'said while down 1' });
    const b = fake.say({ from: bob, in: fake.world.channelId, text: 'said while down 2', mentionBot: true });
    const got = await h.nextInbound(2);
    expect(got.map((m) => [m.messageId, m.text])).toEqual([
      [a.id, 'said while down 1'],
      [b.id, `<@${fake.world.bot.id}> said while down 2`],
    ]);
    expect(fake.stats).toMatchObject({ identifies: 1, resumes: 1, connections: 2 });
    await h.nextHeartbeats(2);
    expect(h.failures).toEqual([]);
    expect(h.adapter.describe?.()).toMatchObject({ gateway: 'ready' });
  });

  it('stall: heartbeats stop, discord.js declares the socket a zombie and reconnects, then resumes with the held messages', async () => {
    rig = await startDiscordRig({ config: { livenessMs: 8000 } });
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    await h.nextHeartbeats(1);
    fake.setStalled(true);
    const beatsAtStall = h.heartbeats();
    const held = fake.say({ from: alice, in: 'dm', text: 'said during the stall' });
    // An unanswered heartbeat makes discord.js drop the silent socket and open a new one.
    await fake.waitUntil(() => fake.stats.connections === 2, 'the zombie reconnect', 4000);
    expect(h.heartbeats()).toBe(beatsAtStall);
    expect(h.inbound).toEqual([]);
    expect(h.adapter.describe?.()).toMatchObject({ gateway: 'reconnecting' });

    const next = h.nextInbound();
    fake.setStalled(false);
    expect((await next)[0]).toMatchObject({ messageId: held.id, text: 'said during the stall' });
    expect(fake.stats).toMatchObject({ identifies: 1, resumes: 1 });
    await h.nextHeartbeats(2);
    expect(h.failures).toEqual([]);
  });

  it('a stall longer than livenessMs: the adapter gives up with ctx.fail', async () => {
    rig = await startDiscordRig({ config: { livenessMs: 1500 } });
    const { fake, h } = rig;
    fake.setStalled(true);
    const err = await h.nextFailure(6000);
    expect(err.message).toMatch(/did not come back within 2 s/);
    expect(h.failures).toHaveLength(1);
    // What a supervisor does next: stop. Even mid-reconnect, no socket stays open.
    await h.adapter.stop();
    expect(fake.openSockets()).toBe(0);
  });

  it('REST 5xx: sends fail with a retryable error while the gateway keeps delivering, then sends recover', async () => {
    rig = await startDiscordRig();
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    fake.setOutage(true);
    const err = await h.adapter.send({ to: { kind: 'channel', id: fake.world.channelId }, text: 'during outage' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ChannelPermanentError);
    expect(err).not.toBeInstanceOf(ChannelRateLimitError);
    expect((err as Error).message).toMatch(/HTTP 502/);
    const next = h.nextInbound();
    fake.say({ from: alice, in: 'dm', text: 'still hearing you?' });
    expect((await next)[0]!.text).toBe('still hearing you?');
    await h.nextHeartbeats(1);
    fake.setOutage(false);
    await h.adapter.send({ to: { kind: 'channel', id: fake.world.channelId }, text: 'after outage' });
    expect(fake.sentIn(fake.world.channelId).map((s) => s.content)).toEqual(['after outage']);
    expect(h.failures).toEqual([]);
  });

  it('the gateway closes with 4004 (token reset) while running: ctx.fail with ChannelAuthError, once', async () => {
    rig = await startDiscordRig();
    const { fake, h } = rig;
    const failure = h.nextFailure();
    fake.closeGateway(4004, 'Authentication failed');
    const err = await failure;
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect(err.message).toMatch(/Reset Token/);
    expect(h.failures).toHaveLength(1);
  });

  it('malformed dispatches are logged and skipped; the adapter keeps delivering', async () => {
    rig = await startDiscordRig();
    const { fake, h } = rig;
    const [alice] = fake.world.humans;
    const good = fake.world.buildMessage({ authorId: alice, channelId: fake.world.channelId, content: 'fine' });
    // Tried: a frame that is not JSON, MESSAGE_CREATE with no payload, with no author, with an author
    // without id, with a number as content, with mentions that are not users, with a bogus guild id,
    // an unknown event type, and a GUILD_CREATE without any of its fields.
    fake.sendRawFrame('{not json');
    fake.dispatchRaw('MESSAGE_CREATE', null);
    fake.dispatchRaw('MESSAGE_CREATE', { ...good, author: undefined });
    fake.dispatchRaw('MESSAGE_CREATE', { ...good, author: { username: 'ghost' } });
    fake.dispatchRaw('MESSAGE_CREATE', { ...good, content: 42 });
    fake.dispatchRaw('MESSAGE_CREATE', { ...good, mentions: ['nobody'] });
    fake.dispatchRaw('MESSAGE_CREATE', { ...good, guild_id: 'guild' });
    fake.dispatchRaw('SOMETHING_NEW', { what: 'ever' });
    fake.dispatchRaw('GUILD_CREATE', {});
    // A DM without `channel_type` (older payloads) still comes through.
    const dm = fake.world.buildMessage({ authorId: alice, channelId: fake.world.dmChannelFor(alice).id, content: 'dm without type' });
    fake.dispatchRaw('MESSAGE_CREATE', { ...dm, channel_type: undefined });
    const next = h.nextInbound(2);
    fake.say({ from: alice, in: fake.world.channelId, text: 'after the garbage' });
    const got = await next;
    expect(got.map((m) => m.text)).toEqual(['dm without type', 'after the garbage']);
    expect(got[0]!.peer).toEqual({ kind: 'direct', id: alice });
    expect(h.logs.filter((l) => l.msg === 'discord sent a malformed MESSAGE_CREATE; skipped')).toHaveLength(6);
    expect(h.failures).toEqual([]);
  });
});
