import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isChannelAuthError, isChannelPermanentError, isChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { createMatrixDriver, type MatrixTestDriver } from '../../../test-support/fake-matrix/driver.js';
import { matrixChannel } from './index.js';

async function waitUntil(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const plugin = () => asChannelPlugin(matrixChannel);

describe('Matrix adapter against a fake homeserver', () => {
  let driver: MatrixTestDriver;
  const harnesses: AdapterHarness[] = [];
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'openclaw-matrix-test-'));
    dirs.push(d);
    return d;
  };
  const start = async (config: Record<string, unknown>, dataDir?: string) => {
    const h = createAdapterHarness(plugin(), config, { dataDir });
    harnesses.push(h);
    await h.adapter.start();
    return h;
  };

  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
    await driver.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('resumes from the kept sync token after a restart: nothing replayed, nothing lost', async () => {
    driver = createMatrixDriver();
    const config = await driver.start();
    const dataDir = dir();
    const [alice] = driver.ids.users;
    driver.fake().say(alice, driver.dmRoom(alice), { msgtype: 'm.text', body: 'old history' });
    const first = await start(config, dataDir);
    await driver.sendDirect(alice, 'one');
    expect((await first.nextInbound())[0]!.text).toBe('one');
    // The read receipt is the ack, sent once core has the message.
    await driver.fake().waitFor(() => driver.fake().world.rooms.get(driver.dmRoom(alice))?.receipts.get(driver.bot.userId));
    await first.nextHeartbeats(1);
    await first.adapter.stop();
    expect(JSON.parse(readFileSync(join(dataDir, 'sync.json'), 'utf8')).nextBatch).toMatch(/^s\d+$/);

    await driver.sendDirect(alice, 'two, while down');
    const second = await start(config, dataDir);
    const [again] = await second.nextInbound();
    expect(again!.text).toBe('two, while down');
    expect(second.inbound.map((m) => m.text)).toEqual(['two, while down']);
    expect(first.inbound.map((m) => m.text)).toEqual(['one']);
  });

  it('an image or file a person sends arrives as an attachment with its mxc:// URL, type, name and size', async () => {
    driver = createMatrixDriver();
    const h = await start(await driver.start());
    const [alice] = driver.ids.users;
    const room = driver.dmRoom(alice);
    driver.fake().say(alice, room, { msgtype: 'm.image', body: 'cat.png', url: 'mxc://fake.local/cat1', info: { mimetype: 'image/png', size: 2048, w: 64, h: 64 } });
    driver.fake().say(alice, room, { msgtype: 'm.file', body: 'notes.pdf', url: 'mxc://fake.local/notes1', info: { mimetype: 'application/pdf', size: 10 } });
    const [image, file] = await h.nextInbound(2);
    expect(image).toMatchObject({ senderId: alice, peer: { kind: 'direct', id: alice }, attachments: [{ kind: 'image', url: 'mxc://fake.local/cat1', mimeType: 'image/png', name: 'cat.png', sizeBytes: 2048 }] });
    expect(file).toMatchObject({ attachments: [{ kind: 'file', url: 'mxc://fake.local/notes1', mimeType: 'application/pdf', name: 'notes.pdf', sizeBytes: 10 }] });
  });

  it('logs in with a password once and keeps the token in the data folder (0600), never in the log', async () => {
    driver = createMatrixDriver();
    const config = await driver.start();
    driver.fake().world.users.get(driver.bot.userId)!.password = 'pw-s3cret';
    const dataDir = dir();
    const h = await start({ homeserverUrl: config.homeserverUrl, userId: config.userId, password: 'pw-s3cret', livenessMs: 3000 }, dataDir);
    const session = JSON.parse(readFileSync(join(dataDir, 'session.json'), 'utf8')) as { accessToken: string; deviceId: string };
    expect(statSync(join(dataDir, 'session.json')).mode & 0o777).toBe(0o600);
    expect(driver.fake().world.deviceByToken(session.accessToken)?.userId).toBe(driver.bot.userId);
    await h.adapter.stop();
    const logins = () => driver.fake().requests.filter((r) => r.path.endsWith('/login') && r.method === 'POST').length;
    expect(logins()).toBe(1);
    await start({ homeserverUrl: config.homeserverUrl, userId: config.userId, password: 'pw-s3cret', livenessMs: 3000 }, dataDir);
    expect(logins()).toBe(1);
    const logText = JSON.stringify(harnesses.flatMap((x) => x.logs));
    expect(logText).not.toContain(session.accessToken);
    expect(logText).not.toContain('pw-s3cret');
  });

  it('a revoked token stops the account with a plain-words auth error', async () => {
    driver = createMatrixDriver();
    const h = await start(await driver.start());
    driver.fake().revokeToken(driver.bot.accessToken);
    const err = await h.nextFailure(10_000);
    expect(isChannelAuthError(err)).toBe(true);
    expect(err.message).toMatch(/rejected the access token of @openclaw:fake\.local/);
    await expect(start({ ...(await Promise.resolve(h.ctx.config)) })).rejects.toSatisfy((e: Error) => isChannelAuthError(e));
  });

  it('M_LIMIT_EXCEEDED becomes a rate-limit error carrying retry_after_ms', async () => {
    driver = createMatrixDriver();
    const h = await start(await driver.start());
    driver.fake().rateLimitSends(1, 1234);
    const err = await h.adapter.send({ to: { kind: 'group', id: driver.ids.group }, text: 'hi' }).catch((e: Error) => e);
    expect(isChannelRateLimitError(err)).toBe(true);
    expect((err as unknown as { retryAfterMs: number }).retryAfterMs).toBe(1234);
    await h.adapter.send({ to: { kind: 'group', id: driver.ids.group }, text: 'hi' });
    expect(driver.sentTo(driver.ids.group)).toEqual(['hi']);
  });

  it('threads, replies, HTML and typing go out as Matrix expects', async () => {
    driver = createMatrixDriver();
    const h = await start(await driver.start());
    const [alice, bob] = driver.ids.users;
    const root = driver.fake().say(bob, driver.ids.group, { msgtype: 'm.text', body: 'root' });
    driver.fake().say(bob, driver.ids.group, {
      msgtype: 'm.text',
      body: 'in thread, hey @openclaw:fake.local',
      'm.relates_to': { rel_type: 'm.thread', event_id: root.event_id, is_falling_back: true, 'm.in_reply_to': { event_id: root.event_id } },
    });
    const msgs = await h.nextInbound(2);
    expect(msgs[1]).toMatchObject({ threadId: root.event_id, mentioned: true, peer: { kind: 'group', id: driver.ids.group } });
    expect(msgs[1]!.replyToMessageId).toBeUndefined();
    await h.adapter.sendTyping!({ kind: 'direct', id: alice });
    expect(driver.fake().world.rooms.get(driver.dmRoom(alice))!.typing.has(driver.bot.userId)).toBe(true);
    await h.adapter.send({ to: { kind: 'group', id: driver.ids.group }, threadId: root.event_id, text: 'a <b>bold</b> & <a href="https://x.test/">link</a>\nline' });
    const [sent] = driver.fake().messagesFrom(driver.bot.userId, driver.ids.group);
    expect(sent!.content).toMatchObject({
      body: 'a bold & link (https://x.test/)\nline',
      format: 'org.matrix.custom.html',
      formatted_body: 'a <b>bold</b> &amp; <a href="https://x.test/">link</a><br>line'.replace('&amp;', '&'),
      'm.relates_to': { rel_type: 'm.thread', event_id: root.event_id },
    });
  });

  it('accepts a DM invite, records it in m.direct, and answers there', async () => {
    driver = createMatrixDriver();
    const h = await start(await driver.start());
    const dave = driver.fake().addUser('dave').userId;
    const room = driver.fake().addRoom(dave, { invited: [driver.bot.userId], direct: true });
    await driver.fake().waitFor(() => (driver.fake().world.membership(room, driver.bot.userId) === 'join' ? true : undefined));
    await driver.fake().waitFor(() => driver.fake().world.users.get(driver.bot.userId)!.accountData.get('m.direct'));
    driver.fake().say(dave, room, { msgtype: 'm.text', body: 'hello' });
    const [m] = await h.nextInbound();
    expect(m).toMatchObject({ peer: { kind: 'direct', id: dave }, senderId: dave });
    await h.adapter.send({ to: { kind: 'direct', id: dave }, text: 'hi dave' });
    expect(driver.fake().messagesFrom(driver.bot.userId, room).map((e) => e.content.body)).toEqual(['hi dave']);
  });

  it('an encrypted room without encryption turned on is reported in plain words, and nothing is sent in the clear', async () => {
    driver = createMatrixDriver();
    const h = await start(await driver.start());
    const [, bob] = driver.ids.users;
    const room = driver.fake().addRoom(bob, { members: [driver.bot.userId], encrypted: true, name: 'Secret' });
    driver.fake().say(bob, room, { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgA', sender_key: 'k', session_id: 's', device_id: 'D' }, 'm.room.encrypted');
    await waitUntil(() => h.adapter.describe!().problems !== undefined);
    expect(h.adapter.describe!().problems).toEqual([`Room "Secret" (${room}) is encrypted; set channels.matrix.encryption to true to read it.`]);
    const err = await h.adapter.send({ to: { kind: 'group', id: room }, text: 'leak?' }).catch((e: Error) => e);
    expect(isChannelPermanentError(err)).toBe(true);
    expect((err as Error).message).toMatch(/is encrypted; set channels\.matrix\.encryption to true/);
    expect(driver.fake().messagesFrom(driver.bot.userId, room)).toEqual([]);
  });
});
