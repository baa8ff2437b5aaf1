/**
 * `ChannelTestDriver` for iMessage: the real adapter runs the fake `imsg`
 * CLI, whose Messages database is a fake server in this process.
 */
import { waitForPeerTexts, type ChannelTestDriver } from '../channel-driver.js';
import { startFakeMessages, type FakeMessages } from './fake-messages-server.js';

const USERS: [string, string, string] = ['+15550002001', '+15550002002', '+15550002003'];
const GROUP_CHAT_ID = 42;
/** iMessage has no mentions; group messages "mention" the assistant by this name (configured as mentionNames). */
export const IMESSAGE_DRIVER_BOT_NAME = 'openclaw';

/** A fake Mac with three contacts and one group chat (`chat_id:42`) they are all in. */
export function createIMessageDriver(): ChannelTestDriver {
  let fake: FakeMessages | undefined;
  const need = (): FakeMessages => {
    if (!fake) throw new Error('iMessage driver not started');
    return fake;
  };
  const sentTo = (peerId: string) => need().sent.filter((s) => s.peer === peerId).map((s) => s.text);
  return {
    channel: 'imessage',
    ids: { users: USERS, group: `chat_id:${GROUP_CHAT_ID}` },
    async start() {
      fake = await startFakeMessages();
      fake.addGroup(GROUP_CHAT_ID, [...USERS], 'OpenClaw test group');
      // Short liveness so stalls are noticed quickly in gateway-level fault tests.
      return { enabled: true, ...fake.config, mentionNames: [IMESSAGE_DRIVER_BOT_NAME], livenessMs: 3000 };
    },
    async sendDirect(user, text) {
      need().receive({ from: user, text });
    },
    async sendGroup(user, text, mention) {
      need().receive({ from: user, text: mention ? `@${IMESSAGE_DRIVER_BOT_NAME} ${text}` : text, chatId: GROUP_CHAT_ID });
    },
    sentTo,
    waitForSent: (peerId, count, timeoutMs = 5000) =>
      waitForPeerTexts({ texts: () => sentTo(peerId), count, peerId, timeoutMs, nextSend: (left) => need().waitForSent(need().sent.length + 1, left) }),
    fault: {
      kinds: ['drop', 'stall', '5xx'],
      async set(kind, on) {
        if (kind === 'drop') need().drop();
        else need().setFault(kind, on);
      },
    },
    async close() {
      await fake?.close();
      fake = undefined;
    },
  };
}
