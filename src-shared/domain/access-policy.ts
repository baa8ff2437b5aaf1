/**
 * Who may talk to the assistant on a chat channel, decided once for every
 * adapter. Pure: the caller supplies the account's settings, the paired
 * senders and the message facts.
 */
import type { PeerKind } from './inbound.js';

export type DmPolicy = 'pairing' | 'allowlist' | 'open' | 'disabled';
export type GroupPolicy = 'open' | 'allowlist' | 'disabled';

/** One account's access settings, after channel + account merge and defaults. */
export interface AccessSettings {
  channel: string;
  dmPolicy: DmPolicy;
  allowFrom: readonly (string | number)[];
  groupPolicy: GroupPolicy;
  /** Senders (or group ids) allowed in groups; empty falls back to `allowFrom` plus paired senders. */
  groupAllowFrom: readonly (string | number)[];
  /** Groups answer only when the bot is mentioned (default true). */
  requireMention: boolean;
  /** Per-group overrides keyed by group id. */
  groups?: Readonly<Record<string, { requireMention?: boolean; enabled?: boolean }>>;
  /** Named sender lists (`accessGroups`), referenced as `accessGroup:<name>`. */
  accessGroups?: Readonly<Record<string, readonly string[]>>;
}

export interface AccessFacts {
  peerKind: PeerKind;
  senderId: string;
  /** The group/channel id for group messages. */
  peerId: string;
  mentioned: boolean;
  /** Senders approved through pairing for this account. */
  paired: ReadonlySet<string>;
  /** The account's owner (e.g. the linked WhatsApp number's self-chat). */
  fromOwner?: boolean;
}

export type AccessDecision =
  | { action: 'allow' }
  /** Unknown DM sender under `pairing`: hold the message and offer a code. */
  | { action: 'pair' }
  | { action: 'drop'; reason: 'dm-disabled' | 'not-allowlisted' | 'open-without-wildcard' | 'group-disabled' | 'group-not-allowed' | 'not-mentioned' };

/** Lower-cased, trimmed, without a `<channel>:` prefix; phone numbers lose spaces and dashes. */
export function normalizeAllowEntry(channel: string, entry: string | number): string {
  let s = String(entry).trim().toLowerCase();
  const prefix = `${channel.toLowerCase()}:`;
  if (s.startsWith(prefix)) s = s.slice(prefix.length);
  if (/^\+?[\d\s().-]{6,}$/.test(s)) s = s.replace(/[\s().-]/g, '');
  return s;
}

/** Expands `accessGroup:<name>` references and normalises every entry. */
export function expandAllowList(channel: string, list: readonly (string | number)[], groups?: AccessSettings['accessGroups']): Set<string> {
  const out = new Set<string>();
  for (const entry of list) {
    const s = String(entry).trim();
    if (s.toLowerCase().startsWith('accessgroup:')) {
      const name = s.slice('accessGroup:'.length);
      for (const member of groups?.[name] ?? []) out.add(normalizeAllowEntry(channel, member));
    } else out.add(normalizeAllowEntry(channel, s));
  }
  return out;
}

/** The decision for one inbound message. */
export function decideAccess(s: AccessSettings, f: AccessFacts): AccessDecision {
  const sender = normalizeAllowEntry(s.channel, f.senderId);
  const allow = expandAllowList(s.channel, s.allowFrom, s.accessGroups);
  const paired = new Set([...f.paired].map((p) => normalizeAllowEntry(s.channel, p)));
  if (f.peerKind === 'direct') {
    if (f.fromOwner) return { action: 'allow' };
    switch (s.dmPolicy) {
      case 'disabled':
        return { action: 'drop', reason: 'dm-disabled' };
      case 'open':
        return allow.has('*') ? { action: 'allow' } : { action: 'drop', reason: 'open-without-wildcard' };
      case 'allowlist':
        return allow.has(sender) || allow.has('*') || paired.has(sender) ? { action: 'allow' } : { action: 'drop', reason: 'not-allowlisted' };
      case 'pairing':
        return allow.has(sender) || allow.has('*') || paired.has(sender) ? { action: 'allow' } : { action: 'pair' };
    }
  }
  // Groups and channels: never pairing codes (they would be posted to everyone).
  const group = s.groups?.[f.peerId] ?? s.groups?.[f.peerId.toLowerCase()];
  if (s.groupPolicy === 'disabled' || group?.enabled === false) return { action: 'drop', reason: 'group-disabled' };
  if (s.groupPolicy === 'allowlist' && !f.fromOwner) {
    const groupAllow = s.groupAllowFrom.length ? expandAllowList(s.channel, s.groupAllowFrom, s.accessGroups) : new Set([...allow, ...paired]);
    const ok = groupAllow.has('*') || groupAllow.has(sender) || groupAllow.has(normalizeAllowEntry(s.channel, f.peerId)) || Boolean(group);
    if (!ok) return { action: 'drop', reason: 'group-not-allowed' };
  }
  const needMention = group?.requireMention ?? s.requireMention;
  if (needMention && !f.mentioned) return { action: 'drop', reason: 'not-mentioned' };
  return { action: 'allow' };
}

/**
 * Is `senderId` on `channel` one of the owners in `commands.ownerAllowFrom`? An entry with a channel prefix
 * (`telegram:123`, how the first pairing approval records it) names that channel only; a bare entry any channel.
 */
export function isOwnerSender(ownerAllowFrom: readonly string[] | undefined, channel: string, senderId: string): boolean {
  const sender = normalizeAllowEntry(channel, senderId);
  if (!sender) return false;
  return (ownerAllowFrom ?? []).some((entry) => {
    const e = String(entry).trim();
    const colon = e.indexOf(':');
    if (colon > 0 && !/^\+?[\d\s().-]+$/.test(e) && e.slice(0, colon).toLowerCase() !== channel.toLowerCase()) return false;
    return normalizeAllowEntry(channel, e) === sender;
  });
}

/**
 * Whether the assistant may start a conversation with `to` (the `send`
 * method and the `message` tool): the same rule as inbound, without pairing.
 */
export function decideOutbound(s: AccessSettings, to: { kind: PeerKind; id: string }, paired: ReadonlySet<string>, ownerId?: string): boolean {
  if (ownerId && normalizeAllowEntry(s.channel, to.id) === normalizeAllowEntry(s.channel, ownerId)) return true;
  // A group target must itself be allowed (by id, a `groups` entry, or an open group policy).
  const d = decideAccess({ ...s, requireMention: false, dmPolicy: s.dmPolicy === 'pairing' ? 'allowlist' : s.dmPolicy }, { peerKind: to.kind, senderId: to.id, peerId: to.id, mentioned: true, paired });
  return d.action === 'allow';
}

/** Pairing codes: 8 characters without look-alikes (no 0, O, 1, I). */
export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_TTL_MS = 60 * 60 * 1000;
export const PAIRING_MAX_PENDING = 3;

/** Builds a code from random bytes (one byte per character, rejection-sampled by the caller's source). */
export function pairingCodeFromBytes(bytes: Uint8Array): string {
  let code = '';
  for (const b of bytes) {
    // 256 = 8 * 32: every byte maps evenly onto the 32-character alphabet.
    code += PAIRING_CODE_ALPHABET[b % PAIRING_CODE_ALPHABET.length];
    if (code.length === PAIRING_CODE_LENGTH) break;
  }
  if (code.length < PAIRING_CODE_LENGTH) throw new Error('not enough random bytes for a pairing code');
  return code;
}

export function isPairingCode(s: string): boolean {
  return new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`).test(s);
}
