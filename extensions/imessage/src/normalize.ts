/**
 * Turns `imsg` message payloads into `InboundMessage`s and OpenClaw send
 * targets into `imsg` send parameters. Pure functions, table-tested.
 *
 * Fields relied on from an `imsg rpc` `message` notification (steipete/imsg
 * docs/rpc.md, RPCPayloads.swift):
 *   id (rowid, number), guid (string), chat_id (number), sender (handle:
 *   phone or e-mail), is_from_me (bool), text (string), created_at (ISO 8601),
 *   is_group (bool; also derived from a `;+;` chat_guid), chat_guid,
 *   reply_to_guid (optional), attachments[] {filename, transfer_name,
 *   mime_type, total_bytes, missing}, is_reaction (tapbacks, skipped).
 */
import { pathToFileURL } from 'node:url';
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

/** One attachment as `imsg` reports it. */
export interface ImsgAttachment {
  filename?: string | null;
  transfer_name?: string | null;
  mime_type?: string | null;
  total_bytes?: number | null;
  missing?: boolean | null;
}

/** One message as `imsg` reports it (the fields OpenClaw reads). */
export interface ImsgMessage {
  id?: number;
  guid?: string | null;
  chat_id?: number | null;
  sender?: string | null;
  is_from_me?: boolean | null;
  text?: string | null;
  created_at?: string | null;
  is_group?: boolean | null;
  chat_guid?: string | null;
  chat_identifier?: string | null;
  reply_to_guid?: string | null;
  is_reaction?: boolean | null;
  attachments?: ImsgAttachment[] | null;
}

/** A message, or why there is none: `invalid` payloads are logged as warnings, the rest is normal traffic. */
export type NormalizeResult = { ok: true; msg: InboundMessage } | { ok: false; reason: string; invalid: boolean };

const skip = (reason: string): NormalizeResult => ({ ok: false, reason, invalid: false });
const invalid = (reason: string): NormalizeResult => ({ ok: false, reason, invalid: true });

// Calling codes for the regions people most often configure; others keep numbers as written.
const CALLING_CODES: Record<string, string> = {
  US: '1', CA: '1', GB: '44', IE: '353', DE: '49', AT: '43', CH: '41', FR: '33', BE: '32', NL: '31', LU: '352',
  ES: '34', PT: '351', IT: '39', DK: '45', SE: '46', NO: '47', FI: '358', PL: '48', CZ: '420', AU: '61',
  NZ: '64', JP: '81', KR: '82', CN: '86', HK: '852', SG: '65', IN: '91', BR: '55', MX: '52', ZA: '27', IL: '972',
};

/**
 * A handle in the form OpenClaw keys senders by: e-mail lowercased, phone
 * numbers in E.164 (`+15550002001`) using `region` for national numbers.
 */
export function normalizeHandle(raw: string, region = 'US'): string {
  const handle = raw.trim();
  if (handle.includes('@')) return handle.toLowerCase();
  const digits = handle.replace(/[\s().-]/g, '');
  if (!/^\+?\d{3,}$/.test(digits)) return handle;
  if (digits.startsWith('+')) return digits;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  const code = CALLING_CODES[region.toUpperCase()];
  if (!code) return digits;
  if (code === '1') {
    if (digits.length === 10) return `+1${digits}`;
    if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
    return digits;
  }
  // Most other plans write national numbers with a trunk 0 that E.164 drops.
  return `+${code}${digits.replace(/^0/, '')}`;
}

/** `+15550002001` → `+1555***2001`, `ann@example.com` → `a***@example.com`: enough to tell apart in logs. */
export function maskHandle(handle: string): string {
  const at = handle.indexOf('@');
  if (at > 0) return `${handle[0]}***${handle.slice(at)}`;
  if (handle.length <= 6) return '***';
  return `${handle.slice(0, 5)}***${handle.slice(-4)}`;
}

/** Masks anything that looks like a phone number or e-mail inside free text (stderr tails). */
export function maskHandlesInText(text: string): string {
  return text
    .replace(/\+?\d[\d\s().-]{6,}\d/g, (m) => maskHandle(m.replace(/[\s().-]/g, '')))
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, (m) => maskHandle(m));
}

/** `chat_id:42` is how OpenClaw names an iMessage group chat. */
export function groupPeerId(chatId: number): string {
  return `chat_id:${chatId}`;
}

function attachmentKind(mime: string | undefined): 'image' | 'audio' | 'video' | 'file' {
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('audio/')) return 'audio';
  if (mime?.startsWith('video/')) return 'video';
  return 'file';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Whether the text addresses the assistant by one of `names` ("@openclaw",
 * "OpenClaw, …"), whole words, any case. iMessage has no real mentions, so
 * this is the only way a group message can be "to the bot".
 */
