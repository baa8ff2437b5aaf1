import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { createDiscordDriver, type DiscordTestDriver } from './driver.js';
import { discordChannel } from '../../extensions/discord/src/index.js';
import { asChannelPlugin } from '../channel-plugin.js';

describe('discord test driver', () => {
  let driver: DiscordTestDriver;
  let h: AdapterHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await driver.close();
  });

  const connect = async () => {
    driver = createDiscordDriver({ heartbeatIntervalMs: 250 });
    const config = await driver.start();
    h = createAdapterHarness(asChannelPlugin(discordChannel), { ...config, livenessMs: 5000 });
    await h.adapter.start();
    return h;
  };

  it('has three distinct users and a group, known before start', () => {
    driver = createDiscordDriver();
    const { users, group } = driver.ids;
    expect(new Set([...users, group]).size).toBe(4);
    for (const id of [...users, group]) expect(id).toMatch(/^\d{17,20}$/);
  });

  it('users DM the bot and talk in the group, with and without a mention, as the adapter reports them', async () => {
    const h = await connect();
    const [u1, u2] = driver.ids.users;
    const next = h.nextInbound(3);
    await driver.sendDirect(u1, 'dm text');
    await driver.sendGroup(u2, 'plain', false);
    await driver.sendGroup(u2, 'hey bot', true);
    const [dm, plain, mentioned] = await next;
    expect(dm).toMatchObject({ senderId: u1, peer: { kind: 'direct', id: u1 }, text: 'dm text' });
    expect(plain).toMatchObject({ senderId: u2, peer: { kind: 'channel', id: driver.ids.group }, mentioned: false, text: 'plain' });
    expect(mentioned).toMatchObject({ peer: { kind: 'channel', id: driver.ids.group }, mentioned: true });
    expect(mentioned!.text).toContain('hey bot');
  });

  it('sees what the bot sent, per peer, and waits for it', async () => {
    const h = await connect();
    const [u1, , u3] = driver.ids.users;
    const waiting = driver.waitForSent(u1, 2);
    await h.adapter.send({ to: { kind: 'direct', id: u1 }, text: 'one' });
    await h.adapter.send({ to: { kind: 'channel', id: driver.ids.group }, text: 'to group' });
    await h.adapter.send({ to: { kind: 'direct', id: u1 }, text: 'two' });
    expect(await waiting).toEqual(['one', 'two']);
    expect(driver.sentTo(driver.ids.group)).toEqual(['to group']);
    expect(driver.sentTo(u3)).toEqual([]);
  });

  it('faults: drop and stall hold messages until the adapter is back; 5xx fails sends until turned off', async () => {
    const h = await connect();
    const [u1] = driver.ids.users;
    expect(driver.fault.kinds).toEqual(['drop', 'stall', '5xx']);

    await driver.fault.set('drop', true);
    const afterDrop = h.nextInbound();
    await driver.sendDirect(u1, 'after drop');
    expect((await afterDrop)[0]!.text).toBe('after drop');

    await driver.fault.set('stall', true);
    await driver.sendDirect(u1, 'during stall');
    await driver.fake().waitUntil(() => driver.fake().stats.connections >= 3, 'the zombie reconnect');
    const afterStall = h.nextInbound();
    await driver.fault.set('stall', false);
    expect((await afterStall)[0]!.text).toBe('during stall');

    await driver.fault.set('5xx', true);
    await expect(h.adapter.send({ to: { kind: 'direct', id: u1 }, text: 'x' })).rejects.toThrow(/HTTP 502/);
    await driver.fault.set('5xx', false);
    await h.adapter.send({ to: { kind: 'direct', id: u1 }, text: 'back' });
    expect(driver.sentTo(u1)).toEqual(['back']);
    expect(h.failures).toEqual([]);
  });
});
