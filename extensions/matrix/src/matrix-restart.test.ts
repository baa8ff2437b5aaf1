// The second client runs in this process, on Node 20 too.
import './node-compat.js';
import { ClientEvent, createClient, MatrixEventEvent, MatrixScheduler, SyncState, type MatrixClient, type MatrixEvent } from 'matrix-js-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { lastUserText } from '../../../test-support/channel-gateway.js';
import { createMatrixDriver, type MatrixTestDriver } from '../../../test-support/fake-matrix/driver.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { spawnGateway, type SpawnedGateway } from '../../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../../test-support/state-dir.js';
import { Waiters } from '../../../test-support/wait-until.js';

/**
 * A real gateway process (the bundled plugin from dist) in an encrypted
 * conversation with a real second matrix-js-sdk client; the gateway is
 * stopped and a new process starts on the same state dir. The bot is the
 * same device with the same keys, and the message sent after the restart is
 * decrypted and answered, encrypted, without any new verification; also
 * after a kill -9.
 */
describe('Matrix encryption across a gateway restart', () => {
  let driver: MatrixTestDriver | undefined;
  let model: FakeOpenAIServer | undefined;
  let s: TempState | undefined;
  let g: SpawnedGateway | undefined;
  let human: MatrixClient | undefined;

  afterEach(async () => {
    human?.stopClient();
    if (g && g.child.exitCode === null) {
      g.child.kill('SIGTERM');
      await g.exited;
    }
    await driver?.close();
    await model?.close();
    s?.cleanup();
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('keeps the device and its keys, and answers the message sent after a restart (%s)', async (signal) => {
    driver = createMatrixDriver();
    const config = await driver.start();
    const fake = driver.fake();
    const bot = driver.bot.userId;
    const eve = fake.addUser('eve', { displayname: 'Eve' });
    const room = fake.addRoom(eve.userId, { members: [bot], encrypted: true, name: 'Secret' });
    model = new FakeOpenAIServer({ script: (req) => ({ text: `reply: ${lastUserText(req.messages)}` }) });
    await model.start();
    s = makeTempState({
      gateway: { auth: { mode: 'token', token: 'matrix-restart-token' } },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
      channels: { matrix: { ...config, encryption: true, dmPolicy: 'open', allowFrom: ['*'] } },
    });

    g = await spawnGateway(s.env, ['--port', '0']);
    await fake.waitFor(() => fake.world.devicesOf(bot)[0]?.deviceKeys, 20_000, 'the bot device keys');
    const device = fake.world.devicesOf(bot)[0]!;
    const keysBefore = JSON.stringify(device.deviceKeys);

    human = createClient({ baseUrl: fake.baseUrl, userId: eve.userId, deviceId: eve.deviceId, accessToken: eve.accessToken, scheduler: new MatrixScheduler(undefined, () => null) });
    await human.initRustCrypto({ useIndexedDB: false });
    const prepared = new Promise<void>((resolve) => human!.on(ClientEvent.Sync, (st) => st === SyncState.Prepared && resolve()));
    await human.startClient({ initialSyncLimit: 0 });
    await prepared;
    // A reply can arrive before its room key; the SDK decrypts it once the key comes.
    const replies: string[] = [];
    const waiters = new Waiters();
    const seen = new Set<string>();
    const onDecrypted = (e: MatrixEvent) => {
      if (e.getSender() !== bot || e.getType() !== 'm.room.message' || seen.has(e.getId()!)) return;
      seen.add(e.getId()!);
      replies.push(String(e.getContent().body));
      waiters.notify();
    };
    human.on(MatrixEventEvent.Decrypted, onDecrypted);
    human.on(ClientEvent.Event, (e) => void human!.decryptEventIfNeeded(e).then(() => onDecrypted(e)));
    const replyCount = (n: number) => waiters.until(() => (replies.length >= n ? true : undefined), 30_000, `${n} decrypted replies`);

    await human.sendEvent(room, 'm.room.message' as never, { msgtype: 'm.text', body: 'first secret' } as never);
    await replyCount(1);
    expect(replies).toEqual(['reply: first secret']);

    // SIGKILL: no goodbye; what was saved after the last processed sync must be enough.
    g.child.kill(signal);
    await g.exited;
    g = await spawnGateway(s.env, ['--port', '0']);

    await human.sendEvent(room, 'm.room.message' as never, { msgtype: 'm.text', body: 'second secret' } as never);
    await waiters.until(() => (replies.includes('reply: second secret') ? true : undefined), 30_000, 'the reply after the restart');
    // Every reply decrypts. A kill can land after the first reply reached the homeserver but before the
    // gateway recorded it as sent; that reply then goes out again (at least once, never lost).
    const expected = signal === 'SIGKILL' && replies.length === 3 ? ['reply: first secret', 'reply: first secret', 'reply: second secret'] : ['reply: first secret', 'reply: second secret'];
    expect(replies).toEqual(expected);
    expect(fake.messagesFrom(bot, room).every((m) => m.type === 'm.room.encrypted')).toBe(true);
    expect(fake.world.devicesOf(bot).map((d) => d.deviceId)).toEqual([device.deviceId]);
    expect(JSON.stringify(fake.world.devicesOf(bot)[0]!.deviceKeys)).toBe(keysBefore);
  }, 90_000);
});
