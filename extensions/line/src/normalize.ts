/**
 * LINE webhook events → `InboundMessage`. Pure, table-tested.
 *
 * A webhook body is `{ destination, events: [...] }`; a message event carries
 * `source` (user, group or room), a `replyToken`, `webhookEventId` and
 * `message` (`text` with optional `mention.mentionees`, or media).
 */
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

interface LineSource {
  type?: string;
  userId?: string;
  groupId?: string;
  roomId?: string;
}

interface LineMentionee {
  type?: string;
  userId?: string;
  isSelf?: boolean;
}

interface LineMessage {
  id?: string;
  type?: string;
  text?: string;
  fileName?: string;
  fileSize?: number;
  quotedMessageId?: string;
  mention?: { mentionees?: LineMentionee[] };
}

/** One webhook event, as far as the adapter reads it. */
export interface LineEvent {
  type?: string;
  mode?: string;
  timestamp?: number;
  webhookEventId?: string;
  replyToken?: string;
  source?: LineSource;
  message?: LineMessage;
  deliveryContext?: { isRedelivery?: boolean };
}

/** What to do with one event. `replyToken` is kept for the first answer to this peer. */
export type LineEventResult =
  | { kind: 'message'; msg: InboundMessage; replyToken?: string }
  | { kind: 'ignored'; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';
// Narrows a typed-but-untrusted field without losing its declared shape.
const present = <T>(v: T | undefined | null): v is T => typeof v === 'object' && v !== null && !Array.isArray(v);

const MEDIA: Record<string, 'image' | 'audio' | 'video' | 'file'> = { image: 'image', audio: 'audio', video: 'video', file: 'file' };

/** The events of a webhook body, or a reason it is not one. */
export function webhookEvents(body: unknown): LineEvent[] | string {
  if (!isObject(body) || !Array.isArray(body.events)) return 'body has no events array';
  return body.events.filter(isObject) as LineEvent[];
}

/** Normalise one event; `botUserId` (from `GET /v2/bot/info`) recognises mentions of the bot. */
export function normalizeLineEvent(event: LineEvent, ctx: { channel: string; accountId: string; botUserId?: string }): LineEventResult {
  if (event.type !== 'message') return { kind: 'ignored', reason: `event type ${String(event.type)}` };
  // Standby: another channel module owns the chat; the bot must not answer.
  if (event.mode === 'standby') return { kind: 'ignored', reason: 'standby mode' };
  const { source, message } = event;
  if (!present(source) || !present(message) || !nonEmpty(message.id)) return { kind: 'ignored', reason: 'message event without source or message id' };
  if (!nonEmpty(source.userId)) return { kind: 'ignored', reason: 'sender unknown (no userId)' };
  const media = typeof message.type === 'string' && Object.hasOwn(MEDIA, message.type) ? MEDIA[message.type] : undefined;
  const text = message.type === 'text' && typeof message.text === 'string' ? message.text : '';
  if (!text.trim() && !media) return { kind: 'ignored', reason: `${String(message.type)} message without text` };

  let peer: InboundMessage['peer'];
  if (source.type === 'user') peer = { kind: 'direct', id: source.userId };
  else if (source.type === 'group' && nonEmpty(source.groupId)) peer = { kind: 'group', id: source.groupId };
  else if (source.type === 'room' && nonEmpty(source.roomId)) peer = { kind: 'group', id: source.roomId };
  else return { kind: 'ignored', reason: `source type ${String(source.type)}` };

  const mentionees = present(message.mention) && Array.isArray(message.mention.mentionees) ? message.mention.mentionees.filter(present) : [];
  const mentioned = mentionees.some((m) => m.isSelf === true || (ctx.botUserId !== undefined && m.userId === ctx.botUserId) || m.type === 'all');
  const msg: InboundMessage = {
    channel: ctx.channel,
    accountId: ctx.accountId,
    messageId: message.id,
    senderId: source.userId,
    peer,
    text,
    ...(peer.kind === 'group' ? { mentioned } : {}),
    ...(nonEmpty(message.quotedMessageId) ? { replyToMessageId: message.quotedMessageId } : {}),
    timestampMs: typeof event.timestamp === 'number' && Number.isFinite(event.timestamp) ? event.timestamp : Date.now(),
    ...(media
      ? { attachments: [{ kind: media, ...(nonEmpty(message.fileName) ? { name: message.fileName } : {}), ...(typeof message.fileSize === 'number' ? { sizeBytes: message.fileSize } : {}) }] }
      : {}),
  };
  return { kind: 'message', msg, ...(nonEmpty(event.replyToken) ? { replyToken: event.replyToken } : {}) };
}
