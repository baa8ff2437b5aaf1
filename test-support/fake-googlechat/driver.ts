/**
 * `ChannelTestDriver` for Google Chat: the real adapter against the fake
 * Google (JWKS, token endpoint, Chat REST API), with events signed and
 * POSTed to the adapter's endpoint as Chat would.
 */
import { waitForPeerTexts, type ChannelTestDriver } from '../channel-driver.js';
import { freePort } from '../free-port.js';
import { startFakeGoogleChat, type FakeGoogleChat } from './fake-google-chat.js';

const USERS: [string, string, string] = ['users/1001', 'users/1002', 'users/1003'];
const GROUP = 'spaces/AAAA';

export function createGoogleChatDriver(): ChannelTestDriver {
  let fake: FakeGoogleChat | undefined;
  const need = (): FakeGoogleChat => {
    if (!fake) throw new Error('Google Chat driver not started');
    return fake;
  };
  const sentTo = (peerId: string) => {
    const space = peerId.startsWith('users/') ? need().dmSpace(peerId) : peerId;
    return need()
      .posted.filter((p) => p.space === space)
      .map((p) => p.text);
  };
  return {
    channel: 'googlechat',
    ids: { users: USERS, group: GROUP },
    async start() {
      fake = await startFakeGoogleChat({ spaces: [GROUP] });
      const port = await freePort();
      fake.setWebhook(`http://127.0.0.1:${port}/googlechat`);
      // Short liveness so stalls are noticed quickly in gateway-level fault tests.
      return { enabled: true, ...fake.adapterConfig({ port }), livenessMs: 3000 };
    },
    async sendDirect(user, text) {
      need().deliver(need().dmEvent(user, text));
    },
    async sendGroup(user, text, mention) {
      need().deliver(need().spaceEvent(user, GROUP, text, { mention }));
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
