/**
 * The Signal side of gateway-level tests: three contacts and a group on a
 * fake signal-cli HTTP daemon, with the bundled Signal plugin pointed at it
 * (`httpUrl`, `account`). Keep-alives every 200 ms, so the short liveness
 * bounds of the fault tests hold.
 */
import type { ChannelTestDriver } from '../channel-driver.js';
import { FakeSignalCli } from './fake-signal-cli.js';

/** A `ChannelTestDriver` for Signal, plus the running fake. */
export interface SignalTestDriver extends ChannelTestDriver {
  fake(): FakeSignalCli;
}

export function createSignalDriver(): SignalTestDriver {
  const fake = new FakeSignalCli({ keepAliveMs: 200 });
  const sentTo = (peer: string) => fake.sentTo(peer);
  return {
    channel: 'signal',
    ids: { users: fake.humans.map((h) => h.number) as [string, string, string], group: fake.groupId },
    async start() {
      await fake.listen();
      return { httpUrl: fake.httpUrl, account: fake.account };
    },
    async sendDirect(user, text) {
      fake.say({ from: user, text });
    },
    async sendGroup(user, text, mention) {
      fake.say({ from: user, text, group: true, mention });
    },
    sentTo,
    async waitForSent(peerId, count, timeoutMs = 5000) {
      await fake.waitUntil(() => sentTo(peerId).length >= count, `${count} message(s) to ${peerId}`, timeoutMs);
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
