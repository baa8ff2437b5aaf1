import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isChannelAuthError, isChannelPermanentError, isChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { FakeMattermost } from '../../../test-support/fake-mattermost/fake-mattermost.js';
import { mattermostChannel } from './channel.js';

/**
 * The real adapter (Client4 + the WebSocket protocol) against a local
 * Mattermost fake: users post, the adapter emits; core sends, posts appear.
 */
describe('mattermost adapter', () => {
  let mm: FakeMattermost;
  let h: AdapterHarness;
  let dataDir: string;
  const start = async (extra: Record<string, unknown> = {}) => {
    h = createAdapterHarness(asChannelPlugin(mattermostChannel), { serverUrl: mm.serverUrl, botToken: mm.token, livenessMs: 3000, ...extra }, { dataDir });
    await h.adapter.start();
  };

  beforeEach(async () => {
    mm = await FakeMattermost.start();
    dataDir = mkdtempSync(join(tmpdir(), 'openclaw-mattermost-test-'));
  });
  afterEach(async () => {
    await h?.close();
    await mm.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a DM becomes a direct message from the user; a channel post is gated by @-mention; a thread reply carries its root', async () => {
    await start();
    const [alice, bob] = mm.humans;
    const dm = mm.directChannel(mm.bot.id, alice!.id);
    mm.say({ from: alice!.id, channelId: dm.id, text: 'hello there' });
    const [direct] = await h.nextInbound();
    expect(direct).toMatchObject({ channel: 'mattermost', senderId: alice!.id, senderName: 'alice', peer: { kind: 'direct', id: alice!.id }, text: 'hello there' });

    const root = mm.say({ from: bob!.id, channelId: mm.town.id, text: '@openclaw what time is it?' });
    mm.say({ from: bob!.id, channelId: mm.town.id, text: 'just chatting' });
    mm.say({ from: bob!.id, channelId: mm.town.id, text: 'follow-up', rootId: root.id });
    const [asked, chat, reply] = await h.nextInbound(3);
    expect(asked).toMatchObject({ peer: { kind: 'channel', id: mm.town.id }, mentioned: true, messageId: root.id });
    expect(chat).toMatchObject({ mentioned: false });
    expect(reply).toMatchObject({ threadId: root.id, mentioned: false });
  });

  it('files posted with a message arrive as attachments whose URL serves them to the bot', async () => {
    await start();
    const [alice] = mm.humans;
    const dm = mm.directChannel(mm.bot.id, alice!.id);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    mm.say({ from: alice!.id, channelId: dm.id, text: 'see attached', files: [{ name: 'chart.png', mimeType: 'image/png', bytes: png }, { name: 'notes.pdf', mimeType: 'application/pdf', bytes: Buffer.from('%PDF-1.4') }] });
    mm.say({ from: alice!.id, channelId: dm.id, text: '', files: [{ name: 'only.png', mimeType: 'image/png', bytes: png }] });
    const [withText, fileOnly] = await h.nextInbound(2);
    const [image, pdf] = withText!.attachments!;
    expect(withText).toMatchObject({ text: 'see attached', attachments: [{ kind: 'image', mimeType: 'image/png', name: 'chart.png', sizeBytes: png.length }, { kind: 'file', mimeType: 'application/pdf', name: 'notes.pdf' }] });
    expect(image!.url).toMatch(new RegExp(`^${mm.serverUrl}/api/v4/files/[a-z0-9]{26}$`));
    expect(fileOnly).toMatchObject({ text: '', attachments: [{ kind: 'image', name: 'only.png' }] });
    // The URL is the server's own, readable with the bot's token.
    const res = await fetch(pdf!.url!, { headers: { authorization: `Bearer ${mm.token}` } });
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('%PDF-1.4');
  });

  it('its own posts are not echoed back as inbound', async () => {
    await start();
    await h.adapter.send({ to: { kind: 'channel', id: mm.town.id }, text: 'from the bot' });
    mm.say({ from: mm.humans[0]!.id, channelId: mm.town.id, text: 'from a human' });
    const [only] = await h.nextInbound();
    expect(only!.text).toBe('from a human');
    expect(h.inbound).toHaveLength(1);
  });

  it('sends to a user through their DM channel (opened once), into a thread, and shows typing over the socket', async () => {
    await start();
    const [alice] = mm.humans;
    const { messageId } = await h.adapter.send({ to: { kind: 'direct', id: alice!.id }, text: '**done**' });
    await h.adapter.send({ to: { kind: 'direct', id: alice!.id }, text: 'again' });
    const dm = mm.directChannel(mm.bot.id, alice!.id);
    expect(mm.botPostsIn(dm.id).map((p) => [p.id === messageId || p.message === 'again', p.message])).toEqual([[true, '**done**'], [true, 'again']]);
    expect(mm.calls.filter((c) => c.path === '/api/v4/channels/direct')).toHaveLength(1);

    const root = mm.say({ from: alice!.id, channelId: mm.town.id, text: '@openclaw thread please' });
    await h.adapter.send({ to: { kind: 'channel', id: mm.town.id }, threadId: root.id, text: 'in the thread' });
    expect(mm.botPostsIn(mm.town.id).at(-1)).toMatchObject({ root_id: root.id, message: 'in the thread' });

    await h.adapter.sendTyping!({ kind: 'channel', id: mm.town.id }, root.id);
    await mm.waitUntil(() => mm.typing.length > 0, 'a typing action');
    expect(mm.typing).toEqual([{ channelId: mm.town.id, parentId: root.id, via: 'ws' }]);
  });

  it('a 429 becomes a rate-limit error carrying X-Ratelimit-Reset; a bad target is permanent', async () => {
    await start();
    mm.rateLimit = { remaining: 1, resetSeconds: 7 };
    const err = await h.adapter.send({ to: { kind: 'channel', id: mm.town.id }, text: 'x' }).catch((e: unknown) => e);
    expect(isChannelRateLimitError(err)).toBe(true);
    expect((err as { retryAfterMs: number }).retryAfterMs).toBe(7000);
    await h.adapter.send({ to: { kind: 'channel', id: mm.town.id }, text: 'after the wait' });
    const missing = await h.adapter.send({ to: { kind: 'channel', id: 'zzzzzzzzzzzzzzzzzzzzzzzzzz' }, text: 'x' }).catch((e: unknown) => e);
    expect(isChannelPermanentError(missing)).toBe(true);
  });

  it('a revoked token stops the account with what to do, and a bad token fails start as an auth error', async () => {
    await start();
    mm.revokeToken();
    const err = await h.adapter.send({ to: { kind: 'channel', id: mm.town.id }, text: 'x' }).catch((e: unknown) => e);
    expect(isChannelAuthError(err)).toBe(true);
    // Told once, by whichever noticed first (the failed send or the refused reconnect).
    const failure = h.failures[0] ?? (await h.nextFailure());
    expect(isChannelAuthError(failure)).toBe(true);
    expect(failure.message).toMatch(/channels\.mattermost\.botToken/);

    const bad = createAdapterHarness(asChannelPlugin(mattermostChannel), { serverUrl: mm.serverUrl, botToken: 'nope', livenessMs: 3000 });
    const refused = await bad.adapter.start().catch((e: unknown) => e);
    expect(isChannelAuthError(refused)).toBe(true);
    await bad.close();
  });

  it('after a dropped socket, posts made meanwhile are read back from history, each once', async () => {
    await start();
    const [alice] = mm.humans;
    const dm = mm.directChannel(mm.bot.id, alice!.id);
    mm.say({ from: alice!.id, channelId: dm.id, text: 'before' });
    await h.nextInbound();
    const opened = mm.connectionsOpened;
    mm.setFault('drop', true);
    mm.say({ from: alice!.id, channelId: dm.id, text: 'during 1' });
    mm.say({ from: alice!.id, channelId: dm.id, text: 'during 2' });
    const got = await h.nextInbound(2);
    expect(got.map((m) => m.text)).toEqual(['during 1', 'during 2']);
    expect(mm.connectionsOpened).toBeGreaterThan(opened);
    mm.say({ from: alice!.id, channelId: dm.id, text: 'after' });
    await h.nextInbound();
    expect(h.inbound.map((m) => m.text)).toEqual(['before', 'during 1', 'during 2', 'after']);
  });

  it('a restarted adapter reads back what was posted while it was down (cursor kept in its data folder)', async () => {
    await start();
    const [, bob] = mm.humans;
    mm.say({ from: bob!.id, channelId: mm.town.id, text: '@openclaw first' });
    await h.nextInbound();
    await h.adapter.stop();
    mm.say({ from: bob!.id, channelId: mm.town.id, text: '@openclaw while down' });
    await start();
    const [missed] = await h.nextInbound();
    expect(missed).toMatchObject({ text: '@openclaw while down', peer: { kind: 'channel', id: mm.town.id }, mentioned: true });
  });
});
