/**
 * The Slack side of gateway-level tests: three people (U0001–U0003) who DM
 * the bot or talk in #general (C0001), against the real Slack plugin pointed
 * at a {@link FakeSlack}.
 */
import type { ChannelTestDriver } from '../channel-driver.js';
import { FakeSlack, type FakeSlackOptions } from './fake-slack.js';

/** Options for {@link createSlackDriver}. */
export interface SlackDriverOptions extends FakeSlackOptions {
  /** Liveness bound written into the returned config; small so fault tests run fast. */
  livenessMs?: number;
}

/** A driver with its fake platform exposed, for tests that need more than the common interface. */
export interface SlackTestDriver extends ChannelTestDriver {
  /** The running fake (after `start()`). */
  fake(): FakeSlack;
}

/** A {@link ChannelTestDriver} for Slack. */
export function createSlackDriver(opts: SlackDriverOptions = {}): SlackTestDriver {
  let fake: FakeSlack | undefined;
  const need = (): FakeSlack => {
    if (!fake) throw new Error('Slack driver not started');
    return fake;
  };
  const users: [string, string, string] = ['U0001', 'U0002', 'U0003'];
  const group = 'C0001';
  return {
    channel: 'slack',
    ids: { users, group },
    async start() {
      fake = await FakeSlack.start(opts);
      return { botToken: fake.botToken, appToken: fake.appToken, apiRoot: fake.apiRoot, livenessMs: opts.livenessMs ?? 3000 };
    },
    async sendDirect(user, text) {
      need().sayDirect(user, text);
    },
    async sendGroup(user, text, mention) {
      need().say({ user, channel: group, text, mention });
    },
    sentTo(peerId) {
      return need()
        .postedTo(peerId)
        .map((m) => m.text);
    },
    async waitForSent(peerId, count, timeoutMs) {
      return (await need().waitForPosted(peerId, count, timeoutMs)).map((m) => m.text);
    },
    fault: {
      kinds: ['drop', 'stall', '5xx'],
      async set(kind, on) {
        need().setFault(kind, on);
      },
    },
    fake: need,
    async close() {
      await fake?.close();
      fake = undefined;
    },
  };
}
