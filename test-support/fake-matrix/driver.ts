/**
 * The Matrix side of gateway-level tests: three people (alice, bob, carol)
 * who each share a two-person room with the bot and all sit in one group
 * room, against the real Matrix plugin (matrix-js-sdk) pointed at a
 * {@link FakeHomeserver}.
 */
import type { ChannelTestDriver } from '../channel-driver.js';
import { FakeHomeserver } from './fake-homeserver.js';

const SERVER = 'fake.local';

/** Options for {@link createMatrixDriver}. */
export interface MatrixDriverOptions {
  /** Liveness bound written into the returned config; small so fault tests run fast. */
  livenessMs?: number;
}

/** A driver with its fake homeserver exposed, for tests that need more than the common interface. */
export interface MatrixTestDriver extends ChannelTestDriver {
  fake(): FakeHomeserver;
  /** The bot's user id and token on the fake. */
  bot: { userId: string; accessToken: string };
  /** The DM room of one of `ids.users`. */
  dmRoom(user: string): string;
}

/** A {@link ChannelTestDriver} for Matrix. */
export function createMatrixDriver(opts: MatrixDriverOptions = {}): MatrixTestDriver {
  let fake: FakeHomeserver | undefined;
  const need = (): FakeHomeserver => {
    if (!fake) throw new Error('Matrix driver not started');
    return fake;
  };
  const users: [string, string, string] = [`@alice:${SERVER}`, `@bob:${SERVER}`, `@carol:${SERVER}`];
  const group = `!group:${SERVER}`;
  const bot = { userId: `@openclaw:${SERVER}`, accessToken: '' };
  const dms = new Map<string, string>();

  /** Rooms where the bot and `user` are the only two people (joined or invited). */
  const roomsWith = (user: string): string[] => {
    const w = need().world;
    return [...w.rooms.keys()].filter((roomId) => {
      const people = [...(w.rooms.get(roomId)?.state.values() ?? [])].filter((e) => e.type === 'm.room.member' && (e.content.membership === 'join' || e.content.membership === 'invite')).map((e) => e.state_key);
      return people.length === 2 && people.includes(user) && people.includes(bot.userId);
    });
  };
  const textsTo = (peerId: string): string[] => {
    const rooms = peerId.startsWith('@') ? roomsWith(peerId) : [peerId];
    return rooms
      .flatMap((r) => need().messagesFrom(bot.userId, r))
      .sort((a, b) => a.origin_server_ts - b.origin_server_ts)
      .map((e) => String(e.content.body ?? ''));
  };

  return {
    channel: 'matrix',
    ids: { users, group },
    bot,
    async start() {
      fake = await FakeHomeserver.start({ serverName: SERVER });
      const b = fake.addUser('openclaw', { displayname: 'OpenClaw' });
      bot.accessToken = b.accessToken;
      for (const u of users) fake.addUser(u.slice(1, u.indexOf(':')));
      for (const u of users) dms.set(u, fake.addRoom(u, { members: [bot.userId] }));
      fake.addRoom(users[0], { roomId: group, name: 'Team', members: [bot.userId, users[1], users[2]] });
      return { homeserverUrl: fake.baseUrl, userId: bot.userId, accessToken: bot.accessToken, livenessMs: opts.livenessMs ?? 3000 };
    },
    async sendDirect(user, text) {
      need().say(user, this.dmRoom(user), { msgtype: 'm.text', body: text });
    },
    async sendGroup(user, text, mention) {
      const content: Record<string, unknown> = mention
        ? { msgtype: 'm.text', body: `OpenClaw: ${text}`, 'm.mentions': { user_ids: [bot.userId] } }
        : { msgtype: 'm.text', body: text, 'm.mentions': {} };
      need().say(user, group, content);
    },
    sentTo: textsTo,
    async waitForSent(peerId, count, timeoutMs = 10_000) {
      return need().waitFor(() => {
        const texts = textsTo(peerId);
        return texts.length >= count ? texts : undefined;
      }, timeoutMs, `${count} message(s) to ${peerId}`);
    },
    fault: {
      kinds: ['drop', 'stall', '5xx'],
      async set(kind, on) {
        need().setFault(kind, on);
      },
    },
    fake: need,
    dmRoom(user) {
      const room = dms.get(user);
      if (!room) throw new Error(`no DM room for ${user}`);
      return room;
    },
    async close() {
      await fake?.close();
      fake = undefined;
    },
  };
}
