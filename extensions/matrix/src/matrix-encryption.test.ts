import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientEvent, createClient, MatrixScheduler, SyncState, type MatrixClient } from 'matrix-js-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { createMatrixDriver, type MatrixTestDriver } from '../../../test-support/fake-matrix/driver.js';
import { CRYPTO_STORE_FILE } from './crypto.js';
import { matrixChannel } from './index.js';

/**
 * End-to-end encryption as far as a fake homeserver can honestly show it:
 * the bot's Rust crypto uploads device keys, and a second, real
 * matrix-js-sdk client with its own Rust crypto encrypts a Megolm message
 * to it through the same server (keys query and claim, to-device room key);
 * the bot decrypts it and core gets the plain text.
 */
describe('Matrix end-to-end encryption', () => {
  let driver: MatrixTestDriver;
  let harness: AdapterHarness | undefined;
  let human: MatrixClient | undefined;

  let dataDir: string | undefined;

  afterEach(async () => {
    human?.stopClient();
    await harness?.close();
    await driver.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  /** Eve's real client with its own Rust crypto, synced and ready to encrypt. */
  const startHuman = async (fake: ReturnType<MatrixTestDriver['fake']>, eve: { userId: string; deviceId: string; accessToken: string }) => {
    const c = createClient({ baseUrl: fake.baseUrl, userId: eve.userId, deviceId: eve.deviceId, accessToken: eve.accessToken, scheduler: new MatrixScheduler(undefined, () => null) });
    await c.initRustCrypto({ useIndexedDB: false });
    const prepared = new Promise<void>((resolve) => c.on(ClientEvent.Sync, (s) => s === SyncState.Prepared && resolve()));
    await c.startClient({ initialSyncLimit: 0 });
    await prepared;
    return c;
  };
  /** Resolves with the body of the next message from `sender` that `c` decrypts. */
  const nextDecrypted = (c: MatrixClient, sender: string) =>
    new Promise<string>((resolve) =>
      c.on(ClientEvent.Event, (e) => {
        void c.decryptEventIfNeeded(e).then(() => {
          if (e.getSender() === sender && e.getType() === 'm.room.message') resolve(String(e.getContent().body));
        });
      }),
    );

  it('keeps its device and keys across a restart and reads the conversation on without re-verification', async () => {
    driver = createMatrixDriver();
    const config = await driver.start();
    const fake = driver.fake();
    const eve = fake.addUser('eve', { displayname: 'Eve' });
    const room = fake.addRoom(eve.userId, { members: [driver.bot.userId], encrypted: true, name: 'Secret' });
    dataDir = mkdtempSync(join(tmpdir(), 'openclaw-matrix-restart-'));

    harness = createAdapterHarness(asChannelPlugin(matrixChannel), { ...config, encryption: true }, { dataDir });
    await harness.adapter.start();
    const deviceId = harness.adapter.describe!().deviceId;
    const botDevice = fake.world.devicesOf(driver.bot.userId)[0]!;
    await fake.waitFor(() => botDevice.deviceKeys, 10_000, 'the bot device keys');
    const keysBefore = JSON.stringify(botDevice.deviceKeys);

    human = await startHuman(fake, eve);
    await human.sendEvent(room, 'm.room.message' as never, { msgtype: 'm.text', body: 'first secret' } as never);
    expect((await harness.nextInbound(1, 20_000))[0]).toMatchObject({ text: 'first secret' });

    // The gateway restarts: the adapter stops, and a new one starts on the same data folder.
    await harness.close();
    expect(existsSync(join(dataDir, CRYPTO_STORE_FILE))).toBe(true);
    expect(statSync(join(dataDir, CRYPTO_STORE_FILE)).mode & 0o777).toBe(0o600);
    harness = createAdapterHarness(asChannelPlugin(matrixChannel), { ...config, encryption: true }, { dataDir });
    await harness.adapter.start();
    expect(harness.adapter.describe!()).toMatchObject({ deviceId, encryption: 'on' });

    await human.sendEvent(room, 'm.room.message' as never, { msgtype: 'm.text', body: 'second secret, after the restart' } as never);
    const [msg] = await harness.nextInbound(1, 20_000);
    expect(msg).toMatchObject({ senderId: eve.userId, text: 'second secret, after the restart' });
    expect(harness.logs.filter((l) => /decrypt/i.test(l.msg) && l.level !== 'debug')).toEqual([]);

    const decrypted = nextDecrypted(human, driver.bot.userId);
    await harness.adapter.send({ to: msg!.peer, text: 'still here' });
    expect(await decrypted).toBe('still here');
    // Same device, same identity keys: nothing new was uploaded for it, so Eve's client needed no new verification.
    expect(fake.world.devicesOf(driver.bot.userId)).toHaveLength(1);
    expect(JSON.stringify(fake.world.devicesOf(driver.bot.userId)[0]!.deviceKeys)).toBe(keysBefore);
  }, 60_000);

  it('decrypts a Megolm message a real second client encrypted for the bot, and answers encrypted', async () => {
    driver = createMatrixDriver();
    const config = await driver.start();
    const fake = driver.fake();
    const eve = fake.addUser('eve', { displayname: 'Eve' });
    const room = fake.addRoom(eve.userId, { members: [driver.bot.userId], encrypted: true, name: 'Secret' });

    harness = createAdapterHarness(asChannelPlugin(matrixChannel), { ...config, encryption: true });
    await harness.adapter.start();
    expect(harness.adapter.describe!().encryption).toBe('on');
    const botDevice = fake.world.devicesOf(driver.bot.userId)[0]!;
    await fake.waitFor(() => botDevice.deviceKeys, 10_000, 'the bot device keys');
    expect(botDevice.deviceKeys).toMatchObject({ user_id: driver.bot.userId, device_id: botDevice.deviceId, algorithms: expect.arrayContaining(['m.megolm.v1.aes-sha2']) });

    human = createClient({ baseUrl: fake.baseUrl, userId: eve.userId, deviceId: eve.deviceId, accessToken: eve.accessToken, scheduler: new MatrixScheduler(undefined, () => null) });
    await human.initRustCrypto({ useIndexedDB: false });
    const prepared = new Promise<void>((resolve) => human!.on(ClientEvent.Sync, (s) => s === SyncState.Prepared && resolve()));
    await human.startClient({ initialSyncLimit: 0 });
    await prepared;
    await human.sendEvent(room, 'm.room.message' as never, { msgtype: 'm.text', body: 'the launch code is 1234' } as never);

    const [stored] = fake.messagesFrom(eve.userId, room);
    expect(stored!.type).toBe('m.room.encrypted');
    expect(JSON.stringify(stored!.content)).not.toContain('launch code');
    const [msg] = await harness.nextInbound(1, 20_000);
    expect(msg).toMatchObject({ senderId: eve.userId, peer: { kind: 'direct', id: eve.userId }, text: 'the launch code is 1234' });

    // The answer goes back encrypted, and the human's client reads it.
    const decrypted = new Promise<string>((resolve) =>
      human!.on(ClientEvent.Event, (e) => {
        void human!.decryptEventIfNeeded(e).then(() => {
          if (e.getSender() === driver.bot.userId && e.getType() === 'm.room.message') resolve(String(e.getContent().body));
        });
      }),
    );
    await harness.adapter.send({ to: msg!.peer, text: 'noted <b>quietly</b>' });
    const [reply] = fake.messagesFrom(driver.bot.userId, room);
    expect(reply!.type).toBe('m.room.encrypted');
    expect(JSON.stringify(reply!.content)).not.toContain('quietly');
    expect(await decrypted).toBe('noted quietly');
  }, 40_000);
});
