import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelPermanentError } from '../../../src-shared/domain/channel.js';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { startFakeMessages, type FakeMessages } from '../../../test-support/fake-imessage/fake-messages-server.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { createIMessageChannel } from './index.js';

const createIMessagePlugin = (opts?: Parameters<typeof createIMessageChannel>[0]) => asChannelPlugin(createIMessageChannel(opts));

const plugin = createIMessagePlugin({ platform: 'darwin', killAfterMs: 500 });
const ANN = '+15550002001';
const BOB = '+15550002002';

let fake: FakeMessages;
let dataDir: string;
const harnesses: AdapterHarness[] = [];

function makeAdapter(extra: Record<string, unknown> = {}): AdapterHarness {
  const h = createAdapterHarness(plugin, { ...fake.config, livenessMs: 900, ...extra }, { dataDir });
  harnesses.push(h);
  return h;
}

async function startAdapter(extra: Record<string, unknown> = {}): Promise<AdapterHarness> {
  const h = makeAdapter(extra);
  await h.adapter.start();
  return h;
}

beforeEach(async () => {
  fake = await startFakeMessages();
  fake.addGroup(42, [ANN, BOB], 'Family');
  dataDir = mkdtempSync(join(tmpdir(), 'openclaw-imessage-test-'));
});

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('iMessage outside macOS', () => {
  it('says plainly that it needs a Mac, in checkConfig and on start', async () => {
    const linux = createIMessagePlugin({ platform: 'linux' });
    const reason = 'iMessage is only available on macOS (this computer runs linux).';
    expect(linux.checkConfig({}, { platform: 'linux' })).toEqual({ ok: false, reason });
    const h = createAdapterHarness(linux, {});
    await expect(h.adapter.start()).rejects.toThrow(reason);
    await h.close();
  });

  it('the default plugin judges the platform it is asked about, and checks its keys', () => {
    const mac = createIMessagePlugin();
    expect(mac.checkConfig({}, { platform: 'darwin' })).toEqual({ ok: true });
    expect(mac.checkConfig({}, { platform: 'win32' })).toMatchObject({ ok: false, reason: expect.stringContaining('win32') });
    expect(mac.checkConfig({ service: 'fax' }, { platform: 'darwin' })).toMatchObject({ ok: false, reason: expect.stringContaining('service') });
  });
});

describe('iMessage inbound', () => {
  it('Ann texts the Mac: the adapter emits a direct message keyed by her number', async () => {
    const h = await startAdapter();
    const row = fake.receive({ from: ANN, text: 'hi there' });
    const [msg] = await h.nextInbound();
    expect(msg).toMatchObject({
      channel: 'imessage',
      messageId: row.guid,
      senderId: ANN,
      peer: { kind: 'direct', id: ANN },
      text: 'hi there',
      timestampMs: Date.parse(row.created_at),
    });
  });

  it('Bob writes in the family group: peer chat_id:42, not mentioned; tapbacks and our own sends are ignored', async () => {
    const h = await startAdapter();
    await h.adapter.send({ to: { kind: 'group', id: 'chat_id:42' }, text: 'from the assistant' });
    fake.receive({ from: BOB, text: 'Loved “x”', chatId: 42, reaction: true });
    fake.receive({ from: BOB, text: 'dinner at 7?', chatId: 42 });
    const [msg] = await h.nextInbound();
    expect(msg).toMatchObject({ peer: { kind: 'group', id: 'chat_id:42' }, senderId: BOB, text: 'dinner at 7?', mentioned: false });
    expect(h.inbound).toHaveLength(1);
  });

  it('skips what imsg should never print: not JSON, not an object, a message without sender, an orphan error', async () => {
    const h = await startAdapter();
    fake.writeRaw('this is not json');
    fake.writeRaw('[1,2,3]');
    fake.writeRaw(JSON.stringify({ jsonrpc: '2.0', method: 'message', params: { subscription: 1, message: { id: 999, guid: 'X', text: 'no sender' } } }));
    fake.writeRaw(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
    fake.receive({ from: ANN, text: 'still here' });
    const [msg] = await h.nextInbound();
    expect(msg.text).toBe('still here');
    expect(h.inbound).toHaveLength(1);
    const warnings = h.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings.filter((m) => m === 'imsg wrote a line that is not JSON-RPC; skipped')).toHaveLength(3);
    expect(warnings.filter((m) => m === 'imsg message skipped')).toHaveLength(1);
    expect(h.failures).toEqual([]);
  });
});

