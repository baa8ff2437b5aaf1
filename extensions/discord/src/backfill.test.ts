import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { startFakeDiscord, type FakeDiscord } from '../../../test-support/fake-discord/fake-discord.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { discordChannel } from './index.js';

const discordPlugin = asChannelPlugin(discordChannel);

describe('discord adapter: reading back what a fresh session missed', () => {
  let fake: FakeDiscord;
  let dataDir: string;
  const harnesses: AdapterHarness[] = [];
  beforeEach(async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 250 });
    dataDir = mkdtempSync(join(tmpdir(), 'openclaw-discord-cursor-'));
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** One adapter instance on the shared account folder, as the supervisor would create it. */
  const instance = (livenessMs = 3000) => {
    const h = createAdapterHarness(discordPlugin, { token: fake.token, apiRoot: fake.apiRoot, livenessMs }, { dataDir });
    harnesses.push(h);
    return h;
  };

  it('a restarted adapter gets what was said while it was away, once, with roles, from channels it knew', async () => {
    const [alice, bob] = fake.world.humans;
    const first = instance();
    await first.adapter.start();
    const seen = first.nextInbound(2);
    fake.say({ from: alice, in: 'dm', text: 'before' });
    fake.say({ from: alice, in: fake.world.channelId, text: 'before in channel' });
    await seen;
    await first.adapter.stop();
    expect(JSON.parse(readFileSync(join(dataDir, 'discord-cursors.json'), 'utf8'))).toHaveProperty(fake.world.channelId);

    // While no session exists Discord dispatches nothing; the messages only sit in channel history.
    const dm = fake.say({ from: alice, in: 'dm', text: 'while away (dm)' });
    const ch = fake.say({ from: alice, in: fake.world.channelId, text: 'while away (channel)', mentionBot: true });
    fake.say({ from: bob, in: fake.world.threadId, text: 'a thread the bot never heard from' });

    const second = instance();
    const missed = second.nextInbound(2);
    await second.adapter.start();
    const got = await missed;
    const byId = new Map(got.map((m) => [m.messageId, m]));
    expect(byId.get(dm.id)).toMatchObject({ peer: { kind: 'direct', id: alice }, text: 'while away (dm)' });
    expect(byId.get(ch.id)).toMatchObject({
      peer: { kind: 'channel', id: fake.world.channelId },
      guildId: fake.world.guildId,
      memberRoleIds: [fake.world.modRoleId],
      mentioned: true,
    });
    // Live messages keep flowing and nothing else was read back.
    const live = second.nextInbound();
    const again = fake.say({ from: bob, in: 'dm', text: 'live again' });
    expect((await live)[0]!.text).toBe('live again');
    expect(second.inbound.map((m) => m.messageId).sort()).toEqual([dm.id, ch.id, again.id].sort());
  });

  it('a stall outlasting liveness, then a restart (what the supervisor does): the message said during the stall arrives', async () => {
    const [alice] = fake.world.humans;
    const first = instance(1500);
    await first.adapter.start();
    const warm = first.nextInbound();
    fake.say({ from: alice, in: 'dm', text: 'hello' });
    await warm;
    fake.setStalled(true);
    const held = fake.say({ from: alice, in: 'dm', text: 'said during the stall' });
    await first.nextFailure(6000);
    await first.adapter.stop();

    const second = instance(3000);
    const next = second.nextInbound();
    const starting = second.adapter.start();
    await fake.waitUntil(() => fake.openSockets() === 1, 'the new connection');
    fake.setStalled(false);
    await starting;
    expect((await next)[0]).toMatchObject({ messageId: held.id, text: 'said during the stall' });
    expect(fake.stats.identifies).toBe(2);
  });

  it('a message core failed to queue is read back by the next instance (the cursor had not moved past it)', async () => {
    const [alice] = fake.world.humans;
    const first = instance();
    await first.adapter.start();
    const accepted = first.nextInbound();
    fake.say({ from: alice, in: 'dm', text: 'queued fine' });
    await accepted;
    // Core's queue is down for one message (a full disk, say).
    const realEmit = first.ctx.emit;
    let refused = false;
    first.ctx.emit = async () => {
      refused = true;
      throw new Error('queue unavailable');
    };
    const lost = fake.say({ from: alice, in: 'dm', text: 'not queued' });
    await fake.waitUntil(() => refused, 'the refused emit');
    first.ctx.emit = realEmit;
    await first.adapter.stop();
    expect(first.logs.some((l) => l.msg === 'discord message could not be queued')).toBe(true);

    const second = instance();
    const next = second.nextInbound();
    await second.adapter.start();
    expect((await next)[0]).toMatchObject({ messageId: lost.id, text: 'not queued' });
  });
  it('a cursor write lost in a crash means a repeat, with the same message id (core dedupes)', async () => {
    const [alice] = fake.world.humans;
    const first = instance();
    await first.adapter.start();
    const both = first.nextInbound(2);
    const m1 = fake.say({ from: alice, in: 'dm', text: 'one' });
    const m2 = fake.say({ from: alice, in: 'dm', text: 'two' });
    await both;
    await first.adapter.stop();
    // As if the process died before the cursor for "two" reached the disk.
    const file = join(dataDir, 'discord-cursors.json');
    const cursors = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { lastMessageId: string; seenAt: number }>;
    cursors[fake.world.dmChannelFor(alice).id]!.lastMessageId = m1.id;
    writeFileSync(file, JSON.stringify(cursors));

    const second = instance();
    const next = second.nextInbound();
    await second.adapter.start();
    const [again] = await next;
    expect(again).toMatchObject({ messageId: m2.id, text: 'two' });
    expect(first.inbound[1]!.messageId).toBe(again!.messageId);
  });

  it('an invalidated session: the adapter identifies again, reads the gap back from history, and does not fail', async () => {
    const h = instance(10_000);
    await h.adapter.start();
    const [alice] = fake.world.humans;
    const before = h.nextInbound();
    fake.say({ from: alice, in: 'dm', text: 'before' });
    await before;
    fake.invalidateSessions();
    // No session exists now: Discord keeps this only in the channel's history.
    const gap = fake.say({ from: alice, in: 'dm', text: 'in the gap' });
    // discord.js waits out Discord's identify rate limit (up to ~6.5 s) before identifying again.
    const next = h.nextInbound(2, 9000);
    await fake.waitUntil(() => fake.stats.identifies === 2 && fake.liveSessions() === 1, 'a second IDENTIFY', 9000);
    const after = fake.say({ from: alice, in: 'dm', text: 'new session' });
    expect((await next).map((m) => m.messageId).sort()).toEqual([gap.id, after.id].sort());
    expect(h.failures).toEqual([]);
    expect(h.logs.some((l) => l.msg.startsWith('discord session could not resume'))).toBe(true);
  }, 15_000);
});
