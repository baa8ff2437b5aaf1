/**
 * Discord messages → `InboundMessage`. DMs are keyed by the user, guild
 * channels by the channel, and threads by the thread with the parent channel
 * as `parentPeer`. Policy (who may talk, whether a mention is required) is
 * core's; this only reports the facts.
 */
import { MessageType, type Attachment, type Message } from 'discord.js';
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

/** Who is listening: the ids an inbound message is stamped with, and the bot's own user id. */
export interface NormalizeContext {
  channel: string;
  accountId: string;
  botUserId: string;
}

/** Why a message was not turned into an `InboundMessage` (for debug logs). */
export type SkipReason = 'own' | 'bot' | 'webhook' | 'system' | 'empty';

type Attachments = NonNullable<InboundMessage['attachments']>;

function attachmentKind(mime: string | null): Attachments[number]['kind'] {
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('audio/')) return 'audio';
  if (mime?.startsWith('video/')) return 'video';
  return 'file';
}

function toAttachment(a: Attachment): Attachments[number] {
  return {
    kind: attachmentKind(a.contentType),
    url: a.url,
    ...(a.contentType ? { mimeType: a.contentType } : {}),
    ...(a.name ? { name: a.name } : {}),
    sizeBytes: a.size,
  };
}

/**
 * Whether the bot was addressed: @-mentioned, its managed role @-mentioned
 * (Discord's autocomplete often picks the role named like the bot), or the
 * message replies to one of the bot's messages.
 */
export function isBotMentioned(message: Message, botUserId: string): boolean {
  if (message.mentions.users.has(botUserId)) return true;
  if (message.mentions.repliedUser?.id === botUserId) return true;
  return message.mentions.roles.some((role) => role.tags?.botId === botUserId);
}

/** Normalise one message, or say why it is skipped. */
export function normalizeMessage(message: Message, nc: NormalizeContext): InboundMessage | SkipReason {
  const author = message.author;
  if (author.id === nc.botUserId) return 'own';
  if (message.webhookId) return 'webhook';
  if (author.bot || author.system) return 'bot';
  if (message.type !== MessageType.Default && message.type !== MessageType.Reply) return 'system';
  const attachments = [...message.attachments.values()].map(toAttachment);
  if (!message.content && attachments.length === 0) return 'empty';

  const base: InboundMessage = {
    channel: nc.channel,
    accountId: nc.accountId,
    messageId: message.id,
    senderId: author.id,
    senderName: message.member?.displayName ?? author.globalName ?? author.username,
    peer: { kind: 'direct', id: author.id },
    text: message.content,
    timestampMs: message.createdTimestamp,
    ...(attachments.length ? { attachments } : {}),
    ...(message.type === MessageType.Reply && message.reference?.messageId ? { replyToMessageId: message.reference.messageId } : {}),
  };
  if (!message.inGuild()) return base;

  const channel = message.channel;
  const roles = message.member ? [...message.member.roles.cache.keys()].filter((id) => id !== message.guildId) : [];
  const where: Pick<InboundMessage, 'peer' | 'parentPeer' | 'threadId'> =
    channel.isThread() && channel.parentId
      ? { peer: { kind: 'channel', id: channel.id }, parentPeer: { kind: 'channel', id: channel.parentId }, threadId: channel.id }
      : { peer: { kind: 'channel', id: channel.id } };
  return {
    ...base,
    ...where,
    guildId: message.guildId,
    memberRoleIds: roles,
    mentioned: isBotMentioned(message, nc.botUserId),
  };
}