describe('iMessage outbound', () => {
  it('a direct reply goes to the handle with the configured service and region; a group reply to chat_id', async () => {
    const h = await startAdapter({ service: 'imessage', region: 'us' });
    const direct = await h.adapter.send({ to: { kind: 'direct', id: ANN }, text: 'hello Ann' });
    const group = await h.adapter.send({ to: { kind: 'group', id: 'chat_id:42' }, text: 'hello all' });
    expect(fake.sent).toEqual([
      { peer: ANN, text: 'hello Ann', params: { to: ANN, text: 'hello Ann', service: 'imessage', region: 'US' } },
      { peer: 'chat_id:42', text: 'hello all', params: { chat_id: 42, text: 'hello all' } },
    ]);
    expect(direct.messageId).toBe(fake.messages.find((m) => m.text === 'hello Ann')?.guid);
    expect(group.messageId).toMatch(/^FAKE-/);
  });

  it('maps errors: unknown chat and impossible ids are permanent, a Messages outage is retryable', async () => {
    const h = await startAdapter();
    await expect(h.adapter.send({ to: { kind: 'group', id: 'chat_id:777' }, text: 'x' })).rejects.toBeInstanceOf(ChannelPermanentError);
    await expect(h.adapter.send({ to: { kind: 'group', id: 'not-a-chat' }, text: 'x' })).rejects.toBeInstanceOf(ChannelPermanentError);
    fake.setFault('5xx', true);
    const outage = await h.adapter.send({ to: { kind: 'direct', id: ANN }, text: 'x' }).catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(Error);
    expect(outage).not.toBeInstanceOf(ChannelPermanentError);
    expect((outage as Error).message).toMatch(/Internal error/);
    fake.setFault('5xx', false);
    await expect(h.adapter.send({ to: { kind: 'direct', id: ANN }, text: 'after' })).resolves.toHaveProperty('messageId');
    expect(fake.sent.map((s) => s.text)).toEqual(['after']);
  });
});

describe('iMessage process lifecycle', () => {
  it('a missing imsg fails start with install advice', async () => {
    const h = createAdapterHarness(plugin, { cliPath: join(dataDir, 'no-such-imsg') }, { dataDir });
    harnesses.push(h);
    await expect(h.adapter.start()).rejects.toThrow(/imsg was not found .*brew install steipete\/tap\/imsg/);
  });

  it('an imsg that exits at once fails start with what it printed', async () => {
    const h = createAdapterHarness(plugin, { cliPath: fake.config.cliPath, dbPath: join(dataDir, 'missing.db') }, { dataDir });
    harnesses.push(h);
    await expect(h.adapter.start()).rejects.toThrow(/unable to open database file/);
  });

  it('imsg dying later is reported once through ctx.fail with its stderr, phone numbers masked', async () => {
    const h = await startAdapter();
    fake.drop('Error: database is locked while reading +15550009999');
    const err = await h.nextFailure();
    expect(err.message).toMatch(/imsg exited \(code 1\): Error: database is locked while reading \+1555\*\*\*9999/);
    expect(h.failures).toHaveLength(1);
  });

  it('a watch error notification is a failure too', async () => {
    const h = await startAdapter();
    fake.writeRaw(JSON.stringify({ jsonrpc: '2.0', method: 'error', params: { subscription: 1, error: { message: 'authorization denied' } } }));
    expect((await h.nextFailure()).message).toMatch(/imsg watch stopped: authorization denied/);
  });

  it('drop, then restart: messages received while down arrive after the restart, none lost', async () => {
    const first = await startAdapter();
    fake.receive({ from: ANN, text: 'one' });
    await first.nextInbound();
    fake.drop();
    await first.nextFailure();
    await first.close();
    // The supervisor would now start a new instance; meanwhile people keep writing.
    fake.receive({ from: ANN, text: 'two' });
    fake.receive({ from: BOB, text: 'three', chatId: 42 });
    const second = makeAdapter();
    const caughtUp = second.nextInbound(2);
    await second.adapter.start();
    const msgs = await caughtUp;
    expect(msgs.map((m) => m.text)).toEqual(['two', 'three']);
    fake.receive({ from: ANN, text: 'four' });
    expect((await second.nextInbound())[0].text).toBe('four');
  });

  it('stall: probes go unanswered so heartbeats stop; afterwards they resume and held messages arrive', async () => {
    const h = await startAdapter({ livenessMs: 600 });
    await h.nextHeartbeats(2, 2000);
    fake.setFault('stall', true);
    // Let an in-flight answer land, then expect silence for more than the liveness bound.
    await h.nextHeartbeats(1, 400).catch(() => undefined);
    fake.receive({ from: ANN, text: 'during stall' });
    await expect(h.nextHeartbeats(1, 900)).rejects.toThrow(/timed out/);
    fake.setFault('stall', false);
    const [msg] = await h.nextInbound(1, 3000);
    expect(msg.text).toBe('during stall');
    await h.nextHeartbeats(1, 2000);
  });

  it('stop ends imsg with SIGTERM, or SIGKILL when it does not listen, and no emit follows', async () => {
    const h = await startAdapter();
    await fake.ignoreSigterm();
    const began = Date.now();
    await h.adapter.stop();
    expect(Date.now() - began).toBeGreaterThanOrEqual(450);
    await expect.poll(() => fake.live()).toBe(0);
    await h.adapter.stop();
    fake.receive({ from: ANN, text: 'after stop' });
    expect(h.inbound).toEqual([]);
    expect(h.failures).toEqual([]);
  });
});