export function textMentions(text: string, names: readonly string[]): boolean {
  return names.some((name) => {
    const n = name.trim().replace(/^@/, '');
    if (!n) return false;
    const escaped = n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![\\p{L}\\p{N}_])@?${escaped}(?![\\p{L}\\p{N}_])`, 'iu').test(text);
  });
}

/**
 * Normalise one `imsg` message. iMessage has no @-mentions: in groups
 * `mentioned` is true only when the text names the assistant (`mentionNames`),
 * false otherwise, and core's gating decides.
 */
export function normalizeImsgMessage(raw: unknown, ctx: { channel: string; accountId: string; region?: string; mentionNames?: readonly string[] }): NormalizeResult {
  if (typeof raw !== 'object' || raw === null) return invalid('message is not an object');
  const m = raw as ImsgMessage;
  if (m.is_from_me === true) return skip('own');
  if (m.is_reaction === true) return skip('reaction');
  const sender = str(m.sender);
  if (!sender) return invalid('message has no sender');
  const guid = str(m.guid);
  if (!guid && typeof m.id !== 'number') return invalid('message has neither guid nor id');
  const attachments = (Array.isArray(m.attachments) ? m.attachments : [])
    .filter((a): a is ImsgAttachment => typeof a === 'object' && a !== null && a.missing !== true)
    .map((a) => {
      const mimeType = str(a.mime_type);
      const path = str(a.filename);
      return {
        kind: attachmentKind(mimeType),
        ...(path ? { url: pathToFileURL(path.replace(/^~(?=\/)/, process.env.HOME ?? '~')).href } : {}),
        ...(mimeType ? { mimeType } : {}),
        ...(str(a.transfer_name) ? { name: str(a.transfer_name) } : {}),
        ...(typeof a.total_bytes === 'number' ? { sizeBytes: a.total_bytes } : {}),
      };
    });
  // Messages puts U+FFFC where an attachment sits in the text; it means nothing to an agent.
  const text = (typeof m.text === 'string' ? m.text : '').replace(/\uFFFC/g, '').trim();
  if (!text && attachments.length === 0) return skip('empty');

  const isGroup = m.is_group === true || (str(m.chat_guid)?.includes(';+;') ?? false);
  const senderId = normalizeHandle(sender, ctx.region);
  let peer: InboundMessage['peer'];
  if (isGroup) {
    if (typeof m.chat_id === 'number') peer = { kind: 'group', id: groupPeerId(m.chat_id) };
    else if (str(m.chat_guid)) peer = { kind: 'group', id: `chat_guid:${m.chat_guid}` };
    else return invalid('group message has no chat_id');
  } else {
    peer = { kind: 'direct', id: senderId };
  }
  const parsed = m.created_at ? Date.parse(m.created_at) : NaN;
  const msg: InboundMessage = {
    channel: ctx.channel,
    accountId: ctx.accountId,
    messageId: guid ?? `rowid:${m.id}`,
    senderId,
    peer,
    text,
    timestampMs: Number.isFinite(parsed) ? parsed : Date.now(),
    ...(isGroup ? { mentioned: textMentions(text, ctx.mentionNames ?? []) } : {}),
    ...(str(m.reply_to_guid) ? { replyToMessageId: str(m.reply_to_guid) } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
  return { ok: true, msg };
}

/** Parameters of an `imsg rpc` `send` call that pick the conversation. */
export type ImsgSendTarget = { to: string } | { chat_id: number } | { chat_guid: string } | { chat_identifier: string };

/**
 * Where a reply goes: a handle for direct chats, `chat_id:<n>` (or
 * `chat_guid:`/`chat_identifier:`) for groups. Returns the reason when the
 * id can never be a valid target.
 */
export function resolveSendTarget(to: { kind: string; id: string }, region?: string): ImsgSendTarget | { error: string } {
  const id = to.id.trim();
  const prefixed = /^(chat_id|chat_guid|chat_identifier):(.+)$/.exec(id);
  if (prefixed) {
    const [, key, value] = prefixed;
    if (key === 'chat_id') {
      const n = Number(value);
      return Number.isInteger(n) && n > 0 ? { chat_id: n } : { error: `"${id}" is not a valid chat id` };
    }
    return key === 'chat_guid' ? { chat_guid: value } : { chat_identifier: value };
  }
  if (id.includes(';+;')) return { chat_guid: id };
  if (to.kind !== 'direct') return { error: `"${id}" is not an iMessage group id (expected chat_id:<number>)` };
  if (!id) return { error: 'empty recipient' };
  return { to: normalizeHandle(id, region) };
}
