/**
 * Slack `message` / `app_mention` events → `InboundMessage`. Pure: the
 * adapter resolves what needs the Web API (conversation kind for events that
 * lack `channel_type`, display names) and passes it in.
 *
 * Peers: a DM is the user (`direct`); public and private channels are
 * `channel`; multi-person DMs are `group`. A thread reply keeps the channel
 * as its peer and carries the thread root's ts as `threadId` (core appends
 * it to the session key), with the channel again as `parentPeer` so bindings
 * on the channel apply: a Slack thread is not a conversation with its own
 * id, and replies to it are posted to the channel with `thread_ts`.
 */
import type { InboundMessage, PeerKind } from '../../../src-shared/domain/inbound.js';

/** The parts of a Slack message event the adapter uses, checked. */
export interface SlackMessageFields {
  eventType: 'message' | 'app_mention';
  channel: string;
  user: string;
  /** Raw Slack text (entities and `<@U…>` markup as sent). */
  text: string;
  ts: string;
  threadTs?: string;
  parentUserId?: string;
  channelType?: string;
  team?: string;
  /** Display name Slack sometimes includes (`user_profile`). */
  profileName?: string;
  files: { name?: string; mimeType?: string; sizeBytes?: number; url?: string }[];
}

/** A readable event, one that is not for us, or one that is broken. */
export type SlackReadResult =
  | { ok: true; fields: SlackMessageFields }
  | { ok: false; malformed: boolean; reason: string };

/** Subtypes that are people writing: plain messages carry none. */
const USER_SUBTYPES = new Set(['file_share', 'thread_broadcast']);
const TS = /^\d+\.\d+$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Check one event; say why it is skipped when it is not a person's message. */
export function readSlackMessageEvent(event: unknown, botUserId: string): SlackReadResult {
  if (!isRecord(event)) return { ok: false, malformed: true, reason: 'event is not an object' };
  const { type, subtype } = event;
  if (type !== 'message' && type !== 'app_mention') return { ok: false, malformed: true, reason: `unexpected event type ${String(type)}` };
  if (subtype !== undefined && !USER_SUBTYPES.has(String(subtype))) return { ok: false, malformed: false, reason: `subtype ${String(subtype)}` };
  if (event.bot_id !== undefined || event.hidden === true) return { ok: false, malformed: false, reason: 'bot or hidden message' };
  if (!nonEmpty(event.channel)) return { ok: false, malformed: true, reason: 'no channel' };
  if (!nonEmpty(event.user)) return { ok: false, malformed: true, reason: 'no user' };
  if (typeof event.ts !== 'string' || !TS.test(event.ts)) return { ok: false, malformed: true, reason: 'no valid ts' };
  if (event.text !== undefined && typeof event.text !== 'string') return { ok: false, malformed: true, reason: 'text is not a string' };
  if (event.thread_ts !== undefined && (typeof event.thread_ts !== 'string' || !TS.test(event.thread_ts))) {
    return { ok: false, malformed: true, reason: 'invalid thread_ts' };
  }
  if (event.user === botUserId) return { ok: false, malformed: false, reason: 'own message' };
  const files = Array.isArray(event.files) ? event.files.filter(isRecord).map(readFile) : [];
  const text = (event.text as string | undefined) ?? '';
  if (!text.trim() && files.length === 0) return { ok: false, malformed: false, reason: 'empty message' };
  const profile = isRecord(event.user_profile) ? event.user_profile : undefined;
  const profileName = [profile?.display_name, profile?.real_name, profile?.name].find(nonEmpty);
  return {
    ok: true,
    fields: {
      eventType: type,
      channel: event.channel,
      user: event.user,
      text,
      ts: event.ts,
      threadTs: event.thread_ts as string | undefined,
      parentUserId: nonEmpty(event.parent_user_id) ? event.parent_user_id : undefined,
      channelType: nonEmpty(event.channel_type) ? event.channel_type : undefined,
      team: nonEmpty(event.team) ? event.team : undefined,
      profileName,
      files,
    },
  };
}

function readFile(file: Record<string, unknown>): SlackMessageFields['files'][number] {
  return {
    name: nonEmpty(file.name) ? file.name : undefined,
    mimeType: nonEmpty(file.mimetype) ? file.mimetype : undefined,
    sizeBytes: typeof file.size === 'number' ? file.size : undefined,
    // url_private needs the bot token in an Authorization header to download.
    url: nonEmpty(file.url_private) ? file.url_private : undefined,
  };
}

/** Peer kind from an event's `channel_type`; undefined when absent (`app_mention`). */
export function peerKindFromChannelType(channelType: string | undefined): PeerKind | undefined {
  switch (channelType) {
    case 'im':
      return 'direct';
    case 'mpim':
      return 'group';
    case 'channel':
    case 'group':
      return 'channel';
    default:
      return undefined;
  }
}

/** Best guess from the id alone: `D…` is a DM; private channels and group DMs share other prefixes. */
export function peerKindFromChannelId(channel: string): PeerKind {
  return channel.startsWith('D') ? 'direct' : 'channel';
}

/** Our message id for a Slack message: ts is unique only within its conversation. */
export function slackMessageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/** The ts part of {@link slackMessageId}, or the input when it is a bare ts. */
export function slackTsOf(messageId: string): string | undefined {
  const ts = messageId.slice(messageId.lastIndexOf(':') + 1);
  return TS.test(ts) ? ts : undefined;
}

/** Slack's own escaping of `&`, `<`, `>` undone, so the text is as the user typed it. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** True when `text` @-mentions the user (`<@U123>` or `<@U123|name>`). */
export function mentionsUser(text: string, userId: string): boolean {
  return text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`);
}

function attachmentKind(mimeType: string | undefined): 'image' | 'audio' | 'video' | 'file' {
  const top = mimeType?.split('/')[0];
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'file';
}

/** Build the inbound message from checked fields and what the adapter resolved. */
export function buildSlackInbound(
  fields: SlackMessageFields,
  ctx: { channel: string; accountId: string; botUserId: string; peerKind: PeerKind; teamId?: string; senderName?: string },
): InboundMessage {
  const peer = { kind: ctx.peerKind, id: ctx.peerKind === 'direct' ? fields.user : fields.channel };
  const threadTs = fields.threadTs && fields.threadTs !== fields.ts ? fields.threadTs : undefined;
  const mentioned =
    fields.eventType === 'app_mention' || mentionsUser(fields.text, ctx.botUserId) || (threadTs !== undefined && fields.parentUserId === ctx.botUserId);
  const msg: InboundMessage = {
    channel: ctx.channel,
    accountId: ctx.accountId,
    messageId: slackMessageId(fields.channel, fields.ts),
    senderId: fields.user,
    peer,
    text: unescapeSlackText(fields.text),
    mentioned,
    timestampMs: Math.round(Number(fields.ts) * 1000),
  };
  if (ctx.senderName) msg.senderName = ctx.senderName;
  if (ctx.teamId) msg.teamId = ctx.teamId;
  if (threadTs) {
    msg.threadId = threadTs;
    msg.parentPeer = { ...peer };
    msg.replyToMessageId = slackMessageId(fields.channel, threadTs);
  }
  if (fields.files.length) {
    msg.attachments = fields.files.map((f) => ({ kind: attachmentKind(f.mimeType), url: f.url, mimeType: f.mimeType, name: f.name, sizeBytes: f.sizeBytes }));
  }
  return msg;
}
