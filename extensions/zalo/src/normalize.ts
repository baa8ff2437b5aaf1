/**
 * Zalo Bot Platform updates → `InboundMessage`. Pure, table-tested.
 * An update is `{ event_name, message: { message_id, from, chat, date, text } }`;
 * `chat.chat_type` is PRIVATE or GROUP, `date` is in milliseconds.
 */
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

interface ZaloMessage {
  message_id?: string;
  from?: { id?: string; display_name?: string; is_bot?: boolean };
  chat?: { id?: string; chat_type?: string };
  date?: number;
  text?: string;
  photo_url?: string;
  caption?: string;
}

/** What to do with one update. */
export type ZaloUpdateResult = { kind: 'message'; msg: InboundMessage } | { kind: 'ignored'; reason: string };

const present = <T>(v: T | undefined | null): v is T => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Normalise one update; `botName` (from getMe) recognises @-mentions in groups. */
export function normalizeZaloUpdate(update: unknown, ctx: { channel: string; accountId: string; botName?: string }): ZaloUpdateResult {
  if (!present(update as Record<string, unknown>)) return { kind: 'ignored', reason: 'update is not an object' };
  const u = update as { event_name?: string; message?: ZaloMessage };
  const m = u.message;
  if (!present(m) || !nonEmpty(m.message_id) || !present(m.from) || !nonEmpty(m.from.id) || !present(m.chat) || !nonEmpty(m.chat.id)) {
    return { kind: 'ignored', reason: `update without a message (${String(u.event_name)})` };
  }
  if (m.from.is_bot) return { kind: 'ignored', reason: 'sent by a bot' };
  const isImage = u.event_name === 'message.image.received';
  const text = typeof m.text === 'string' ? m.text : typeof m.caption === 'string' ? m.caption : '';
  if (!text.trim() && !isImage) return { kind: 'ignored', reason: `${String(u.event_name)} without text` };
  const isGroup = m.chat.chat_type === 'GROUP';
  const name = ctx.botName?.trim();
  const mentioned = !!name && text.toLowerCase().includes(`@${name.toLowerCase()}`);
  return {
    kind: 'message',
    msg: {
      channel: ctx.channel,
      accountId: ctx.accountId,
      messageId: m.message_id,
      senderId: m.from.id,
      ...(nonEmpty(m.from.display_name) ? { senderName: m.from.display_name } : {}),
      peer: isGroup ? { kind: 'group', id: m.chat.id } : { kind: 'direct', id: m.from.id },
      text,
      ...(isGroup ? { mentioned } : {}),
      timestampMs: typeof m.date === 'number' && Number.isFinite(m.date) ? m.date : Date.now(),
      ...(isImage ? { attachments: [{ kind: 'image' as const, ...(nonEmpty(m.photo_url) ? { url: m.photo_url } : {}) }] } : {}),
    },
  };
}
