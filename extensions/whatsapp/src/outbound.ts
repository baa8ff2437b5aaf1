/**
 * Outbound helpers: message content for text and media by URL, a bounded
 * memory of recent messages (to quote them in replies and to answer Baileys'
 * re-send requests), and how send failures map onto core's error classes.
 */
import type { AnyMessageContent, WAMessage, WAMessageKey, proto } from '@whiskeysockets/baileys';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { redactDigits } from './jid.js';
import { statusCodeOf } from './socket.js';

/** A send that failed because the socket is (re)connecting; delivery should retry it. */
export class WhatsAppNotConnectedError extends Error {
  override name = 'WhatsAppNotConnectedError';
  /** Core's delivery may retry this. */
  readonly retryable = true;
  constructor(message = 'WhatsApp is not connected right now (reconnecting); try again shortly') {
    super(message);
  }
}

/** An insertion-ordered map that forgets its oldest entries past `limit`. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly limit: number) {}
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as K);
  }
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  has(key: K): boolean {
    return this.map.has(key);
  }
}

/** Recent messages by core's `messageId`, and their content by WhatsApp key id. */
export class RecentMessages {
  private readonly byId: BoundedMap<string, WAMessage>;
  private readonly byKeyId: BoundedMap<string, proto.IMessage>;
  constructor(limit = 500) {
    this.byId = new BoundedMap(limit);
    this.byKeyId = new BoundedMap(limit);
  }
  remember(messageId: string, msg: WAMessage): void {
    this.byId.set(messageId, msg);
    if (msg.key?.id && msg.message) this.byKeyId.set(msg.key.id, msg.message);
  }
  /** The message to quote for core's `replyToMessageId`; only full messages can be quoted. */
  quotable(messageId: string): WAMessage | undefined {
    const m = this.byId.get(messageId);
    return m?.message ? m : undefined;
  }
  /** Content of a message by its key (Baileys asks when a recipient could not decrypt it). */
  contentFor(key: WAMessageKey): proto.IMessage | undefined {
    return key.id ? this.byKeyId.get(key.id) : undefined;
  }
}

const IMAGE_EXT = /\.(png|jpe?g|gif|webp)$/i;
const VIDEO_EXT = /\.(mp4|m4v|mov|3gp)$/i;
const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Content for one media URL: images and videos inline, anything else as a document. */
export function mediaContent(url: string, caption: string | undefined): AnyMessageContent {
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // Not a URL Baileys can fetch either; let it report that.
  }
  const withCaption = caption ? { caption } : {};
  if (IMAGE_EXT.test(pathname)) return { image: { url }, ...withCaption };
  if (VIDEO_EXT.test(pathname)) return { video: { url }, ...withCaption };
  const fileName = decodeURIComponent(pathname.split('/').pop() || 'file');
  const ext = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
  return { document: { url }, mimetype: MIME[ext] ?? 'application/octet-stream', fileName, ...withCaption };
}

/** Maps a Baileys send failure onto core's error classes. */
export function mapSendError(err: unknown): Error {
  const code = statusCodeOf(err);
  const message = redactDigits(err instanceof Error ? err.message : String(err));
  if (code === 429) return new ChannelRateLimitError(5000, `WhatsApp is rate limiting sends: ${message}`);
  if (code === 401) return new ChannelAuthError('WhatsApp logged this device out (401). Link again: openclaw channels login whatsapp');
  if (code === 428 || code === 408 || /connection closed/i.test(message)) return new WhatsAppNotConnectedError();
  if (code === 400 || code === 403 || code === 404 || code === 406) return new ChannelPermanentError(`WhatsApp rejected the message (${code}): ${message}`);
  return new Error(`WhatsApp send failed: ${message}`);
}
