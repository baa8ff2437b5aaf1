/**
 * `ChannelTestDriver` for Microsoft Teams: the real plugin against the fake
 * Bot Framework (OpenID keys, token endpoint, Bot Connector), with
 * activities signed and POSTed to the bot's messaging endpoint as the
 * connector would. The group is a team channel: every reply there lands in
 * the thread of the post it answers.
 */
import { waitForPeerTexts, type ChannelTestDriver } from '../channel-driver.js';
import { freePort } from '../free-port.js';
import { startFakeTeams, type FakeTeams } from './fake-teams.js';

const USERS: [string, string, string] = ['29:1001', '29:1002', '29:1003'];
const GROUP = '19:general@thread.tacv2';

/** Three users with personal chats with the bot, and one team channel they share with it. */
export function createMsTeamsDriver(): ChannelTestDriver {
  let fake: FakeTeams | undefined;
  const need = (): FakeTeams => {
    if (!fake) throw new Error('Teams driver not started');
    return fake;
  };
  const sentTo = (peerId: string) => {
    const conversation = peerId.startsWith('29:') ? need().personalConversation(peerId) : peerId;
    return need()
      .messages()
      .filter((p) => p.conversation === conversation)
      .map((p) => p.text);
  };
  return {
    channel: 'msteams',
    ids: { users: USERS, group: GROUP },
    async start() {
      fake = await startFakeTeams({ conversations: [GROUP] });
      const port = await freePort();
      fake.setWebhook(`http://127.0.0.1:${port}/api/messages`);
      // Short liveness so stalls are noticed quickly in gateway-level fault tests.
      return { enabled: true, ...fake.adapterConfig({ port }), livenessMs: 3000 };
    },
    async sendDirect(user, text) {
      need().deliver(need().dmActivity(user, text));
    },
    async sendGroup(user, text, mention) {
      need().deliver(need().channelActivity(user, GROUP, text, { mention }));
    },
    sentTo,
    waitForSent: (peerId, count, timeoutMs = 5000) =>
      waitForPeerTexts({ texts: () => sentTo(peerId), count, peerId, timeoutMs, nextSend: (left) => need().waitForPosted(need().posted.length + 1, left) }),
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
