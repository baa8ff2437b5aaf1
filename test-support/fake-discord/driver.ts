/**
 * The Discord side of gateway-level tests: three users and a guild text
 * channel on a fake Discord, with the real Discord plugin pointed at it.
 *
 * Faults: `drop` closes every gateway socket (discord.js RESUMEs and Discord
 * replays what was said meanwhile); `stall` makes the gateway silent (no
 * HELLO, ACKs or dispatches; REST keeps working) until turned off, and what
 * was said is delivered when the same session resumes; `5xx` makes REST
 * answer 502 (the gateway keeps delivering). As on Discord, a fresh session
 * (a restarted adapter) gets no replay; the adapter reads the gap back from
 * channel history for channels it had heard from.
 */
import type { ChannelTestDriver } from '../channel-driver.js';
import { FakeWorld, startFakeDiscord, type FakeDiscord } from './fake-discord.js';

/** Options for {@link createDiscordDriver}. */
export interface DiscordDriverOptions {
  /** HELLO's heartbeat interval; also how fast a stalled socket is noticed (about twice this). */
  heartbeatIntervalMs?: number;
}

/** A `ChannelTestDriver` for Discord, plus access to the fake for extra checks. */
export interface DiscordTestDriver extends ChannelTestDriver {
  /** The running fake (after `start()`). */
  fake(): FakeDiscord;
}

export function createDiscordDriver(opts: DiscordDriverOptions = {}): DiscordTestDriver {
  const world = new FakeWorld();
  let fake: FakeDiscord | undefined;
  const running = (): FakeDiscord => {
    if (!fake) throw new Error('discord driver: start() first');
    return fake;
  };
  const channelOf = (peerId: string) => (world.users.has(peerId) ? world.dmChannelFor(peerId).id : peerId);
  const sentTo = (peerId: string) => running().sentIn(channelOf(peerId)).map((s) => s.content);

  return {
    channel: 'discord',
    ids: { users: world.humans, group: world.channelId },
    async start() {
      fake = await startFakeDiscord({ world, heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 500 });
      return { token: fake.token, apiRoot: fake.apiRoot };
    },
    async sendDirect(user, text) {
      running().say({ from: user, in: 'dm', text });
    },
    async sendGroup(user, text, mention) {
      running().say({ from: user, in: world.channelId, text, mentionBot: mention });
    },
    sentTo,
    async waitForSent(peerId, count, timeoutMs = 5000) {
      await running().waitUntil(() => sentTo(peerId).length >= count, `${count} message(s) to ${peerId}`, timeoutMs);
      return sentTo(peerId);
    },
    fault: {
      kinds: ['drop', 'stall', '5xx'],
      async set(kind, on) {
        const f = running();
        if (kind === 'drop') {
          if (on) f.drop();
        } else if (kind === 'stall') f.setStalled(on);
        else f.setOutage(on);
      },
    },
    fake: running,
    async close() {
      await fake?.close();
      fake = undefined;
    },
  };
}
