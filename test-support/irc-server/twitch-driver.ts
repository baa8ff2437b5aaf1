/**
 * `ChannelTestDriver` for Twitch: a real IRC server (ngIRCd) behind a Twitch-
 * style IRC-over-WebSocket gateway, with the bundled Twitch plugin (tmi.js)
 * pointed at it, three people on plain IRC connections in one room, and a fake
 * of the Twitch HTTP endpoints the plugin calls (the token check, and Helix
 * with the EventSub WebSocket for whispers: `fake-twitch-api.ts`).
 *
 * IRC keeps nothing for a client that is not connected, so to model "the
 * platform holds messages during a fault" the people wait: what they say while
 * the bot is away (dropped, stalled, restarting) is said once they see the bot
 * join the room again.
 */
import { waitForPeerTexts, type ChannelTestDriver } from '../channel-driver.js';
import { startFakeTwitchApi, type FakeTwitchId } from './fake-twitch-api.js';
import { IrcUser } from './irc-user.js';
import { startIrcWebSocketGateway, startNgircd, type IrcServer, type IrcWebSocketGateway } from './ngircd.js';

export const TWITCH_BOT_LOGIN = 'openclawbot';
const USERS: [string, string, string] = ['ann', 'bob', 'cat'];
const ROOM = '#openclawtv';

export type { FakeTwitchId } from './fake-twitch-api.js';

/** Twitch's token check, Helix and EventSub for one bot token; `revoke()` makes it answer 401. */
export function startFakeTwitchId(token: string, login = TWITCH_BOT_LOGIN): Promise<FakeTwitchId> {
  return startFakeTwitchApi(token, login, USERS);
}

/** Everything a Twitch test needs: the IRC server, the WebSocket gateway, the token check. */
export interface TwitchWorld {
  irc: IrcServer;
  gateway: IrcWebSocketGateway;
  id: FakeTwitchId;
  /** `channels.twitch` for the plugin. */
  config: Record<string, unknown>;
  close(): Promise<void>;
}

export async function startTwitchWorld(): Promise<TwitchWorld> {
  const token = `tok${Math.random().toString(36).slice(2)}`;
  const irc = await startNgircd({ password: `oauth:${token}` });
  const gateway = await startIrcWebSocketGateway(irc);
  const id = await startFakeTwitchId(token);
  return {
    irc,
    gateway,
    id,
    config: { accessToken: token, channels: [ROOM], chatUrl: `ws://${gateway.host}:${gateway.port}`, apiRoot: id.baseUrl, eventSubUrl: id.eventSubUrl },
    async close() {
      await gateway.close();
      await id.close();
      await irc.close();
    },
  };
}

/** The Twitch driver, with its servers reachable for tests that need more than the common faults. */
export type TwitchDriver = ChannelTestDriver & { world(): TwitchWorld | undefined };

/** `scopes`: the bot token's scopes (chat only by default, so direct messages are IRC private messages). */
export function createTwitchDriver(opts: { scopes?: string[] } = {}): TwitchDriver {
  let world: TwitchWorld | undefined;
  const people = new Map<string, IrcUser>();
  const held: { user: string; target: string; text: string }[] = [];
  // The bot is "back" once a JOIN of it is seen after this many presence events.
  let awaySince: number | undefined;
  let stalled = false;
  let flushing = false;

  const watcher = () => people.get(USERS[0])!;
  const botPresent = () => {
    const p = watcher().presence;
    const from = awaySince ?? 0;
    const mine = p.slice(from).filter((e) => e.nick === TWITCH_BOT_LOGIN);
    return awaySince === undefined ? true : mine.length > 0 && mine.at(-1)!.joined;
  };
  const flush = async () => {
    if (flushing) return;
    flushing = true;
    try {
      while (held.length) {
        await watcher().until(() => (!stalled && botPresent() ? true : undefined), 2 ** 31 - 1, 'the bot to be back');
        awaySince = undefined;
        const m = held.shift()!;
        people.get(m.user)!.say(m.target, m.text);
      }
    } finally {
      flushing = false;
    }
  };
  const say = async (user: string, target: string, text: string) => {
    const person = people.get(user);
    if (!person) throw new Error(`unknown user ${user}`);
    if (!stalled && awaySince === undefined && held.length === 0) return person.say(target, text);
    held.push({ user, target, text });
    void flush();
  };
  const sentTo = (peerId: string): string[] => {
    if (peerId.startsWith('#')) return watcher().seen.filter((m) => m.from === TWITCH_BOT_LOGIN && m.target === peerId).map((m) => m.text);
    const person = people.get(peerId);
    return person ? person.seen.filter((m) => m.from === TWITCH_BOT_LOGIN && m.target === peerId).map((m) => m.text) : [];
  };

  return {
    channel: 'twitch',
    world: () => world,
    ids: { users: USERS, group: ROOM },
    async start() {
      world = await startTwitchWorld();
      if (opts.scopes) world.id.scopes = opts.scopes;
      for (const nick of USERS) {
        const person = new IrcUser(nick, { host: world.irc.host, port: world.irc.port, password: `oauth:${world.id.token}` });
        await person.login();
        await person.join(ROOM);
        people.set(nick, person);
      }
      // The bot is not in the room yet: hold what people say until it joins.
      awaySince = 0;
      return { enabled: true, ...world.config, livenessMs: 3000 };
    },
    async sendDirect(user, text) {
      await say(user, TWITCH_BOT_LOGIN, text);
    },
    async sendGroup(user, text, mention) {
      await say(user, ROOM, mention ? `@${TWITCH_BOT_LOGIN} ${text}` : text);
    },
    sentTo,
    waitForSent: (peerId, count, timeoutMs = 5000) =>
      waitForPeerTexts({
        texts: () => sentTo(peerId),
        count,
        peerId,
        timeoutMs,
        nextSend: (left) => {
          const seen = [...people.values()].reduce((n, p) => n + p.seen.length, 0);
          return Promise.race([...people.values()].map((p) => p.until(() => ([...people.values()].reduce((n, q) => n + q.seen.length, 0) > seen ? true : undefined), left, 'a message')));
        },
      }),
    fault: {
      kinds: ['drop', 'stall'],
      async set(kind, on) {
        const w = world;
        if (!w) throw new Error('Twitch driver not started');
        if (kind === 'drop') {
          awaySince = watcher().presence.length;
          w.gateway.drop();
        } else if (kind === 'stall') {
          if (on) awaySince = watcher().presence.length;
          stalled = on;
          w.gateway.stall(on);
          if (!on) void flush();
        }
      },
    },
    async close() {
      for (const p of people.values()) p.close();
      people.clear();
      await world?.close();
      world = undefined;
    },
  };
}
