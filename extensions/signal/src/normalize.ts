/**
 * signal-cli `receive` payloads → `InboundMessage`. DMs are keyed by the
 * sender's number (its ACI when the number is hidden), groups by the base64
 * group id. A mention of the account (Signal sends U+FFFC in the text and
 * the account in `mentions`) or its name in the text counts as addressed.
 * Messages the owner writes to themself on the phone ("Note to Self") arrive
 * as sync messages and are the owner's; other sync traffic is skipped.
 */
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

/** Who is listening. */
export interface NormalizeContext {
  channel: string;
  accountId: string;
  /** The linked number (E.164). */
  account: string;
  /** The account's ACI, when known. */
  accountUuid?: string;
  /** Names that address the account when written as `@name` in a group. */
  names: string[];
}

interface Mention {
  name?: string;
  number?: string;
  uuid?: string;
  start: number;
  length: number;
}

interface DataMessage {
  timestamp?: number;
  message?: string | null;
  mentions?: Mention[];
  attachments?: { contentType?: string; filename?: string | null; id?: string; size?: number }[];
  groupInfo?: { groupId?: string; type?: string };
  quote?: { id?: number; author?: string; authorNumber?: string; authorUuid?: string };
  reaction?: unknown;
  remoteDelete?: unknown;
}

/** The envelope fields this reads. */
export interface SignalEnvelope {
  source?: string;
  sourceNumber?: string | null;
  sourceUuid?: string;
  sourceName?: string;
  timestamp?: number;
  dataMessage?: DataMessage;
  syncMessage?: { sentMessage?: DataMessage & { destination?: string | null; destinationNumber?: string | null } };
  receiptMessage?: { when?: number; isDelivery?: boolean; isRead?: boolean; isViewed?: boolean; timestamps?: number[] };
  typingMessage?: unknown;
}

/** What one `receive` payload is. */
export type Received =
  | { kind: 'message'; msg: InboundMessage }
  | { kind: 'receipt'; from: string; timestamps: number[]; read: boolean }
  | { kind: 'skip'; reason: 'other-account' | 'own' | 'sync' | 'typing' | 'reaction' | 'empty' | 'malformed' | 'unknown' };

/** A Signal message id: author and timestamp, which is how Signal itself names a message. */
export function buildMessageId(author: string, timestamp: number): string {
  return `${author}:${timestamp}`;
}

/** The author and timestamp in a message id, for quoting it. */
export function parseMessageId(id: string): { author: string; timestamp: number } | undefined {
  const at = id.lastIndexOf(':');
  const timestamp = Number(id.slice(at + 1));
  return at > 0 && Number.isSafeInteger(timestamp) ? { author: id.slice(0, at), timestamp } : undefined;
}

type Attachments = NonNullable<InboundMessage['attachments']>;

function kindOf(mime: string | undefined): Attachments[number]['kind'] {
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('audio/')) return 'audio';
  if (mime?.startsWith('video/')) return 'video';
  return 'file';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text with each mention placeholder replaced by `@name`. */
function withMentions(text: string, mentions: Mention[]): string {
  let out = text;
  for (const m of [...mentions].sort((a, b) => b.start - a.start)) {
    if (m.start < 0 || m.start + m.length > out.length) continue;
    out = `${out.slice(0, m.start)}@${m.name || m.number || m.uuid || 'someone'}${out.slice(m.start + m.length)}`;
  }
  return out;
}

/** Classify and normalise one `receive` payload (`{envelope, account}`). */
export function normalizeReceive(payload: unknown, nc: NormalizeContext): Received {
  const p = payload as { envelope?: SignalEnvelope; account?: string } | null;
  const env = p?.envelope;
  if (!env || typeof env !== 'object') return { kind: 'skip', reason: 'malformed' };
  if (p!.account && p!.account !== nc.account && p!.account !== nc.accountUuid) return { kind: 'skip', reason: 'other-account' };
  const sender = env.sourceNumber || env.source || env.sourceUuid;
  if (!sender) return { kind: 'skip', reason: 'malformed' };
  if (env.receiptMessage) {
    return { kind: 'receipt', from: sender, timestamps: env.receiptMessage.timestamps ?? [], read: Boolean(env.receiptMessage.isRead || env.receiptMessage.isViewed) };
  }
  if (env.typingMessage) return { kind: 'skip', reason: 'typing' };

  const ownSender = sender === nc.account || (nc.accountUuid !== undefined && env.sourceUuid === nc.accountUuid);
  const sent = env.syncMessage?.sentMessage;
  if (sent) {
    const toSelf = (sent.destinationNumber || sent.destination) === nc.account && !sent.groupInfo;
    if (!ownSender || !toSelf) return { kind: 'skip', reason: 'sync' };
    return message(sent, env, nc, nc.account, { fromOwner: true });
  }
  if (ownSender) return { kind: 'skip', reason: 'own' };
  if (!env.dataMessage) return { kind: 'skip', reason: 'unknown' };
  if (env.dataMessage.reaction || env.dataMessage.remoteDelete) return { kind: 'skip', reason: 'reaction' };
  return message(env.dataMessage, env, nc, sender, {});
}

function message(dm: DataMessage, env: SignalEnvelope, nc: NormalizeContext, sender: string, extra: { fromOwner?: boolean }): Received {
  const timestamp = dm.timestamp ?? env.timestamp;
  if (typeof timestamp !== 'number') return { kind: 'skip', reason: 'malformed' };
  const mentions = Array.isArray(dm.mentions) ? dm.mentions : [];
  const text = withMentions(typeof dm.message === 'string' ? dm.message : '', mentions);
  const attachments: Attachments = (dm.attachments ?? []).map((a) => ({
    kind: kindOf(a.contentType),
    ...(a.contentType ? { mimeType: a.contentType } : {}),
    ...(a.filename ? { name: a.filename } : {}),
    ...(typeof a.size === 'number' ? { sizeBytes: a.size } : {}),
  }));
  if (!text && attachments.length === 0) return { kind: 'skip', reason: 'empty' };
  const quoteAuthor = dm.quote?.authorNumber || dm.quote?.author || dm.quote?.authorUuid;
  const base: InboundMessage = {
    channel: nc.channel,
    accountId: nc.accountId,
    messageId: buildMessageId(sender, timestamp),
    senderId: sender,
    ...(env.sourceName ? { senderName: env.sourceName } : {}),
    peer: { kind: 'direct', id: sender },
    text,
    timestampMs: timestamp,
    ...(attachments.length ? { attachments } : {}),
    ...(quoteAuthor && typeof dm.quote?.id === 'number' ? { replyToMessageId: buildMessageId(quoteAuthor, dm.quote.id) } : {}),
    ...extra,
  };
  const groupId = dm.groupInfo?.groupId;
  if (!groupId) return { kind: 'message', msg: base };
  const mentionedByList = mentions.some((m) => m.number === nc.account || (nc.accountUuid !== undefined && m.uuid === nc.accountUuid));
  const mentionedByName = nc.names.some((n) => n && new RegExp(`(^|\\W)@${escapeRegExp(n)}(?!\\w)`, 'i').test(text));
  return { kind: 'message', msg: { ...base, peer: { kind: 'group', id: groupId }, mentioned: mentionedByList || mentionedByName } };
}
