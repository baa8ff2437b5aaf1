/**
 * `ChannelTestDriver` for LINE: the bundled plugin against the fake Messaging
 * API, with webhooks signed and POSTed to the plugin's endpoint as LINE would.
 * What the bot "sent to" a peer counts replies (by the reply token's chat)
 * and pushes alike.
 */
import { waitForPeerTexts, type ChannelTestDriver } from '../channel-driver.js';
import { freePort } from '../free-port.js';
import { lineId, startFakeLine, type FakeLine } from './fake-line.js';

const USERS: [string, string, string] = [lineId('U', 'ann'), lineId('U', 'bob'), lineId('U', 'cat')];
const GROUP = lineId('C', 'team');

/** Three users who added the bot as a friend, and one group they share with it. */
export function createLineDriver(): ChannelTestDriver & { fake(): FakeLine } {
  let fake: FakeLine | undefined;
  const need = (): FakeLine => {
    if (!fake) throw new Error('LINE driver not started');
    return fake;
  };
  const sentTo = (peerId: string) =>
    need()
      .sent.filter((s) => s.peer === peerId)
      .map((s) => s.text);
  return {
    channel: 'line',
    ids: { users: USERS, group: GROUP },
    fake: need,
    async start() {
      fake = await startFakeLine();
      const port = await freePort();
      fake.setWebhook(`http://127.0.0.1:${port}/line`);
      // Short liveness so stalls are noticed quickly in gateway-level fault tests.
      return { enabled: true, ...fake.adapterConfig({ port }), livenessMs: 3000 };
    },
    async sendDirect(user, text) {
      need().deliver(need().textEvent(user, text));
    },
    async sendGroup(user, text, mention) {
      need().deliver(need().textEvent(user, text, { group: GROUP, mention }));
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
