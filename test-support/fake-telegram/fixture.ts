import { telegramChannel } from '../../extensions/telegram/src/index.js';
import { asChannelPlugin } from '../channel-plugin.js';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { FakeTelegram } from './fake-telegram.js';

/** Ids of the fixture's people and chats. */
export const IDS = {
  ada: 1001,
  brian: 1002,
  chen: 1003,
  /** Another bot in the group. */
  otherBot: 1999,
  group: -1005001,
  forum: -1005002,
  channel: -1005003,
} as const;

/** A started fake with people and chats, and a way to run the real adapter against it. */
export interface TelegramFixture {
  fake: FakeTelegram;
  /** The account config pointing at the fake (`livenessMs: 3000`, so polls return every second). */
  config(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Creates the adapter through the real plugin; `close()` of the fixture closes it too. */
  harness(extra?: Record<string, unknown>, opts?: Parameters<typeof createAdapterHarness>[2]): AdapterHarness;
  /** Starts an adapter and waits for it to be connected. */
  started(extra?: Record<string, unknown>, opts?: Parameters<typeof createAdapterHarness>[2]): Promise<AdapterHarness>;
  close(): Promise<void>;
}

/**
 * Ada, Brian and Chen with private chats; a supergroup, a forum supergroup
 * and a channel with all of them; another bot in the group.
 */
export async function startTelegramFixture(): Promise<TelegramFixture> {
  const fake = await FakeTelegram.start();
  fake.api.addUser({ id: IDS.ada, first_name: 'Ada', last_name: 'Lovelace', username: 'ada' });
  fake.api.addUser({ id: IDS.brian, first_name: 'Brian', username: 'brian_k' });
  fake.api.addUser({ id: IDS.chen, first_name: '', username: 'chen' });
  fake.api.addUser({ id: IDS.otherBot, first_name: 'Other Bot', username: 'other_bot', is_bot: true });
  fake.api.addChat({ id: IDS.group, type: 'supergroup', title: 'Team' });
  fake.api.addChat({ id: IDS.forum, type: 'supergroup', title: 'Forum', is_forum: true });
  fake.api.addChat({ id: IDS.channel, type: 'channel', title: 'OpenClaw News', username: 'openclaw_news' });
  const harnesses: AdapterHarness[] = [];
  const config = (extra: Record<string, unknown> = {}) => ({ botToken: fake.token, apiRoot: fake.apiRoot, livenessMs: 3000, ...extra });
  const harness: TelegramFixture['harness'] = (extra, opts) => {
    const h = createAdapterHarness(asChannelPlugin(telegramChannel), config(extra), opts);
    harnesses.push(h);
    return h;
  };
  return {
    fake,
    config,
    harness,
    async started(extra, opts) {
      const h = harness(extra, opts);
      await h.adapter.start();
      return h;
    },
    async close() {
      await Promise.all(harnesses.map((h) => h.close()));
      await fake.close();
    },
  };
}
