/**
 * `ChannelTestDriver` for Nostr: two real relays on loopback, the bundled
 * Nostr plugin reading both, and people who use nostr-tools to publish to
 * both relays (the same event on each, which the plugin must read once):
 * NIP-17 gift-wrapped DMs, and kind-42 messages in one NIP-28 channel. What
 * the assistant sent is read back from the relays and decrypted with the
 * recipient's key. A message published while a relay is stalled or dropped
 * is retried until the relay accepts it, as a client would.
 */
import { wrapEvent, unwrapEvent } from 'nostr-tools/nip17';
import * as nip04 from 'nostr-tools/nip04';
import * as nip19 from 'nostr-tools/nip19';
import { finalizeEvent, generateSecretKey, getPublicKey, type NostrEvent } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import WebSocket from 'ws';
import { waitForPeerTexts, type ChannelTestDriver } from '../channel-driver.js';
import { startTestRelay, type TestRelay } from './relay.js';

useWebSocketImplementation(WebSocket);

/** A person on Nostr. */
export interface NostrPerson {
  secretKey: Uint8Array;
  pubkey: string;
}

export const newPerson = (): NostrPerson => {
  const secretKey = generateSecretKey();
  return { secretKey, pubkey: getPublicKey(secretKey) };
};

/** The relays and identities of one test, plus what the assistant published. */
export interface NostrWorld {
  relays: TestRelay[];
  bot: NostrPerson;
  people: NostrPerson[];
  channelId: string;
  config: Record<string, unknown>;
  /** Publish to every relay, retrying each until it accepts (in the background when `wait` is false). */
  publish(event: NostrEvent, wait?: boolean): Promise<void>;
  dm(from: NostrPerson, text: string, protocol?: 'nip17' | 'nip04'): NostrEvent;
  channelMessage(from: NostrPerson, text: string, mention: boolean): NostrEvent;
  /** Texts the assistant sent to `peer` (a person's pubkey, or the channel id), oldest first, once each. */
  sentTo(peer: string): string[];
  /** Resolves when any relay stores another event. */
  nextStored(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

async function publishUntilAccepted(url: string, event: NostrEvent, closed: () => boolean): Promise<void> {
  for (let delay = 25; !closed(); delay = Math.min(delay * 2, 400)) {
    let relay: Relay | undefined;
    try {
      relay = await Relay.connect(url, { enablePing: false, enableReconnect: false });
      relay.publishTimeout = 1000;
      await relay.publish(event);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, delay));
    } finally {
      relay?.close();
    }
  }
}

