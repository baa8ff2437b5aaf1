/**
 * Matrix room events → `InboundMessage`. Pure: the adapter looks up whether
 * the room is a direct chat and who the bot is, this decides what the
 * message says. Direct chats are keyed by the sender's user id (so pairing,
 * allowlists and `send --to @user:server` name people); other rooms by room id.
 */
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

/** The fields of a (decrypted) room event the normaliser reads. */
export interface RoomEventFacts {
  eventId: string;
  roomId: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
  timestampMs: number;
  senderName?: string;
}

export interface NormalizeContext {
  channel: string;
  accountId: string;
  botUserId: string;
  botDisplayName?: string;
  /** The room is a direct chat (in `m.direct`, or only the bot and the sender are in it). */
  direct: boolean;
}

export type NormalizeOutcome = { kind: 'message'; message: InboundMessage } | { kind: 'skip'; reason: string };

const ATTACHMENT_KINDS: Record<string, 'image' | 'audio' | 'video' | 'file'> = { 'm.image': 'image', 'm.audio': 'audio', 'm.video': 'video', 'm.file': 'file' };

/** One room event as a message for core, or why it is not one. */
export function normalizeMatrixEvent(ev: RoomEventFacts, ctx: NormalizeContext): NormalizeOutcome {
  if (ev.sender === ctx.botUserId) return { kind: 'skip', reason: 'own message' };
  if (ev.type !== 'm.room.message') return { kind: 'skip', reason: `event type ${ev.type}` };
  const c = ev.content;
  const msgtype = typeof c.msgtype === 'string' ? c.msgtype : '';
  // Bots talk to each other in notices; answering them would start a loop.
  if (msgtype === 'm.notice') return { kind: 'skip', reason: 'notice' };
  const rel = (c['m.relates_to'] ?? {}) as { rel_type?: string; event_id?: string; is_falling_back?: boolean; 'm.in_reply_to'?: { event_id?: string } };
  if (rel.rel_type === 'm.replace') return { kind: 'skip', reason: 'edit' };
  if (typeof c.body !== 'string') return { kind: 'skip', reason: 'no body' };

  const replyTo = rel['m.in_reply_to']?.event_id;
  const threadId = rel.rel_type === 'm.thread' && typeof rel.event_id === 'string' ? rel.event_id : undefined;
  const isReply = typeof replyTo === 'string' && !(threadId && rel.is_falling_back);
  let text = isReply ? stripReplyFallback(c.body) : c.body;
  if (msgtype === 'm.emote') text = `* ${ev.senderName ?? ev.sender} ${text}`;
  const attachmentKind = ATTACHMENT_KINDS[msgtype];
  const info = (c.info ?? {}) as { mimetype?: string; size?: number };
  const message: InboundMessage = {
    channel: ctx.channel,
    accountId: ctx.accountId,
    messageId: ev.eventId,
    senderId: ev.sender,
    ...(ev.senderName ? { senderName: ev.senderName } : {}),
    peer: ctx.direct ? { kind: 'direct', id: ev.sender } : { kind: 'group', id: ev.roomId },
    ...(threadId ? { threadId } : {}),
    text,
    mentioned: ctx.direct ? false : mentionsBot(c, ctx),
    ...(isReply ? { replyToMessageId: replyTo } : {}),
    timestampMs: ev.timestampMs,
    ...(attachmentKind
      ? { attachments: [{ kind: attachmentKind, ...(typeof c.url === 'string' ? { url: c.url } : {}), ...(info.mimetype ? { mimeType: info.mimetype } : {}), name: c.body, ...(typeof info.size === 'number' ? { sizeBytes: info.size } : {}) }] }
      : {}),
  };
  return { kind: 'message', message };
}

/**
 * Whether a message is addressed to the bot: `m.mentions` names it (the
 * spec's intentional mentions); or, from clients that do not send
 * `m.mentions`, the body or a matrix.to pill names its user id or display name.
 */
export function mentionsBot(content: Record<string, unknown>, ctx: Pick<NormalizeContext, 'botUserId' | 'botDisplayName'>): boolean {
  const mentions = content['m.mentions'] as { user_ids?: unknown } | undefined;
  if (mentions && typeof mentions === 'object') return Array.isArray(mentions.user_ids) && mentions.user_ids.includes(ctx.botUserId);
  const body = typeof content.body === 'string' ? content.body : '';
  const html = typeof content.formatted_body === 'string' ? content.formatted_body : '';
  if (body.includes(ctx.botUserId) || html.includes(`matrix.to/#/${ctx.botUserId}`) || html.includes(`matrix.to/#/${encodeURIComponent(ctx.botUserId)}`)) return true;
  const name = ctx.botDisplayName?.trim();
  if (!name) return false;
  return new RegExp(`(^|[^\\p{L}\\p{N}_])${escapeRegExp(name)}($|[^\\p{L}\\p{N}_])`, 'iu').test(body);
}

/** Replies used to quote the parent as `> ` lines and a blank line before the answer; the answer is the rest. */
export function stripReplyFallback(body: string): string {
  const lines = body.split('\n');
  if (!lines[0]?.startsWith('> ')) return body;
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('>')) i++;
  if (lines[i] === '') i++;
  return lines.slice(i).join('\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
