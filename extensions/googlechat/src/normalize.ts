/**
 * Google Chat interaction events → `InboundMessage`. Pure, table-tested.
 *
 * Two event shapes reach an HTTP endpoint:
 *   classic Chat app events: { type: 'MESSAGE', space, message, user, eventTime }
 *     (ADDED_TO_SPACE carries a message too when the app was added by @-mention);
 *   Workspace add-on events: { chat: { user, eventTime, messagePayload: { space, message } } }.
 */
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

interface ChatUser {
  name?: string;
  displayName?: string;
  type?: string;
}

interface ChatSpace {
  name?: string;
  type?: string;
  spaceType?: string;
  singleUserBotDm?: boolean;
}

interface ChatMessage {
  name?: string;
  sender?: ChatUser;
  createTime?: string;
  text?: string;
  argumentText?: string;
  thread?: { name?: string };
  threadReply?: boolean;
  space?: ChatSpace;
  annotations?: { type?: string; userMention?: { user?: ChatUser } }[];
  slashCommand?: unknown;
  quotedMessageMetadata?: { name?: string };
  attachment?: { contentName?: string; contentType?: string; downloadUri?: string }[];
}

/** What the endpoint should do with one event. */
export type ChatEventResult =
  | { kind: 'message'; msg: InboundMessage; dmSpace?: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Narrows a typed-but-untrusted field without losing its declared shape.
const present = <T>(v: T | undefined | null): v is T => typeof v === 'object' && v !== null && !Array.isArray(v);

function attachmentKind(mime: string | undefined): 'image' | 'audio' | 'video' | 'file' {
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('audio/')) return 'audio';
  if (mime?.startsWith('video/')) return 'video';
  return 'file';
}

function unwrap(event: Record<string, unknown>): { space?: ChatSpace; message?: ChatMessage; user?: ChatUser; eventTime?: string } | string {
  const chat = event.chat;
  if (isObject(chat)) {
    const payload = chat.messagePayload;
    if (!isObject(payload)) return `add-on event without messagePayload (${Object.keys(chat).filter((k) => k.endsWith('Payload')).join(', ') || 'none'})`;
    return { space: payload.space as ChatSpace, message: payload.message as ChatMessage, user: chat.user as ChatUser, eventTime: chat.eventTime as string };
  }
  const type = event.type;
  if (type === 'MESSAGE' || (type === 'ADDED_TO_SPACE' && isObject(event.message))) {
    return { space: event.space as ChatSpace, message: event.message as ChatMessage, user: event.user as ChatUser, eventTime: event.eventTime as string };
  }
  return `event type ${typeof type === 'string' ? type : 'unknown'}`;
}

/** Normalise one event; `botUser` (users/…) names the app for mention detection. */
export function normalizeChatEvent(event: unknown, ctx: { channel: string; accountId: string; botUser?: string }): ChatEventResult {
  if (!isObject(event)) return { kind: 'invalid', reason: 'event is not an object' };
  const parts = unwrap(event);
  if (typeof parts === 'string') return { kind: 'ignored', reason: parts };
  const { message, user, eventTime } = parts;
  if (!present(message)) return { kind: 'invalid', reason: 'message event without a message' };
  const space = present(parts.space) ? parts.space : message.space;
  const sender = present(message.sender) ? message.sender : user;
  if (typeof message.name !== 'string' || !present(space) || typeof space.name !== 'string' || !present(sender) || typeof sender.name !== 'string') {
    return { kind: 'invalid', reason: 'message lacks name, space or sender' };
  }
  // The app's own posts and other apps' posts are not for the assistant.
  if (sender.type === 'BOT') return { kind: 'ignored', reason: 'sent by an app' };

  const attachments = (Array.isArray(message.attachment) ? message.attachment : []).filter(present).map((a) => ({
    kind: attachmentKind(a.contentType),
    ...(a.downloadUri ? { url: a.downloadUri } : {}),
    ...(a.contentType ? { mimeType: a.contentType } : {}),
    ...(a.contentName ? { name: a.contentName } : {}),
  }));
  const text = typeof message.text === 'string' ? message.text : typeof message.argumentText === 'string' ? message.argumentText : '';
  if (!text.trim() && attachments.length === 0) return { kind: 'ignored', reason: 'no text' };

  const isDm = space.type === 'DM' || space.spaceType === 'DIRECT_MESSAGE' || space.singleUserBotDm === true;
  const spacePeer = { kind: 'group' as const, id: space.name };
  const mentionsApp = (Array.isArray(message.annotations) ? message.annotations : []).some(
    (a) => a?.type === 'USER_MENTION' && (ctx.botUser ? a.userMention?.user?.name === ctx.botUser : a.userMention?.user?.type === 'BOT'),
  );
  // Every Chat message has a thread; only replies inside one are threaded conversations.
  const threadId = message.threadReply === true && message.thread?.name ? message.thread.name : undefined;
  const when = Date.parse(message.createTime ?? eventTime ?? '');
  const msg: InboundMessage = {
    channel: ctx.channel,
    accountId: ctx.accountId,
    messageId: message.name,
    senderId: sender.name,
    ...(sender.displayName ? { senderName: sender.displayName } : {}),
    peer: isDm ? { kind: 'direct', id: sender.name } : spacePeer,
    ...(threadId ? { threadId, parentPeer: isDm ? { kind: 'direct', id: sender.name } : spacePeer } : {}),
    text,
    ...(isDm ? {} : { mentioned: mentionsApp || message.slashCommand !== undefined }),
    ...(message.quotedMessageMetadata?.name ? { replyToMessageId: message.quotedMessageMetadata.name } : {}),
    timestampMs: Number.isFinite(when) ? when : Date.now(),
    ...(attachments.length ? { attachments } : {}),
  };
  return { kind: 'message', msg, ...(isDm ? { dmSpace: space.name } : {}) };
}
