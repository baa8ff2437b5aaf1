/**
 * WhatsApp addresses (JIDs) and the ids core sees. Phone users become E.164
 * (`+15551234567`) so `allowFrom` reads like a phone book; groups keep their
 * JID; users known only by their privacy id (`…@lid`) keep that.
 */
import { isJidGroup, isLidUser, isPnUser, jidDecode, jidNormalizedUser } from '@whiskeysockets/baileys';

/** `15551234567:3@s.whatsapp.net` → `+15551234567`; undefined when not a phone JID. */
export function phoneJidToE164(jid: string | null | undefined): string | undefined {
  if (!jid || !isPnUser(jid)) return undefined;
  const user = jidDecode(jid)?.user;
  return user && /^\d+$/.test(user) ? `+${user}` : undefined;
}

/** A JID without device part, e.g. `123:4@lid` → `123@lid`. */
export function bareJid(jid: string): string {
  return jidNormalizedUser(jid) || jid;
}

/** The id core uses for a user JID: E.164 for phone JIDs, the bare JID for anything else. */
export function userIdOf(jid: string): string {
  return phoneJidToE164(jid) ?? bareJid(jid);
}

/** Whether a JID addresses a user by privacy id rather than by phone number. */
export function isLid(jid: string | null | undefined): boolean {
  return !!jid && !!isLidUser(jid);
}

/** Whether a JID is a group. */
export function isGroup(jid: string | null | undefined): boolean {
  return !!jid && !!isJidGroup(jid);
}

/** The user part of a JID (`15551234567` of `15551234567:3@s.whatsapp.net`). */
export function jidUser(jid: string | null | undefined): string | undefined {
  return jid ? jidDecode(jid)?.user : undefined;
}

/** Two JIDs name the same user (device and server suffixes aside). */
export function sameUser(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const da = jidDecode(a);
  const db = jidDecode(b);
  return !!da && !!db && da.user === db.user && da.server === db.server;
}

/**
 * The JID to send to for a peer id core hands back: `+15551234567` or bare
 * digits become a phone JID; JIDs (group, lid, phone) pass through.
 */
export function peerIdToJid(id: string): string | undefined {
  const t = id.trim();
  if (/^\+?\d{5,20}$/.test(t)) return `${t.replace(/^\+/, '')}@s.whatsapp.net`;
  if (!t.includes('@')) return undefined;
  const decoded = jidDecode(t);
  return decoded?.user ? t : undefined;
}

/** `+15551234567` → `+*******4567`: enough to recognise, not enough to dial. */
export function maskNumber(e164: string | undefined): string | undefined {
  if (!e164) return undefined;
  const digits = e164.replace(/\D/g, '');
  if (digits.length <= 4) return `+${digits}`;
  return `+${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** Masks every run of 7+ digits (phone numbers, lids) down to its last 4, for logs. */
export function redactDigits(text: string): string {
  return text.replace(/\d{7,}/g, (m) => `…${m.slice(-4)}`);
}
