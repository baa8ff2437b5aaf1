/**
 * Turns one Baileys `WAMessage` into an `InboundMessage`, or says why it is
 * skipped. Pure apart from the lookups passed in, so every shape WhatsApp
 * sends can be table-tested.
 */
import { normalizeMessageContent, type WAMessage, type proto } from '@whiskeysockets/baileys';
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';
import { bareJid, isGroup, isLid, phoneJidToE164, sameUser, userIdOf } from './jid.js';

/** The linked account, as the socket reports it. */
export interface WhatsAppIdentity {
  /** Our phone JID (device part allowed). */
  phoneJid?: string;
  /** Our privacy id JID. */
  lidJid?: string;
  /** Our push name. */
  name?: string;
}

/** What normalising needs to know beyond the message itself. */
export interface NormaliseContext {
  channel: string;
  accountId: string;
  me: WhatsAppIdentity;
  /** The phone JID known for a `…@lid` user, if any. */
  phoneForLid(lid: string): string | undefined;
  /** Whether this adapter sent the message with this key id (never echo our own replies). */
  isOwnSend(id: string): boolean;
}

/** Either a message for core, or the reason it is not one. */
export type NormaliseResult =
  | { ok: true; msg: InboundMessage; chatJid: string }
  | { ok: false; reason: string; malformed: boolean };

type Attachment = NonNullable<InboundMessage['attachments']>[number];
type ContentKey = 'extendedTextMessage' | 'imageMessage' | 'videoMessage' | 'audioMessage' | 'documentMessage' | 'stickerMessage';

const WITH_CONTEXT: ContentKey[] = ['extendedTextMessage', 'imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage'];

const skip = (reason: string, malformed = false): NormaliseResult => ({ ok: false, reason, malformed });

/** Builds the `messageId` core dedupes on: the chat JID and WhatsApp's key id. */
export function buildMessageId(chatJid: string, keyId: string): string {
  return `${chatJid}/${keyId}`;
}

/** Normalises one upserted message. */
export function normaliseMessage(raw: WAMessage, ctx: NormaliseContext): NormaliseResult {
  const key = raw?.key;
  const remoteJid = key?.remoteJid;
  if (!key || typeof remoteJid !== 'string' || !remoteJid.includes('@') || typeof key.id !== 'string' || !key.id) {
    return skip('message without a usable key (remoteJid/id)', true);
  }
  if (remoteJid === 'status@broadcast' || remoteJid.endsWith('@broadcast') || remoteJid.endsWith('@newsletter')) {
    return skip('status, broadcast or channel post');
  }
  if (ctx.isOwnSend(key.id)) return skip('our own reply');

  const group = isGroup(remoteJid);
  const selfChat = !group && (sameUser(remoteJid, ctx.me.phoneJid) || sameUser(remoteJid, ctx.me.lidJid));
  if (key.fromMe && !selfChat) return skip('sent by the owner to someone else');

  const content = normalizeMessageContent(raw.message);
  if (!content || typeof content !== 'object') return skip('no message content (notification or undecryptable)');

  // Who spoke, and in which chat, as JIDs.
  let senderJid: string | undefined;
  let chatJid: string;
  if (group) {
    const participant = key.participant || raw.participant;
    if (typeof participant !== 'string' || !participant.includes('@')) return skip('group message without a participant', true);
    senderJid = toPhoneJid(participant, key.participantAlt ?? (key as { participantPn?: string }).participantPn, ctx);
    chatJid = remoteJid;
  } else if (selfChat) {
    const owner = ctx.me.phoneJid ? bareJid(ctx.me.phoneJid) : bareJid(remoteJid);
    senderJid = owner;
    chatJid = owner;
  } else {
    senderJid = toPhoneJid(remoteJid, key.remoteJidAlt ?? (key as { senderPn?: string }).senderPn, ctx);
    chatJid = senderJid;
  }

  const text = textOf(content);
  const attachments = attachmentsOf(content);
  if (!text && attachments.length === 0) return skip('no text or media (reaction, receipt or protocol message)');

  const contextInfo = contextInfoOf(content);
  const fromOwner = key.fromMe || selfChat;
  const msg: InboundMessage = {
    channel: ctx.channel,
    accountId: ctx.accountId,
    messageId: buildMessageId(chatJid, key.id),
    senderId: userIdOf(senderJid),
    peer: group ? { kind: 'group', id: remoteJid } : { kind: 'direct', id: userIdOf(chatJid) },
    text: text ?? '',
    timestampMs: timestampMsOf(raw.messageTimestamp),
  };
  const senderName = raw.pushName ?? (fromOwner ? ctx.me.name : undefined);
  if (senderName) msg.senderName = senderName;
  // The owner's note-to-self chat: core lets it through whatever the DM policy.
  if (fromOwner) msg.fromOwner = true;
  if (group) msg.mentioned = mentionsMe(contextInfo, ctx.me);
  if (contextInfo?.stanzaId) msg.replyToMessageId = buildMessageId(chatJid, contextInfo.stanzaId);
  if (attachments.length) msg.attachments = attachments;
  return { ok: true, msg, chatJid };
}

