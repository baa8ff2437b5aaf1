/**
 * The Mattermost side of gateway-level tests: three users and the team's
 * Town Square on a fake Mattermost server, with the bundled Mattermost plugin
 * pointed at it. DMs are read from each user's direct channel with the bot.
 */
import type { ChannelTestDriver } from '../channel-driver.js';
import { FakeMattermost } from './fake-mattermost.js';

/** A `ChannelTestDriver` for Mattermost, plus the running fake. */
export interface MattermostTestDriver extends ChannelTestDriver {
  fake(): FakeMattermost;
}

export function createMattermostDriver(): MattermostTestDriver {
  const fake = new FakeMattermost();
  const channelOf = (peerId: string) => (fake.users.has(peerId) ? fake.directChannel(fake.bot.id, peerId).id : peerId);
  const sentTo = (peerId: string) =>
    fake.botPostsIn(channelOf(peerId)).map((p) => p.message);

  return {
    channel: 'mattermost',
    ids: { users: fake.humans.map((h) => h.id) as [string, string, string], group: fake.town.id },
    async start() {
      await fake.listen();
      return { serverUrl: fake.serverUrl, botToken: fake.token };
    },
    async sendDirect(user, text) {
      fake.say({ from: user, channelId: fake.directChannel(fake.bot.id, user).id, text });
    },
    async sendGroup(user, text, mention) {
      fake.say({ from: user, channelId: fake.town.id, text: mention ? `@${fake.bot.username} ${text}` : text });
    },
    sentTo,
    async waitForSent(peerId, count, timeoutMs = 5000) {
      await fake.waitUntil(() => sentTo(peerId).length >= count, `${count} post(s) to ${peerId}`, timeoutMs);
      return sentTo(peerId);
    },
    fault: {
      kinds: ['drop', 'stall', '5xx'],
      async set(kind, on) {
        fake.setFault(kind, on);
      },
    },
    fake: () => fake,
    close: () => fake.close(),
  };
}
