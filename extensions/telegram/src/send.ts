import type { Api } from 'grammy';
import { ChannelPermanentError, type ChannelSend } from '../../../src-shared/domain/channel.js';
import { toSendError } from './errors.js';
import { buildTelegramMessageId } from './normalize.js';

/** Bot API limit for photo and document captions (messages allow 4096). */
export const CAPTION_LIMIT = 1024;

const PHOTO_EXTENSIONS = /\.(jpe?g|png|webp)$/i;

/** Forum topic ids are message ids: whole numbers. */
function parseTopic(topic: string | undefined): number | undefined {
  if (topic === undefined || topic === '') return undefined;
  if (!/^\d+$/.test(topic)) throw new ChannelPermanentError(`Telegram topic id must be a number, got "${topic}"`);
  return Number(topic);
}

/**
 * Accepts our own `${chat}:${id}` message ids as well as a bare Telegram
 * message id. A reply into another chat names that chat (Bot API 7.0+).
 */
function parseReplyTarget(replyTo: string | undefined, chatId: string) {
  if (!replyTo) return undefined;
  const m = /^(?:(-?\d+|@\w+):)?(\d+)$/.exec(replyTo.trim());
  if (!m) return undefined;
  const target: { message_id: number; chat_id?: string; allow_sending_without_reply: boolean } = {
    message_id: Number(m[2]),
    // Deleted originals should not cost the answer.
    allow_sending_without_reply: true,
  };
  if (m[1] && m[1] !== chatId) target.chat_id = m[1];
  return target;
}

/** Picks `sendPhoto` for common image files and `sendDocument` for everything else. */
function isPhotoUrl(url: string): boolean {
  try {
    return PHOTO_EXTENSIONS.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/**
 * Sends one already-formatted (Telegram HTML) message, with its media. The
 * first medium carries the text as caption when it fits; otherwise the text
 * goes first as its own message. Returns the id of the message with the text.
 */
export async function sendTelegramMessage(api: Api, token: string, msg: ChannelSend): Promise<{ messageId: string }> {
  const chatId = msg.to.id;
  const common = {
    message_thread_id: parseTopic(msg.topicId ?? msg.threadId),
    reply_parameters: parseReplyTarget(msg.replyToMessageId, chatId),
  };
  const media = msg.mediaUrls ?? [];
  const captionFits = msg.text.length <= CAPTION_LIMIT;
  let textMessageId: string | undefined;
  try {
    if (media.length === 0 || (!captionFits && msg.text !== '')) {
      const sent = await api.sendMessage(chatId, msg.text, { ...common, parse_mode: 'HTML' });
      textMessageId = buildTelegramMessageId(sent.chat.id, sent.message_id);
    }
    for (const [i, url] of media.entries()) {
      const caption = i === 0 && textMessageId === undefined && msg.text !== '' ? { caption: msg.text, parse_mode: 'HTML' as const } : {};
      // Only the first message answers the reply target; the rest follow it.
      const opts = { ...common, ...caption, reply_parameters: i === 0 && !textMessageId ? common.reply_parameters : undefined };
      const sent = isPhotoUrl(url) ? await api.sendPhoto(chatId, url, opts) : await api.sendDocument(chatId, url, opts);
      textMessageId ??= buildTelegramMessageId(sent.chat.id, sent.message_id);
    }
  } catch (err) {
    throw toSendError(err, token);
  }
  return { messageId: textMessageId as string };
}

/** Shows "typing…" in the chat (and topic) for about five seconds. */
export async function sendTelegramTyping(api: Api, token: string, to: ChannelSend['to'], topicId?: string): Promise<void> {
  try {
    await api.sendChatAction(to.id, 'typing', { message_thread_id: parseTopic(topicId) });
  } catch (err) {
    throw toSendError(err, token);
  }
}