export async function startNostrWorld(opts: { people?: number } = {}): Promise<NostrWorld> {
  const relays = [await startTestRelay(), await startTestRelay()];
  const bot = newPerson();
  const people = Array.from({ length: opts.people ?? 3 }, newPerson);
  let closed = false;
  const publish = async (event: NostrEvent, wait = true) => {
    const all = Promise.all(relays.map((r) => publishUntilAccepted(r.url, event, () => closed)));
    if (wait) await all;
  };
  const creation = finalizeEvent({ kind: 40, created_at: Math.floor(Date.now() / 1000), tags: [], content: JSON.stringify({ name: 'openclaw-test', about: 'test channel' }) }, newPerson().secretKey);
  await publish(creation);

  const opened = new Map<string, { peer: string; text: string } | null>();
  const readSent = (event: NostrEvent): { peer: string; text: string } | null => {
    if (opened.has(event.id)) return opened.get(event.id)!;
    let out: { peer: string; text: string } | null = null;
    if (event.kind === 1059) {
      const to = event.tags.find((t) => t[0] === 'p')?.[1];
      const person = people.find((p) => p.pubkey === to);
      if (person) {
        try {
          const rumor = unwrapEvent(event, person.secretKey);
          if (rumor.pubkey === bot.pubkey) out = { peer: person.pubkey, text: rumor.content };
        } catch {
          out = null;
        }
      }
    } else if (event.kind === 4 && event.pubkey === bot.pubkey) {
      const to = event.tags.find((t) => t[0] === 'p')?.[1];
      const person = people.find((p) => p.pubkey === to);
      if (person) out = { peer: person.pubkey, text: nip04.decrypt(person.secretKey, bot.pubkey, event.content) };
    } else if (event.kind === 42 && event.pubkey === bot.pubkey) {
      const root = event.tags.find((t) => t[0] === 'e')?.[1];
      if (root) out = { peer: root, text: event.content };
    }
    opened.set(event.id, out);
    return out;
  };

  return {
    relays,
    bot,
    people,
    channelId: creation.id,
    config: { privateKey: nip19.nsecEncode(bot.secretKey), relays: relays.map((r) => r.url), chatChannels: [nip19.noteEncode(creation.id)] },
    publish,
    dm(from, text, protocol = 'nip17') {
      if (protocol === 'nip04') {
        return finalizeEvent({ kind: 4, created_at: Math.floor(Date.now() / 1000), tags: [['p', bot.pubkey]], content: nip04.encrypt(from.secretKey, bot.pubkey, text) }, from.secretKey);
      }
      return wrapEvent(from.secretKey, { publicKey: bot.pubkey }, text);
    },
    channelMessage(from, text, mention) {
      const tags = [['e', creation.id, relays[0]!.url, 'root'], ...(mention ? [['p', bot.pubkey]] : [])];
      const content = mention ? `nostr:${nip19.npubEncode(bot.pubkey)} ${text}` : text;
      return finalizeEvent({ kind: 42, created_at: Math.floor(Date.now() / 1000), tags, content }, from.secretKey);
    },
    sentTo(peer) {
      // The same event sits on both relays; count it once, in the order the first relay stored it.
      const ids = new Set<string>();
      const texts: string[] = [];
      for (const event of relays.flatMap((r) => r.repository.events)) {
        if (ids.has(event.id)) continue;
        ids.add(event.id);
        const sent = readSent(event);
        if (sent?.peer === peer) texts.push(sent.text);
      }
      return texts;
    },
    nextStored: (timeoutMs) => Promise.race(relays.map((r) => r.nextStored(timeoutMs))),
    async close() {
      closed = true;
      await Promise.all(relays.map((r) => r.close()));
    },
  };
}

export function createNostrDriver(): ChannelTestDriver {
  let world: NostrWorld | undefined;
  const need = (): NostrWorld => {
    if (!world) throw new Error('Nostr driver not started');
    return world;
  };
  const person = (pubkey: string) => {
    const p = need().people.find((x) => x.pubkey === pubkey);
    if (!p) throw new Error(`unknown person ${pubkey}`);
    return p;
  };
  // Ids are fixed before start (conformance reads them first), so the people are made up front.
  const people = [newPerson(), newPerson(), newPerson()];
  return {
    channel: 'nostr',
    get ids() {
      return { users: people.map((p) => p.pubkey) as [string, string, string], group: world?.channelId ?? '' };
    },
    async start() {
      world = await startNostrWorld({ people: 0 });
      world.people.push(...people);
      return { enabled: true, ...world.config, livenessMs: 3000 };
    },
    async sendDirect(user, text) {
      await need().publish(need().dm(person(user), text), false);
    },
    async sendGroup(user, text, mention) {
      await need().publish(need().channelMessage(person(user), text, mention), false);
    },
    sentTo: (peer) => need().sentTo(peer),
    waitForSent: (peerId, count, timeoutMs = 5000) =>
      waitForPeerTexts({ texts: () => need().sentTo(peerId), count, peerId, timeoutMs, nextSend: (left) => need().nextStored(left) }),
    fault: {
      kinds: ['drop', 'stall'],
      async set(kind, on) {
        for (const relay of need().relays) {
          if (kind === 'drop') relay.drop();
          else if (kind === 'stall') relay.stall(on);
        }
      },
    },
    async close() {
      await world?.close();
      world = undefined;
    },
  };
}
