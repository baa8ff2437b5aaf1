/**
 * Nostr events → `InboundMessage`: NIP-17 gift wraps (kind 1059 → seal →
 * kind 14 rumor), NIP-04 direct messages (kind 4) and NIP-28 channel
 * messages (kind 42). Signatures were checked by the relay client; for gift
 * wraps nostr-tools' `unwrapEvent` checks the seal's signature and that the
 * seal's author is the rumor's, or anyone could wrap words in another's name.
 */
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';
import * as nip04 from 'nostr-tools/nip04';
import { unwrapEvent } from 'nostr-tools/nip17';
import { getEventHash, type NostrEvent } from 'nostr-tools/pure';
import type { DmProtocol } from './state-store.js';

export const KIND_DM04 = 4;
export const KIND_CHANNEL_CREATE = 40;
export const KIND_CHANNEL_MESSAGE = 42;
export const KIND_GIFT_WRAP = 1059;
const KIND_PRIVATE_MESSAGE = 14;

/** What one event means for the assistant. */
export type NostrEventResult =
  | { kind: 'message'; msg: InboundMessage; createdAt: number; dm?: { pubkey: string; protocol: DmProtocol } }
  | { kind: 'ignored'; reason: string };

interface Ctx {
  channel: string;
  accountId: string;
  secretKey: Uint8Array;
  publicKey: string;
  chatChannels: string[];
}

const tagValues = (tags: string[][], name: string) => tags.filter((t) => t[0] === name && typeof t[1] === 'string').map((t) => t[1]!);

/** Normalise one event received on the account's subscriptions. */
export function normalizeNostrEvent(event: NostrEvent, ctx: Ctx): NostrEventResult {
  const base = { channel: ctx.channel, accountId: ctx.accountId };
  if (event.kind === KIND_GIFT_WRAP) {
    let rumor: ReturnType<typeof unwrapEvent>;
    try {
      rumor = unwrapEvent(event, ctx.secretKey);
    } catch {
      return { kind: 'ignored', reason: 'gift wrap that does not open with our key' };
    }
    if (rumor.kind !== KIND_PRIVATE_MESSAGE) return { kind: 'ignored', reason: `wrapped kind ${rumor.kind}` };
    if (rumor.pubkey === ctx.publicKey) return { kind: 'ignored', reason: 'our own message' };
    const others = tagValues(rumor.tags, 'p').filter((p) => p !== ctx.publicKey);
    // A NIP-17 chat with several people is a group conversation; this channel answers one-to-one chats only.
    if (others.length > 0) return { kind: 'ignored', reason: 'group private chat' };
    if (!rumor.content.trim()) return { kind: 'ignored', reason: 'no text' };
    const replyTo = rumor.tags.find((t) => t[0] === 'e')?.[1];
    return {
      kind: 'message',
      createdAt: rumor.created_at,
      dm: { pubkey: rumor.pubkey, protocol: 'nip17' },
      msg: {
        ...base,
        // The rumor's id, not the wrap's: the same message wrapped again (a client's retry) is the same message.
        // Computed here, since a rumor is unsigned and its stated id proves nothing.
        messageId: getEventHash(rumor),
        senderId: rumor.pubkey,
        peer: { kind: 'direct', id: rumor.pubkey },
        text: rumor.content,
        ...(replyTo ? { replyToMessageId: replyTo } : {}),
        timestampMs: rumor.created_at * 1000,
      },
    };
  }
  if (event.kind === KIND_DM04) {
    if (event.pubkey === ctx.publicKey) return { kind: 'ignored', reason: 'our own message' };
    if (!tagValues(event.tags, 'p').includes(ctx.publicKey)) return { kind: 'ignored', reason: 'direct message for someone else' };
    let text: string;
    try {
      text = nip04.decrypt(ctx.secretKey, event.pubkey, event.content);
    } catch {
      return { kind: 'ignored', reason: 'NIP-04 message that does not decrypt' };
    }
    if (!text.trim()) return { kind: 'ignored', reason: 'no text' };
    return {
      kind: 'message',
      createdAt: event.created_at,
      dm: { pubkey: event.pubkey, protocol: 'nip04' },
      msg: { ...base, messageId: event.id, senderId: event.pubkey, peer: { kind: 'direct', id: event.pubkey }, text, timestampMs: event.created_at * 1000 },
    };
  }
  if (event.kind === KIND_CHANNEL_MESSAGE) {
    if (event.pubkey === ctx.publicKey) return { kind: 'ignored', reason: 'our own message' };
    const root = event.tags.find((t) => t[0] === 'e' && (t[3] === 'root' || t.length < 4))?.[1];
    if (!root || !ctx.chatChannels.includes(root)) return { kind: 'ignored', reason: 'message in a channel we are not in' };
    if (!event.content.trim()) return { kind: 'ignored', reason: 'no text' };
    const replyTo = event.tags.find((t) => t[0] === 'e' && t[3] === 'reply')?.[1];
    return {
      kind: 'message',
      createdAt: event.created_at,
      msg: {
        ...base,
        messageId: event.id,
        senderId: event.pubkey,
        peer: { kind: 'group', id: root },
        text: event.content,
        mentioned: tagValues(event.tags, 'p').includes(ctx.publicKey),
        ...(replyTo ? { replyToMessageId: replyTo } : {}),
        timestampMs: event.created_at * 1000,
      },
    };
  }
  return { kind: 'ignored', reason: `kind ${event.kind}` };
}
