/**
 * Twitch chat lines → `InboundMessage`. Pure, table-tested.
 *
 * Works on tmi.js's parsed IRC message (`raw_message`: command, prefix,
 * params, raw IRCv3 tags) rather than its Twitch-only events, so a room
 * message (`PRIVMSG #room`), a private message to the bot (`PRIVMSG bot`) and
 * a Twitch whisper (`WHISPER bot`) are told apart by their target.
 */
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

/** The parsed IRC line, as tmi.js hands it out. */
export interface IrcLine {
  command?: string;
  prefix?: string | null;
  params?: string[];
  tags?: Record<string, unknown>;
}

/** What to do with one line. */
export type TwitchLineResult = { kind: 'message'; msg: InboundMessage } | { kind: 'ignored'; reason: string };

/** IRCv3 tag value escapes: `\s` space, `\:` semicolon, `\\` backslash, `\r`, `\n`. */
export function unescapeTag(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.replace(/\\(.)/g, (_m, c: string) => ({ s: ' ', ':': ';', '\\': '\\', r: '\r', n: '\n' })[c] ?? c);
}

// CTCP ACTION (/me): \x01ACTION text\x01.
const CTCP = String.fromCharCode(1);
const actionText = (raw: string): string | undefined => (raw.startsWith(`${CTCP}ACTION `) && raw.endsWith(CTCP) ? raw.slice(8, -1) : undefined);

/** Normalise one line for the bot logged in as `botLogin`; `seq` makes ids for servers that send no `id` tag. */
export function normalizeTwitchLine(line: IrcLine, ctx: { channel: string; accountId: string; botLogin: string; nextId: () => string }): TwitchLineResult {
  const command = line.command;
  if (command !== 'PRIVMSG' && command !== 'WHISPER') return { kind: 'ignored', reason: `command ${String(command)}` };
  const [target, rawText] = line.params ?? [];
  const login = typeof line.prefix === 'string' ? line.prefix.split('!')[0]?.toLowerCase() : undefined;
  if (!login || typeof target !== 'string' || typeof rawText !== 'string') return { kind: 'ignored', reason: 'line without sender, target or text' };
  if (login === ctx.botLogin) return { kind: 'ignored', reason: 'sent by the bot' };
  const tags = line.tags ?? {};
  const text = actionText(rawText) ?? rawText;
  if (!text.trim()) return { kind: 'ignored', reason: 'no text' };
  const isRoom = command === 'PRIVMSG' && /^[#&]/.test(target);
  if (!isRoom && target.toLowerCase() !== ctx.botLogin) return { kind: 'ignored', reason: `private message for ${target}` };
  const displayName = unescapeTag(tags['display-name']);
  const id = unescapeTag(tags.id) ?? unescapeTag(tags['message-id']);
  const sentTs = Number(unescapeTag(tags['tmi-sent-ts']));
  const replyParent = unescapeTag(tags['reply-parent-user-login'])?.toLowerCase();
  const mention = new RegExp(`(^|[^\\w])@${ctx.botLogin}(?![\\w])`, 'i');
  const msg: InboundMessage = {
    channel: ctx.channel,
    accountId: ctx.accountId,
    messageId: id || ctx.nextId(),
    senderId: login,
    ...(displayName ? { senderName: displayName } : {}),
    peer: isRoom ? { kind: 'group', id: target.toLowerCase() } : { kind: 'direct', id: login },
    text,
    ...(isRoom ? { mentioned: mention.test(text) || replyParent === ctx.botLogin } : {}),
    ...(isRoom && unescapeTag(tags['reply-parent-msg-id']) ? { replyToMessageId: unescapeTag(tags['reply-parent-msg-id']) } : {}),
    timestampMs: Number.isFinite(sentTs) && sentTs > 0 ? sentTs : Date.now(),
  };
  return { kind: 'message', msg };
}

/** A USERSTATE's tags say the bot is a moderator or the broadcaster of that room (Twitch's higher chat limit). */
export function isModeratorState(tags: Record<string, unknown>): boolean {
  if (unescapeTag(tags.mod) === '1') return true;
  const badges = unescapeTag(tags.badges) ?? '';
  return badges.split(',').some((b) => /^(broadcaster|moderator)\//.test(b));
}

/** The `user.whisper.message` EventSub event, as Twitch sends it. */
export interface WhisperEvent {
  from_user_id?: unknown;
  from_user_login?: unknown;
  from_user_name?: unknown;
  to_user_id?: unknown;
  whisper_id?: unknown;
  whisper?: { text?: unknown };
}

/**
 * A whisper to the bot → a direct message. The sender is known by login, as
 * in chat, so pairing and allowlists name the same person either way; the
 * numeric id comes back with it for the reply (Helix whispers by user id).
 */
export function normalizeWhisper(
  event: WhisperEvent,
  ctx: { channel: string; accountId: string; botUserId: string; nextId: () => string },
): { kind: 'message'; msg: InboundMessage; fromUserId: string } | { kind: 'ignored'; reason: string } {
  const login = typeof event.from_user_login === 'string' ? event.from_user_login.toLowerCase() : '';
  const fromId = typeof event.from_user_id === 'string' ? event.from_user_id : '';
  const text = typeof event.whisper?.text === 'string' ? event.whisper.text : '';
  if (!login || !fromId) return { kind: 'ignored', reason: 'whisper without a sender' };
  if (typeof event.to_user_id === 'string' && event.to_user_id !== ctx.botUserId) return { kind: 'ignored', reason: 'whisper for another user' };
  if (fromId === ctx.botUserId) return { kind: 'ignored', reason: 'sent by the bot' };
  if (!text.trim()) return { kind: 'ignored', reason: 'no text' };
  const name = typeof event.from_user_name === 'string' && event.from_user_name ? event.from_user_name : undefined;
  return {
    kind: 'message',
    fromUserId: fromId,
    msg: {
      channel: ctx.channel,
      accountId: ctx.accountId,
      messageId: typeof event.whisper_id === 'string' && event.whisper_id ? event.whisper_id : ctx.nextId(),
      senderId: login,
      ...(name ? { senderName: name } : {}),
      peer: { kind: 'direct', id: login },
      text,
      timestampMs: Date.now(),
    },
  };
}
