/**
 * The WhatsApp `ChannelTestDriver`: the real adapter built around the fake
 * socket, linked ahead of time. `start()` writes linked credentials into a
 * temporary folder and returns `{ authDir }` pointing the adapter at it (the
 * `authDir` key overrides the account's data folder), so no QR scan is needed.
 * Users are `+15550001001..3`; the group is `120363000000000001@g.us`; the
 * bot is the owner's personal number.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import { createWhatsAppChannel } from '../../extensions/whatsapp/src/index.js';
import { asChannelPlugin } from '../channel-plugin.js';
import type { ChannelTestDriver } from '../channel-driver.js';
import { seedLinkedCredentials } from './credentials.js';
import { FakeWhatsApp } from './fake-whatsapp.js';
import type { FakeSentMessage } from './fake-socket.js';
import { lidJid, text, type FakeUser } from './messages.js';

const USERS: [string, string, string] = ['+15550001001', '+15550001002', '+15550001003'];
const NAMES = ['Ana', 'Ben', 'Caro'];
const GROUP = '120363000000000001@g.us';

/** The text a send carried (text, or a media caption). */
export function sentText(s: FakeSentMessage): string {
  const c = s.content as { text?: unknown; caption?: unknown };
  return typeof c.text === 'string' ? c.text : typeof c.caption === 'string' ? c.caption : '';
}

/** The JID a driver peer id (E.164 user or group JID) is sent to. */
function jidOf(peerId: string): string {
  return peerId.startsWith('+') ? `${peerId.slice(1)}@s.whatsapp.net` : peerId;
}

/** Builds a WhatsApp driver; `fake` is exposed for tests that need more than the driver surface. */
export function createWhatsAppDriver(): ChannelTestDriver & { fake: FakeWhatsApp } {
  const fake = new FakeWhatsApp();
  const contacts = new Map<string, FakeUser>(
    USERS.map((id, i) => [id, { phone: id.slice(1), lid: `20100000000100${i + 1}`, name: NAMES[i] }]),
  );
  const plugin = asChannelPlugin(createWhatsAppChannel({
    makeSocket: fake.makeSocket,
    resolveVersion: async () => undefined,
    // Quick reconnects so a fault heals within a test; enough attempts to outlast a short 5xx spell.
    reconnect: { initialDelayMs: 50, maxDelayMs: 500, maxFailures: 20 },
  }));
  const dirs: string[] = [];
  const contact = (user: string) => {
    const c = contacts.get(user);
    if (!c) throw new Error(`unknown WhatsApp test user ${user}; use one of ${USERS.join(', ')}`);
    return c;
  };

  return {
    channel: 'whatsapp',
    ids: { users: USERS, group: GROUP },
    fake,
    async start() {
      const dir = mkdtempSync(join(tmpdir(), 'openclaw-whatsapp-auth-'));
      dirs.push(dir);
      await seedLinkedCredentials(dir, fake);
      return { authDir: dir };
    },
    plugin(): ChannelPlugin {
      return plugin;
    },
    async sendDirect(user, body) {
      fake.sendDirect(contact(user), text(body));
    },
    async sendGroup(user, body, mention) {
      const me = lidJid(fake.owner);
      fake.sendGroup(GROUP, contact(user), mention ? text(`@${fake.owner.lid} ${body}`, { mentions: [me] }) : text(body));
    },
    sentTo(peerId) {
      return fake.sentTo(jidOf(peerId)).map(sentText);
    },
    async waitForSent(peerId, count, timeoutMs = 5000) {
      return (await fake.waitForSent(jidOf(peerId), count, timeoutMs)).map(sentText);
    },
    fault: {
      kinds: ['drop', 'stall', '5xx'],
      async set(kind, on) {
        if (kind === 'drop') fake.drop();
        else if (kind === 'stall') fake.setStall(on);
        else fake.setServerErrors(on);
      },
    },
    async close() {
      fake.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
