// Matrix end to end with an instant model: people write in their two-person rooms with the bot on
// the fake homeserver; the real gateway (its own process) reads them through matrix-js-sdk's
// `/sync` long poll, runs the turn and answers with a room send. Baseline in the same run: a bare
// matrix-js-sdk echo bot on the same homeserver (sync, answer every live message from someone else).
//
//   node scripts/build-node.mjs && node bench/matrix.mjs [--quick]       → bench/results/matrix.json
import { USERS, keyCounter, loadTs, runAsScript, runChannelBench } from './channel-bench.mjs';

const SERVER = 'fake.local';

/** The fake homeserver, and the SDK prepared as the plugin prepares it (Node 20 polyfill, quiet global logger). */
async function loadMatrix() {
  const m = await loadTs({
    'fake-homeserver': 'test-support/fake-matrix/fake-homeserver.ts',
    'matrix-node-compat': 'extensions/matrix/src/node-compat.ts',
    'matrix-sdk-logger': 'extensions/matrix/src/sdk-logger.ts',
  });
  m['matrix-sdk-logger'].silenceGlobalSdkLogger();
  return { FakeHomeserver: m['fake-homeserver'].FakeHomeserver, sdk: await import('matrix-js-sdk') };
}

async function startMatrix() {
  const { FakeHomeserver, sdk } = await loadMatrix();
  const fake = await FakeHomeserver.start({ serverName: SERVER });
  const bot = fake.addUser('openclaw', { displayname: 'OpenClaw' });
  const rooms = new Map();
  for (let i = 0; i < USERS; i++) {
    const user = fake.addUser(`user${i}`).userId;
    const roomId = fake.addRoom(user, { members: [bot.userId] });
    const timeline = () => fake.world.rooms.get(roomId).timeline;
    rooms.set(user, { roomId, replies: keyCounter(timeline, (s) => (s.event.sender === bot.userId && s.event.type === 'm.room.message' ? 'bot' : undefined)) });
  }
  return {
    fake,
    sdk,
    bot,
    users: [...rooms.keys()],
    send: async (user, text) => void fake.say(user, rooms.get(user).roomId, { msgtype: 'm.text', body: text }),
    replies: (user) => rooms.get(user).replies('bot'),
    waitFor: (_user, check, timeoutMs) => fake.waitFor(() => (check() ? true : undefined), timeoutMs, 'a reply'),
    channelConfig: async () => ({ homeserverUrl: fake.baseUrl, userId: bot.userId, accessToken: bot.accessToken }),
    close: () => fake.close(),
  };
}

/** The floor: matrix-js-sdk syncing as the bot, answering every live message of someone else in the same room. */
async function echoBot({ fake, sdk, bot }) {
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, getChild: () => quiet };
  const client = sdk.createClient({ baseUrl: fake.baseUrl, userId: bot.userId, deviceId: bot.deviceId, accessToken: bot.accessToken, useAuthorizationHeader: true, logger: quiet });
  client.on(sdk.RoomEvent.Timeline, (event, room, toStart, removed, data) => {
    if (toStart || removed || !data?.liveEvent || !room || event.getSender() === bot.userId || event.getType() !== 'm.room.message') return;
    void client.sendMessage(room.roomId, { msgtype: 'm.text', body: `echo: ${event.getContent().body}` }).catch(() => undefined);
  });
  const prepared = new Promise((resolve) => client.on(sdk.ClientEvent.Sync, (state) => state === sdk.SyncState.Prepared && resolve()));
  await client.startClient({ initialSyncLimit: 0, disablePresence: true, lazyLoadMembers: false, threadSupport: false });
  await prepared;
  return async () => client.stopClient();
}

export const runMatrixBench = (opts) => runChannelBench({ id: 'matrix', start: startMatrix, echoBot }, opts);

await runAsScript(import.meta.url, 'matrix', runMatrixBench);