/** A user JID in phone form when WhatsApp (or an earlier message) told us the number behind a lid. */
function toPhoneJid(jid: string, alt: string | null | undefined, ctx: NormaliseContext): string {
  if (!isLid(jid)) return bareJid(jid);
  if (alt && phoneJidToE164(alt)) return bareJid(alt);
  return ctx.phoneForLid(bareJid(jid)) ?? bareJid(jid);
}

function textOf(c: proto.IMessage): string | undefined {
  const t =
    c.conversation ??
    c.extendedTextMessage?.text ??
    c.imageMessage?.caption ??
    c.videoMessage?.caption ??
    c.documentMessage?.caption;
  return typeof t === 'string' && t.length > 0 ? t : undefined;
}

function attachmentsOf(c: proto.IMessage): Attachment[] {
  const out: Attachment[] = [];
  const add = (kind: Attachment['kind'], m: { mimetype?: string | null; fileLength?: unknown; fileName?: string | null } | null | undefined) => {
    if (!m || typeof m !== 'object') return;
    const a: Attachment = { kind };
    if (m.mimetype) a.mimeType = m.mimetype;
    if (m.fileName) a.name = m.fileName;
    const size = toNumber(m.fileLength);
    if (size !== undefined) a.sizeBytes = size;
    out.push(a);
  };
  add('image', c.imageMessage);
  add('video', c.videoMessage ?? c.ptvMessage);
  add('audio', c.audioMessage);
  add('file', c.documentMessage);
  add('image', c.stickerMessage);
  return out;
}

function contextInfoOf(c: proto.IMessage): proto.IContextInfo | undefined {
  for (const k of WITH_CONTEXT) {
    const info = (c[k] as { contextInfo?: proto.IContextInfo | null } | null | undefined)?.contextInfo;
    if (info) return info;
  }
  return undefined;
}

/** @-mentioned by phone JID or lid, or a reply quoting one of our messages. */
function mentionsMe(info: proto.IContextInfo | undefined, me: WhatsAppIdentity): boolean {
  if (!info) return false;
  const isMe = (jid: string | null | undefined) => sameUser(jid, me.phoneJid) || sameUser(jid, me.lidJid);
  if ((info.mentionedJid ?? []).some(isMe)) return true;
  return !!info.stanzaId && isMe(info.participant);
}

/** Seconds (number, protobuf Long or numeric string) → milliseconds; now when missing. */
function timestampMsOf(ts: unknown): number {
  const s = toNumber(ts);
  return s !== undefined && s > 0 ? s * 1000 : Date.now();
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') return Number.isFinite(Number(v)) ? Number(v) : undefined;
  if (v && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function') {
    const n = (v as { toNumber(): number }).toNumber();
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
