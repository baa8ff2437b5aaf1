import type { InboundMessage, PeerKind } from '../../../src-shared/domain/inbound.js';

/** Who the bot is, from `getMe`. */
export interface BotIdentity {
  id: number;
  username: string;
}

/** What became of one update. `malformed` is logged louder than `skip`. */
export type NormalizeOutcome = { kind: 'message'; message: InboundMessage } | { kind: 'skip'; reason: string } | { kind: 'malformed'; reason: string };

type Rec = Record<string, unknown>;
type Attachment = NonNullable<InboundMessage['attachments']>[number];

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const PEER_KINDS: Record<string, PeerKind> = { private: 'direct', group: 'group', supergroup: 'group', channel: 'channel' };

/** The update's id, when it has a usable one (the poll offset needs it). */
export function updateIdOf(update: unknown): number | undefined {
  return isRec(update) && isInt(update.update_id) ? update.update_id : undefined;
}

/** `${chat.id}:${message_id}`: Telegram message ids are only unique within a chat. */
export function buildTelegramMessageId(chatId: number | string, messageId: number | string): string {
  return `${chatId}:${messageId}`;
}

function displayName(user: Rec): string | undefined {
  const full = [str(user.first_name), str(user.last_name)].filter(Boolean).join(' ');
  return full || str(user.username);
}

function collectAttachments(msg: Rec): Attachment[] {
  const out: Attachment[] = [];
  if (Array.isArray(msg.photo) && msg.photo.length > 0) {
    // Telegram lists the sizes smallest first; the last one is the original.
    const largest = msg.photo[msg.photo.length - 1];
    if (isRec(largest)) out.push({ kind: 'image', mimeType: 'image/jpeg', sizeBytes: num(largest.file_size) });
  }
  const file = (kind: Attachment['kind'], v: unknown, fallbackMime?: string) => {
    if (!isRec(v)) return;
    out.push({ kind, name: str(v.file_name), mimeType: str(v.mime_type) ?? fallbackMime, sizeBytes: num(v.file_size) });
  };
  if (isRec(msg.document)) {
    const mime = str(msg.document.mime_type);
    file(mime?.startsWith('image/') ? 'image' : 'file', msg.document);
  }
  file('audio', msg.voice, 'audio/ogg');
  file('audio', msg.audio);
  file('video', msg.video);
  file('video', msg.video_note, 'video/mp4');
  file('video', msg.animation);
  return out.map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Attachment);
}

/**
 * Whether the text addresses the bot: an @username mention, a text mention
 * of the bot user (no username needed), or a /command@username. Entity
 * offsets are UTF-16 code units, which is how JavaScript indexes strings.
 */
function mentionsBot(text: string, entities: unknown, bot: BotIdentity): boolean {
  if (!Array.isArray(entities)) return false;
  const handle = `@${bot.username}`.toLowerCase();
  return entities.some((e) => {
    if (!isRec(e) || !isInt(e.offset) || !isInt(e.length)) return false;
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'mention') return part === handle;
    if (e.type === 'text_mention') return isRec(e.user) && e.user.id === bot.id;
    if (e.type === 'bot_command') return part.endsWith(handle);
    return false;
  });
}

/**
 * Turns one Telegram update into an `InboundMessage`, or says why not.
 * Never throws: a payload Telegram (or a proxy) got wrong is reported as
 * `malformed` so the caller can log it and move past it.
 */
export function normalizeTelegramUpdate(update: unknown, opts: { channel: string; accountId: string; bot: BotIdentity }): NormalizeOutcome {
  if (!isRec(update)) return { kind: 'malformed', reason: 'update is not an object' };
  if (update.edited_message !== undefined || update.edited_channel_post !== undefined) return { kind: 'skip', reason: 'edited message' };
  const msg = update.message ?? update.channel_post;
  if (msg === undefined) {
    const kinds = Object.keys(update).filter((k) => k !== 'update_id');
    return { kind: 'skip', reason: `unsupported update kind (${kinds.join(', ') || 'empty'})` };
  }
  if (!isRec(msg)) return { kind: 'malformed', reason: 'message is not an object' };
  const chat = msg.chat;
  if (!isRec(chat) || !isInt(chat.id)) return { kind: 'malformed', reason: 'message has no chat id' };
  const peerKind = typeof chat.type === 'string' ? PEER_KINDS[chat.type] : undefined;
  if (!peerKind) return { kind: 'malformed', reason: `unknown chat type ${JSON.stringify(chat.type)}` };
  if (!isInt(msg.message_id)) return { kind: 'malformed', reason: 'message has no message_id' };
  if (!isInt(msg.date)) return { kind: 'malformed', reason: 'message has no date' };
  if (msg.text !== undefined && typeof msg.text !== 'string') return { kind: 'malformed', reason: 'message text is not a string' };
  if (msg.caption !== undefined && typeof msg.caption !== 'string') return { kind: 'malformed', reason: 'message caption is not a string' };

  // Channel posts and anonymous group admins speak as a chat (`sender_chat`);
  // `from` is then a placeholder bot, which must not get the message skipped.
  let senderId: string;
  let senderName: string | undefined;
  if (isRec(msg.sender_chat) && isInt(msg.sender_chat.id)) {
    senderId = String(msg.sender_chat.id);
    senderName = str(msg.sender_chat.title) ?? str(msg.sender_chat.username);
  } else if (isRec(msg.from) && isInt(msg.from.id)) {
    if (msg.from.is_bot === true) return { kind: 'skip', reason: 'sent by a bot' };
    senderId = String(msg.from.id);
    senderName = displayName(msg.from);
  } else {
    return { kind: 'malformed', reason: 'message has no sender' };
  }
  // A channel's own post copied into its discussion group: not a user speaking.
  if (msg.is_automatic_forward === true) return { kind: 'skip', reason: 'automatic forward from a linked channel' };

  const text = (msg.text ?? msg.caption ?? '') as string;
  const attachments = collectAttachments(msg);
  if (text === '' && attachments.length === 0) return { kind: 'skip', reason: 'no text or media (service message)' };

  const topicId = msg.is_topic_message === true && isInt(msg.message_thread_id) ? msg.message_thread_id : undefined;
  // In a forum topic every message "replies" to the topic's creation message
  // (whose id is the thread id); that is not a reply the user chose.
  const reply = isRec(msg.reply_to_message) && isInt(msg.reply_to_message.message_id) && msg.reply_to_message.message_id !== topicId ? msg.reply_to_message : undefined;
  const replyToBot = reply !== undefined && isRec(reply.from) && reply.from.id === opts.bot.id;
  const mentioned = replyToBot || mentionsBot(text, msg.entities ?? msg.caption_entities, opts.bot);

  const message: InboundMessage = {
    channel: opts.channel,
    accountId: opts.accountId,
    messageId: buildTelegramMessageId(chat.id, msg.message_id),
    senderId,
    peer: { kind: peerKind, id: String(chat.id) },
    text,
    mentioned,
    timestampMs: msg.date * 1000,
  };
  if (senderName) message.senderName = senderName;
  if (topicId !== undefined) message.topicId = String(topicId);
  if (reply) message.replyToMessageId = buildTelegramMessageId(chat.id, reply.message_id as number);
  if (attachments.length > 0) message.attachments = attachments;
  return { kind: 'message', message };
}
