import type { ChannelTestDriver } from '../channel-driver.js';
import { FakeTelegram } from './fake-telegram.js';

const USERS = [
  { id: 1001, first_name: 'Ada', last_name: 'Lovelace', username: 'ada' },
  { id: 1002, first_name: 'Brian', username: 'brian_k' },
  { id: 1003, first_name: 'Chen' },
] as const;
/** A supergroup: Telegram gives those -100… ids. */
const GROUP_ID = -1005001;

/** The driver plus the fake behind it, for tests that need more than the driver interface. */
export interface TelegramTestDriver extends ChannelTestDriver {
  /** The running fake; throws before `start()`. */
  fake(): FakeTelegram;
}

/**
 * Plays Telegram for gateway-level tests: three users with private chats
 * and a supergroup they all belong to, in front of the real adapter. Group
 * messages reach the bot whether or not they mention it (as with privacy
 * mode off), so core's mention gating is what gets tested.
 */
export function createTelegramDriver(): TelegramTestDriver {
  let fake: FakeTelegram | undefined;
  const running = (): FakeTelegram => {
    if (!fake) throw new Error('Telegram driver not started');
    return fake;
  };
  const user = (id: string): number => {
    const n = Number(id);
    if (!USERS.some((u) => u.id === n)) throw new Error(`unknown Telegram test user ${id}`);
    return n;
  };
  return {
    channel: 'telegram',
    ids: { users: USERS.map((u) => String(u.id)) as [string, string, string], group: String(GROUP_ID) },
    async start() {
      fake = await FakeTelegram.start();
      for (const u of USERS) fake.api.addUser({ ...u });
      fake.api.addChat({ id: GROUP_ID, type: 'supergroup', title: 'OpenClaw Test Group' });
      return { botToken: fake.token, apiRoot: fake.apiRoot };
    },
    async sendDirect(from, text) {
      const id = user(from);
      await running().post({ chat: id, from: id, text });
    },
    async sendGroup(from, text, mention) {
      const f = running();
      await f.post({ chat: GROUP_ID, from: user(from), ...(mention ? f.mention(text) : { text }) });
    },
    sentTo(peerId) {
      return fake ? fake.api.sentTo(peerId).map((s) => s.text) : [];
    },
    async waitForSent(peerId, count, timeoutMs = 5000) {
      const f = running();
      await f.waitUntil(() => (f.api.sentTo(peerId).length >= count ? true : undefined), timeoutMs, `${count} message(s) to ${peerId}`);
      return f.api.sentTo(peerId).map((s) => s.text);
    },
    fault: {
      kinds: ['drop', 'stall', '5xx'],
      async set(kind, on) {
        running().setFault(kind, on);
      },
    },
    fake: running,
    async close() {
      await fake?.close();
      fake = undefined;
    },
  };
}
