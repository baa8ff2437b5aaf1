import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { startNostrWorld, type NostrWorld } from '../../../test-support/nostr-relay/driver.js';
import { nostrChannel } from './index.js';

describe('Nostr adapter on two real relays', () => {
  let world: NostrWorld;
  let dataDir: string;
  const harnesses: AdapterHarness[] = [];
  beforeEach(async () => {
    world = await startNostrWorld();
    dataDir = mkdtempSync(join(tmpdir(), 'openclaw-nostr-test-'));
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
    await world.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = async (over: Record<string, unknown> = {}) => {
    const h = createAdapterHarness(asChannelPlugin(nostrChannel), { ...world.config, livenessMs: 3000, ...over }, { dataDir });
    harnesses.push(h);
    await h.adapter.start();
    return h;
  };

  it('reads a gift-wrapped DM once although both relays carry it, and answers in kind', async () => {
    const h = await start();
    const [ann] = world.people;
    const next = h.nextInbound(1);
    await world.publish(world.dm(ann!, 'hello over NIP-17'));
    const [msg] = await next;
    expect(msg).toMatchObject({ channel: 'nostr', senderId: ann!.pubkey, peer: { kind: 'direct', id: ann!.pubkey }, text: 'hello over NIP-17' });
    expect(world.relays.every((r) => r.repository.events.some((e) => e.kind === 1059))).toBe(true);
    await h.adapter.send({ to: msg!.peer, text: 'hello back' });
    expect(world.sentTo(ann!.pubkey)).toEqual(['hello back']);
    // Gift wraps hide the sender: nothing on the relays names the assistant as author.
    expect(world.relays[0]!.repository.events.filter((e) => e.pubkey === world.bot.pubkey)).toEqual([]);
    expect(h.inbound).toHaveLength(1);
  });

  it('answers NIP-04 senders with NIP-04, and remembers it across restarts', async () => {
    let h = await start();
    const [, bob] = world.people;
    const next = h.nextInbound(1);
    await world.publish(world.dm(bob!, 'old client here', 'nip04'));
    const [msg] = await next;
    expect(msg).toMatchObject({ senderId: bob!.pubkey, text: 'old client here' });
    await h.close();
    harnesses.pop();
    h = await start();
    await h.adapter.send({ to: { kind: 'direct', id: bob!.pubkey }, text: 'still NIP-04' });
    const kind4 = world.relays[0]!.repository.events.filter((e) => e.kind === 4 && e.pubkey === world.bot.pubkey);
    expect(kind4).toHaveLength(1);
    expect(world.sentTo(bob!.pubkey)).toEqual(['still NIP-04']);
  });

  it('keeps `since` in its data folder: a restart reads what came meanwhile and nothing twice', async () => {
    let h = await start();
    const [ann] = world.people;
    let next = h.nextInbound(1);
    await world.publish(world.dm(ann!, 'before the restart'));
    await next;
    await h.close();
    harnesses.pop();
    const saved = JSON.parse(readFileSync(join(dataDir, 'nostr-state.json'), 'utf8')) as { since: number; protocols: Record<string, string> };
    expect(saved.since).toBeGreaterThan(0);
    expect(saved.protocols[ann!.pubkey]).toBe('nip17');

    await world.publish(world.dm(ann!, 'while it was down'));
    h = await start();
    next = h.nextInbound(1);
    // Both are still on the relays, and the restart asks from a little before `since`: only the new one comes.
    expect((await next).map((m) => m.text)).toEqual(['while it was down']);
    const later = h.nextInbound(1);
    await world.publish(world.dm(ann!, 'after'));
    expect((await later).map((m) => m.text)).toEqual(['after']);
    expect(h.inbound.map((m) => m.text)).toEqual(['while it was down', 'after']);
  });

  it('messages in a joined NIP-28 channel are group messages; a p tag of our key is a mention', async () => {
    const h = await start();
    const [ann, bob] = world.people;
    const next = h.nextInbound(2);
    await world.publish(world.channelMessage(ann!, 'just chatting', false));
    await world.publish(world.channelMessage(bob!, 'what do you think?', true));
    const [plain, mention] = await next;
    expect(plain).toMatchObject({ peer: { kind: 'group', id: world.channelId }, mentioned: false });
    expect(mention).toMatchObject({ senderId: bob!.pubkey, peer: { kind: 'group', id: world.channelId }, mentioned: true });
    await h.adapter.send({ to: mention!.peer, text: 'I think so' });
    expect(world.sentTo(world.channelId)).toEqual(['I think so']);
  });

  it('starts with one relay down, and says which', async () => {
    await world.relays[1]!.close();
    const h = await start();
    expect(h.adapter.describe?.()).toMatchObject({ relays: [world.relays[0]!.url] });
    expect(h.logs.some((l) => l.msg.includes('unreachable'))).toBe(true);
    await expect(start({ relays: ['ws://127.0.0.1:9'] })).rejects.toThrow(/Could not connect to any Nostr relay/);
  });

  it('restarts when a relay drops, and refuses bad targets', async () => {
    const h = await start();
    const failed = h.nextFailure(5000);
    world.relays[0]!.drop();
    expect((await failed).message).toMatch(/closed the connection/);
    await expect(h.adapter.send({ to: { kind: 'direct', id: 'alice' }, text: 'x' })).rejects.toMatchObject({ name: 'ChannelPermanentError' });
  });
});
