/**
 * Bot Framework activities from Teams → `InboundMessage`. Pure, table-tested.
 *
 * Teams conversations (`conversation.conversationType`):
 *   personal   a DM with the bot; conversation id `a:…`
 *   groupChat  a group chat; id `19:…@thread.v2`
 *   channel    a team channel; id `19:…@thread.tacv2;messageid=<root post>`: every
 *              channel message lives in the thread of a root post, so the thread
 *              id is that root, and replies go back into it.
 */
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

interface ChannelAccountJson {
  id?: string;
  name?: string;
  aadObjectId?: string;
  role?: string;
}

/** The fields of an activity this channel reads. */
export interface ActivityJson {
  type?: string;
  id?: string;
  timestamp?: string;
  serviceUrl?: string;
  channelId?: string;
  from?: ChannelAccountJson;
  recipient?: ChannelAccountJson;
  conversation?: { id?: string; conversationType?: string; isGroup?: boolean; tenantId?: string };
  text?: string;
  replyToId?: string;
  entities?: { type?: string; mentioned?: ChannelAccountJson; text?: string }[];
  attachments?: { contentType?: string; contentUrl?: string; name?: string; content?: { downloadUrl?: string } }[];
  channelData?: { team?: { id?: string }; tenant?: { id?: string } };
}

/** Where to answer a conversation: remembered so replies and later sends find it. */
export interface ConversationRef {
  /** Conversation id without `;messageid=`. */
  conversationId: string;
  serviceUrl: string;
  tenantId?: string;
}

/** What the endpoint should do with one activity. */
export type ActivityResult =
  | { kind: 'message'; msg: InboundMessage; ref: ConversationRef }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string' && v !== '';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Teams escapes `<`, `>` and `&` in message text and wraps mentions in `<at>…</at>`. */
function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Split `19:x@thread.tacv2;messageid=123` into the conversation and the thread root. */
export function splitConversationId(id: string): { base: string; threadId?: string } {
  const m = /^(.*?);messageid=(.+)$/i.exec(id);
  return m ? { base: m[1], threadId: m[2] } : { base: id };
}

/** `base;messageid=thread`, the conversation id that posts into a channel thread. */
export function threadConversationId(base: string, threadId?: string): string {
  return threadId ? `${base};messageid=${threadId}` : base;
}

function attachmentKind(mime: string | undefined): 'image' | 'audio' | 'video' | 'file' {
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('audio/')) return 'audio';
  if (mime?.startsWith('video/')) return 'video';
  return 'file';
}

/** Normalise one activity; `appId` names the bot for mention detection (`28:<appId>`). */
export function normalizeActivity(raw: unknown, ctx: { channel: string; accountId: string; appId: string }): ActivityResult {
  if (!isObject(raw)) return { kind: 'invalid', reason: 'activity is not an object' };
  const a = raw as ActivityJson;
  if (a.type !== 'message') return { kind: 'ignored', reason: `activity type ${str(a.type) ? a.type : 'unknown'}` };
  const conv = isObject(a.conversation) ? a.conversation : undefined;
  const from = isObject(a.from) ? a.from : undefined;
  if (!str(a.id) || !conv || !str(conv.id) || !from || !str(from.id) || !str(a.serviceUrl)) {
    return { kind: 'invalid', reason: 'message lacks id, conversation, sender or serviceUrl' };
  }
  if (from.role === 'bot') return { kind: 'ignored', reason: 'sent by a bot' };

  const botIds = new Set([`28:${ctx.appId}`, ctx.appId, ...(isObject(a.recipient) && str(a.recipient.id) ? [a.recipient.id] : [])]);
  const mentions = (Array.isArray(a.entities) ? a.entities : []).filter((e) => isObject(e) && e.type?.toLowerCase() === 'mention' && isObject(e.mentioned));
  const botMention = mentions.find((m) => str(m.mentioned?.id) && botIds.has(m.mentioned.id));
  let text = typeof a.text === 'string' ? a.text : '';
  // The bot's own mention is addressing, not content; other people's mentions read as @Name.
  if (botMention && str(botMention.text)) text = text.replace(botMention.text, '');
  text = decodeEntities(text.replace(/<at>(.*?)<\/at>/gi, '@$1')).trim();

  const attachments = (Array.isArray(a.attachments) ? a.attachments : [])
    .filter((x) => isObject(x) && x.contentType !== 'text/html')
    .map((x) => {
      const url = str(x.contentUrl) ? x.contentUrl : isObject(x.content) && str(x.content.downloadUrl) ? x.content.downloadUrl : undefined;
      const mime = x.contentType?.startsWith('application/vnd.microsoft.') ? undefined : x.contentType;
      return { kind: attachmentKind(mime), ...(url ? { url } : {}), ...(mime ? { mimeType: mime } : {}), ...(str(x.name) ? { name: x.name } : {}) };
    })
    .filter((x) => x.url || x.name);
  if (!text && attachments.length === 0) return { kind: 'ignored', reason: 'no text' };

  const isDm = conv.conversationType === 'personal' || (conv.conversationType === undefined && conv.isGroup !== true);
  const { base, threadId: fromId } = splitConversationId(conv.id);
  const threadId = conv.conversationType === 'channel' ? (fromId ?? (str(a.replyToId) ? a.replyToId : a.id)) : undefined;
  const group = { kind: 'group' as const, id: base };
  const tenantId = str(conv.tenantId) ? conv.tenantId : isObject(a.channelData) && str(a.channelData.tenant?.id) ? a.channelData.tenant.id : undefined;
  const teamId = isObject(a.channelData) && str(a.channelData.team?.id) ? a.channelData.team.id : undefined;
  const when = Date.parse(a.timestamp ?? '');
  const msg: InboundMessage = {
    channel: ctx.channel,
    accountId: ctx.accountId,
    messageId: a.id,
    senderId: from.id,
    ...(str(from.name) ? { senderName: from.name } : {}),
    peer: isDm ? { kind: 'direct', id: from.id } : group,
    ...(threadId ? { threadId, parentPeer: group } : {}),
    ...(teamId ? { teamId } : {}),
    text,
    ...(isDm ? {} : { mentioned: botMention !== undefined }),
    ...(str(a.replyToId) ? { replyToMessageId: a.replyToId } : {}),
    timestampMs: Number.isFinite(when) ? when : Date.now(),
    ...(attachments.length ? { attachments } : {}),
  };
  return { kind: 'message', msg, ref: { conversationId: base, serviceUrl: a.serviceUrl, ...(tenantId ? { tenantId } : {}) } };
}
