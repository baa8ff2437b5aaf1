/** Nostr account settings: key and relay checks shared by `checkConfig` and `create`, and defaults. */
import { getPublicKey } from 'nostr-tools/pure';
import * as nip19 from 'nostr-tools/nip19';

/** Settings with defaults applied. */
export interface NostrSettings {
  secretKey: Uint8Array;
  publicKey: string;
  relays: string[];
  /** NIP-28 channel ids (hex). */
  chatChannels: string[];
  livenessMs: number;
}

const HEX64 = /^[0-9a-f]{64}$/i;

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}

/** The secret key from nsec or hex; undefined when it is neither. */
export function parseSecretKey(value: string): Uint8Array | undefined {
  const v = value.trim();
  if (HEX64.test(v)) return hexToBytes(v);
  if (!v.startsWith('nsec1')) return undefined;
  try {
    const decoded = nip19.decode(v);
    return decoded.type === 'nsec' ? decoded.data : undefined;
  } catch {
    return undefined;
  }
}

/** An event id from hex, note1… or nevent1…; undefined otherwise. */
export function parseEventId(value: string): string | undefined {
  const v = value.trim();
  if (HEX64.test(v)) return v.toLowerCase();
  try {
    const decoded = nip19.decode(v);
    if (decoded.type === 'note') return decoded.data;
    if (decoded.type === 'nevent') return decoded.data.id;
  } catch {
    // not NIP-19
  }
  return undefined;
}

/** The reason this config cannot start, in plain words; undefined when it can. */
export function checkNostrConfig(config: Record<string, unknown>): string | undefined {
  if (typeof config.privateKey !== 'string' || !config.privateKey.trim()) {
    return 'Set channels.nostr.privateKey to the assistant\'s secret key (nsec1… or hex). Make a new identity for it rather than reusing your own.';
  }
  if (!parseSecretKey(config.privateKey)) return 'channels.nostr.privateKey must be an nsec1… key or 64 hex digits.';
  const relays = config.relays;
  if (!Array.isArray(relays) || relays.length === 0) return 'Set channels.nostr.relays to the relays to use, e.g. ["wss://relay.damus.io", "wss://nos.lol"].';
  const bad = relays.find((r) => typeof r !== 'string' || !/^wss?:\/\//.test(r) || !URL.canParse(r));
  if (bad !== undefined) return `channels.nostr.relays: "${String(bad)}" is not a ws:// or wss:// URL.`;
  if (config.chatChannels !== undefined) {
    if (!Array.isArray(config.chatChannels)) return 'channels.nostr.chatChannels must be a list of channel ids.';
    const badChannel = config.chatChannels.find((c) => typeof c !== 'string' || !parseEventId(c));
    if (badChannel !== undefined) return `channels.nostr.chatChannels: "${String(badChannel)}" is not a channel id (64 hex digits, note1… or nevent1…).`;
  }
  return undefined;
}

/** Apply defaults; call after {@link checkNostrConfig} passed. */
export function resolveNostrSettings(config: Record<string, unknown>, defaultLivenessMs: number): NostrSettings {
  const secretKey = parseSecretKey(String(config.privateKey))!;
  return {
    secretKey,
    publicKey: getPublicKey(secretKey),
    // One URL form per relay, so the same relay written twice is used once.
    relays: [...new Map((config.relays as string[]).map((r) => [new URL(r.trim()).href, r.trim()] as const)).values()],
    chatChannels: [...new Set(((config.chatChannels as string[] | undefined) ?? []).map((c) => parseEventId(c)!))],
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : defaultLivenessMs,
  };
}
