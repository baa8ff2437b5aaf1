/**
 * Incoming `WAMessage`s shaped as Baileys 7 hands them to `messages.upsert`
 * after decryption and `cleanMessage`: DMs addressed by lid with the phone
 * JID in `remoteJidAlt` (or the other way round), group messages with
 * `participant`/`participantAlt`, `participant: ''` on DMs, seconds in
 * `messageTimestamp`, the sender's `pushName`.
 */
import { randomBytes } from 'node:crypto';
import type { WAMessage, proto } from '@whiskeysockets/baileys';

/** A WhatsApp user: phone digits, privacy id digits, push name. */
export interface FakeUser {
  phone: string;
  lid: string;
  name: string;
}

/** How a DM is addressed: lid with phone alt (usual in v7), phone with lid alt, or lid alone. */
export type Addressing = 'lid' | 'pn' | 'lid-only';

export interface IncomingOptions {
  id?: string;
  /** Seconds since epoch; now by default. */
  timestamp?: number | { toNumber(): number };
  addressing?: Addressing;
}

/** A phone-style message id (`3A` + hex, as iPhones send). */
export function incomingMessageId(): string {
  return `3A${randomBytes(9).toString('hex').toUpperCase()}`;
}

export const phoneJid = (u: Pick<FakeUser, 'phone'>) => `${u.phone}@s.whatsapp.net`;
export const lidJid = (u: Pick<FakeUser, 'lid'>) => `${u.lid}@lid`;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A direct message from `from`. */
export function directMessage(from: FakeUser, message: proto.IMessage, opts: IncomingOptions = {}): WAMessage {
  const addressing = opts.addressing ?? 'lid';
  const key =
    addressing === 'pn'
      ? { remoteJid: phoneJid(from), remoteJidAlt: lidJid(from), addressingMode: 'pn' }
      : addressing === 'lid'
        ? { remoteJid: lidJid(from), remoteJidAlt: phoneJid(from), addressingMode: 'lid' }
        : { remoteJid: lidJid(from), addressingMode: 'lid' };
  return {
    key: { ...key, fromMe: false, id: opts.id ?? incomingMessageId(), participant: '' },
    messageTimestamp: (opts.timestamp ?? nowSeconds()) as number,
    pushName: from.name,
    broadcast: false,
    message,
  };
}

/** A message from `from` in the group `groupJid`. */
export function groupMessage(groupJid: string, from: FakeUser, message: proto.IMessage, opts: IncomingOptions = {}): WAMessage {
  const addressing = opts.addressing ?? 'lid';
  const who =
    addressing === 'pn'
      ? { participant: phoneJid(from), participantAlt: lidJid(from), addressingMode: 'pn' }
      : addressing === 'lid'
        ? { participant: lidJid(from), participantAlt: phoneJid(from), addressingMode: 'lid' }
        : { participant: lidJid(from), addressingMode: 'lid' };
  return {
    key: { remoteJid: groupJid, fromMe: false, id: opts.id ?? incomingMessageId(), ...who },
    messageTimestamp: (opts.timestamp ?? nowSeconds()) as number,
    pushName: from.name,
    broadcast: false,
    message,
  };
}

/** The owner writes in their own chat ("Message yourself"), from the phone. */
export function selfChatMessage(owner: FakeUser, message: proto.IMessage, opts: IncomingOptions = {}): WAMessage {
  const byLid = (opts.addressing ?? 'pn') !== 'pn';
  return {
    key: {
      remoteJid: byLid ? lidJid(owner) : phoneJid(owner),
      remoteJidAlt: byLid ? phoneJid(owner) : lidJid(owner),
      fromMe: true,
      id: opts.id ?? incomingMessageId(),
      participant: '',
      addressingMode: byLid ? 'lid' : 'pn',
    },
    messageTimestamp: (opts.timestamp ?? nowSeconds()) as number,
    pushName: owner.name,
    broadcast: false,
    message,
  };
}

/** The owner writes to someone else from the phone (the companion sees it too). */
export function ownerToContactMessage(to: FakeUser, message: proto.IMessage): WAMessage {
  return {
    key: { remoteJid: lidJid(to), remoteJidAlt: phoneJid(to), fromMe: true, id: incomingMessageId(), participant: '', addressingMode: 'lid' },
    messageTimestamp: nowSeconds(),
    broadcast: false,
    message,
  };
}

/** A status update (stories), which is not a conversation. */
export function statusMessage(from: FakeUser, text: string): WAMessage {
  return {
    key: { remoteJid: 'status@broadcast', fromMe: false, id: incomingMessageId(), participant: lidJid(from), participantAlt: phoneJid(from) },
    messageTimestamp: nowSeconds(),
    pushName: from.name,
    broadcast: true,
    message: { extendedTextMessage: { text } },
  };
}

export interface TextOptions {
  /** JIDs @-mentioned in the text. */
  mentions?: string[];
  /** The message this one replies to. */
  quoted?: { id: string; participant: string; text?: string };
}

/** Text content: plain `conversation`, or `extendedTextMessage` when it mentions or quotes. */
export function text(body: string, opts: TextOptions = {}): proto.IMessage {
  if (!opts.mentions?.length && !opts.quoted) return { conversation: body };
  const contextInfo: proto.IContextInfo = {};
  if (opts.mentions?.length) contextInfo.mentionedJid = opts.mentions;
  if (opts.quoted) {
    contextInfo.stanzaId = opts.quoted.id;
    contextInfo.participant = opts.quoted.participant;
    contextInfo.quotedMessage = { conversation: opts.quoted.text ?? '' };
  }
  return { extendedTextMessage: { text: body, contextInfo } };
}

/** An image with an optional caption (media fields as WhatsApp sends them; the URL is encrypted media). */
export function image(caption?: string, opts: { mimetype?: string; fileLength?: number } = {}): proto.IMessage {
  return {
    imageMessage: {
      url: 'https://mmg.whatsapp.net/v/t62.7118-24/fake.enc',
      mimetype: opts.mimetype ?? 'image/jpeg',
      fileLength: opts.fileLength ?? 52_314,
      height: 800,
      width: 600,
      ...(caption ? { caption } : {}),
    },
  };
}

/** A document with an optional caption. */
export function document(fileName: string, caption?: string, opts: { mimetype?: string; fileLength?: number } = {}): proto.IMessage {
  return {
    documentMessage: {
      url: 'https://mmg.whatsapp.net/v/t62.7119-24/fake.enc',
      mimetype: opts.mimetype ?? 'application/pdf',
      fileLength: opts.fileLength ?? 120_000,
      fileName,
      ...(caption ? { caption } : {}),
    },
  };
}
