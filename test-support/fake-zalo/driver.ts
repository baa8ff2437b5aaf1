/**
 * `ChannelTestDriver` for Zalo: the bundled Zalo plugin against the fake Bot
 * API, three users in private chats with the bot and one group they share.
 * Users' messages wait on the fake until the bot polls for them.
 */
import { waitForPeerTexts, type ChannelTestDriver } from '../channel-driver.js';
import { FAKE_ZALO_BOT, FakeZalo } from './fake-zalo.js';

const USERS = [
  { id: '5100000000000000001', name: 'Anh' },
  { id: '5100000000000000002', name: 'Bao' },
  { id: '5100000000000000003', name: 'Chi' },
];
const GROUP = 'g7700000000000000001';

export function createZaloDriver(): ChannelTestDriver & { fake(): FakeZalo } {
  let fake: FakeZalo | undefined;
  const need = (): FakeZalo => {
    if (!fake) throw new Error('Zalo driver not started');
    return fake;
  };
  const user = (id: string) => {
    const u = USERS.find((x) => x.id === id);
    if (!u) throw new Error(`unknown Zalo user ${id}`);
    return u;
  };
  const sentTo = (peerId: string) =>
    need()
      .sent.filter((s) => s.chatId === peerId)
      .map((s) => s.text);
  return {
    channel: 'zalo',
    ids: { users: USERS.map((u) => u.id) as [string, string, string], group: GROUP },
    fake: need,
    async start() {
      fake = new FakeZalo();
      await fake.start();
      return { enabled: true, botToken: fake.token, apiRoot: fake.baseUrl, pollTimeoutSeconds: 1, livenessMs: 3000 };
    },
    async sendDirect(id, text) {
      need().userMessage(user(id), text);
    },
    async sendGroup(id, text, mention) {
      need().userMessage(user(id), mention ? `@${FAKE_ZALO_BOT.account_name} ${text}` : text, GROUP);
    },
    sentTo,
    waitForSent: (peerId, count, timeoutMs = 5000) =>
      waitForPeerTexts({ texts: () => sentTo(peerId), count, peerId, timeoutMs, nextSend: (left) => need().waitForSent(need().sent.length + 1, left) }),
    fault: {
      kinds: ['drop', 'stall', '5xx'],
      async set(kind, on) {
        need().setFault(kind, on);
      },
    },
    async close() {
      await fake?.close();
      fake = undefined;
    },
  };
}
