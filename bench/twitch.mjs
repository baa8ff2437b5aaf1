// Twitch end to end with an instant model: people on plain IRC connections to a real IRC server
// (ngIRCd, behind Twitch's IRC-over-WebSocket framing) send the bot private messages; the real
// gateway (its own process) reads them through tmi.js, runs the turn and answers with a PRIVMSG.
// Baseline in the same run: a bare tmi.js echo bot on the same server.
//
//   node scripts/build-node.mjs && node bench/twitch.mjs [--quick]       → bench/results/twitch.json
import tmi from 'tmi.js';
import { USERS, keyCounter, loadTs, runAsScript, runChannelBench } from './channel-bench.mjs';

async function startTwitch() {
  const { 'twitch-world': { startTwitchWorld, TWITCH_BOT_LOGIN }, 'irc-user': { IrcUser } } = await loadTs({
    'twitch-world': 'test-support/irc-server/twitch-driver.ts',
    'irc-user': 'test-support/irc-server/irc-user.ts',
  });
  const world = await startTwitchWorld();
  const people = new Map();
  for (let i = 0; i < USERS; i++) {
    const person = new IrcUser(`viewer${i}`, { host: world.irc.host, port: world.irc.port, password: `oauth:${world.id.token}` });
    await person.login();
    people.set(person.nick, { person, replies: keyCounter(() => person.seen, (m) => (m.from === TWITCH_BOT_LOGIN ? 'bot' : undefined)) });
  }
  return {
    world,
    login: TWITCH_BOT_LOGIN,
    users: [...people.keys()],
    send: async (user, text) => people.get(user).person.say(TWITCH_BOT_LOGIN, text),
    replies: (user) => people.get(user).replies('bot'),
    waitFor: (user, check, timeoutMs) => people.get(user).person.until(() => (check() ? true : undefined), timeoutMs, 'a reply'),
    channelConfig: async () => world.config,
    async close() {
      for (const { person } of people.values()) person.close();
      await world.close();
    },
  };
}

/** The floor: tmi.js logged in as the bot, answering every private message with a PRIVMSG. */
async function echoBot({ world, login }) {
  const chat = new URL(world.config.chatUrl);
  const client = new tmi.Client({
    options: { skipUpdatingEmotesets: true, skipMembership: true },
    connection: { server: chat.hostname, port: Number(chat.port), secure: false, reconnect: false },
    identity: { username: login, password: `oauth:${world.id.token}` },
    channels: [],
    logger: { info() {}, warn() {}, error() {} },
  });
  // A standard IRC server waits for capability negotiation to end and for USER; Twitch does not.
  client.on('logon', () => setImmediate(() => void client.raw('CAP END').then(() => client.raw(`USER ${login} 0 * :${login}`)).catch(() => undefined)));
  client.on('raw_message', (_copy, line) => {
    if (line.command !== 'PRIVMSG' || line.params[0] !== login) return;
    void client.raw(`PRIVMSG ${line.prefix.split('!')[0]} :echo: ${line.params[1]}`).catch(() => undefined);
  });
  await client.connect();
  return async () => {
    await client.disconnect().catch(() => undefined);
  };
}

export const runTwitchBench = (opts) => runChannelBench({ id: 'twitch', start: startTwitch, echoBot }, opts);

await runAsScript(import.meta.url, 'twitch', runTwitchBench);
