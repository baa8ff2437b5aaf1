/**
 * The chats, users and messages of the fake Telegram, and the Bot API
 * methods that create messages (`sendMessage`, `sendPhoto`, `sendDocument`,
 * `sendChatAction`), validated the way Telegram validates them.
 */
import { HtmlParseError, parseTelegramHtml, type FakeEntity } from './telegram-html.js';
import type { Notifier, PendingUpdate } from './update-feed.js';

/** A Telegram user (or the bot itself). */
export interface FakeUser {
  id: number;
  is_bot?: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
}

/** A Telegram chat. A user's private chat has the user's id. */
export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  is_forum?: boolean;
}

/** A Bot API answer. */
export type ApiResult =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: Record<string, unknown> };

/** A Bot API error answer, thrown inside the fake and written out by the proxy. */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
  }

  toResult(): ApiResult {
    return { ok: false, error_code: this.code, description: this.description };
  }
}

/** Something the bot sent, as the user sees it. */
export interface SentMessage {
  method: 'sendMessage' | 'sendPhoto' | 'sendDocument';
  chatId: string;
  messageId: number;
  /** Text (or caption) after HTML parsing: what the user reads. */
  text: string;
  /** The text as sent, when `parse_mode` was HTML. */
  html?: string;
  entities: FakeEntity[];
  topicId?: number;
  replyTo?: { chatId: string; messageId: number };
  media?: { kind: 'photo' | 'document'; url: string };
  /** The Message object returned to the bot. */
  message: Record<string, unknown>;
}

/** A `sendChatAction` call. */
export interface ChatAction {
  chatId: string;
  action: string;
  topicId?: number;
}

/** What a user does: say something in a chat (a DM is the chat with the user's own id). */
export interface PostOptions {
  chat: number | string;
  /** The speaking user; omit for a channel post. */
  from?: number | string;
  text?: string;
  entities?: Record<string, unknown>[];
  caption?: string;
  caption_entities?: Record<string, unknown>[];
  /** Forum topic (its thread id). */
  topic?: number;
  /** Message id in the same chat being replied to. */
  replyTo?: number;
  /** Raw extra message fields (photo, document, voice…). */
  extra?: Record<string, unknown>;
}

/** Whole number from a JSON or form parameter. */
export const int = (v: unknown): number | undefined => (v === undefined || v === '' || v === null ? undefined : Number.isFinite(Number(v)) ? Math.trunc(Number(v)) : undefined);
const isRec = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const key = (chatId: number, messageId: number) => `${chatId}:${messageId}`;
const now = () => Math.floor(Date.now() / 1000);
const CHAT_ACTIONS = new Set(['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note']);

/** Telegram does not nest replies inside `reply_to_message`. */
function withoutReply(msg: Record<string, unknown>): Record<string, unknown> {
  const { reply_to_message: _nested, ...rest } = msg;
  return rest;
}

function jsonParam(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw new BotApiError(400, 'Bad Request: can\'t parse JSON parameter');
  }
}

/** Chats, users, messages and the sending methods. */
export class FakeBotApi {
  readonly users = new Map<number, FakeUser>();
  readonly chats = new Map<number, FakeChat>();
  readonly sent: SentMessage[] = [];
  readonly actions: ChatAction[] = [];
  private readonly topics = new Map<number, Map<number, string>>();
  private readonly blocked = new Set<number>();
  private readonly messages = new Map<string, Record<string, unknown>>();
  private fileSeq = 0;

  constructor(
    readonly bot: FakeUser,
    private readonly store: (method: string, params: unknown) => Promise<{ status: number; body: unknown }>,
    private readonly changes: Notifier,
  ) {}

  /** Adds a user, and the private chat the bot has with them. */
  addUser(user: FakeUser): FakeUser {
    this.users.set(user.id, user);
    this.chats.set(user.id, { id: user.id, type: 'private', first_name: user.first_name, last_name: user.last_name, username: user.username });
    return user;
  }

  addChat(chat: FakeChat): FakeChat {
    this.chats.set(chat.id, chat);
    return chat;
  }

  addTopic(chatId: number, threadId: number, name: string): void {
    const topics = this.topics.get(chatId) ?? new Map<number, string>();
    topics.set(threadId, name);
    this.topics.set(chatId, topics);
  }

  /** The user blocked the bot: sends to them answer 403. */
  block(userId: number): void {
    this.blocked.add(userId);
  }

  getMe(): Record<string, unknown> {
    return { ...this.bot, is_bot: true, can_join_groups: true, can_read_all_group_messages: true, supports_inline_queries: false };
  }

  sentTo(chatId: number | string): SentMessage[] {
    return this.sent.filter((s) => s.chatId === String(chatId));
  }

  /** The message body a user's post becomes (the store adds `message_id`). */
  buildUserMessage(opts: PostOptions): Record<string, unknown> {
    const chat = this.chats.get(Number(opts.chat));
    if (!chat) throw new Error(`fake Telegram: unknown chat ${opts.chat}`);
    const msg: Record<string, unknown> = { date: now(), chat: { ...chat } };
    if (opts.from !== undefined) {
      const user = this.users.get(Number(opts.from));
      if (!user) throw new Error(`fake Telegram: unknown user ${opts.from}`);
      msg.from = { ...user, is_bot: user.is_bot ?? false };
    } else if (chat.type === 'channel') {
      msg.sender_chat = { ...chat };
    } else {
      throw new Error('fake Telegram: only channel posts have no sender');
    }
    for (const field of ['text', 'entities', 'caption', 'caption_entities'] as const) {
      if (opts[field] !== undefined) msg[field] = opts[field];
    }
    if (opts.topic !== undefined) {
      if (!this.topics.get(chat.id)?.has(opts.topic)) throw new Error(`fake Telegram: no topic ${opts.topic} in chat ${chat.id}`);
      Object.assign(msg, { message_thread_id: opts.topic, is_topic_message: true });
    }
    // In a forum topic, a message that replies to nothing replies to the topic's creation message.
    const replyId = opts.replyTo ?? opts.topic;
    if (replyId !== undefined) {
      const target = this.messages.get(key(chat.id, replyId));
      if (!target) throw new Error(`fake Telegram: no message ${replyId} in chat ${chat.id}`);
      msg.reply_to_message = withoutReply(target);
    }
    return { ...msg, ...opts.extra };
  }

  /** Turns what the store handed out into the update the bot gets. */
  adoptStoredUpdate(updateId: number, stored: Record<string, unknown>): PendingUpdate {
    const { botToken: _token, __raw: raw, ...message } = stored;
    if (isRec(raw)) return { update_id: updateId, update: { update_id: updateId, ...raw } };
    if (message.forum_topic_created !== undefined && message.message_thread_id === undefined) {
      Object.assign(message, { message_thread_id: message.message_id, is_topic_message: true });
    }
    const chat = message.chat as FakeChat;
    this.messages.set(key(chat.id, message.message_id as number), message);
    return { update_id: updateId, update: { update_id: updateId, [chat.type === 'channel' ? 'channel_post' : 'message']: message } };
  }

  private resolveChat(chatId: unknown): FakeChat {
    const id = String(chatId ?? '');
    const chat = id.startsWith('@') ? [...this.chats.values()].find((c) => `@${c.username}` === id) : this.chats.get(Number(id));
    if (!chat) throw new BotApiError(400, 'Bad Request: chat not found');
    if (chat.type === 'private' && this.blocked.has(chat.id)) throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
    return chat;
  }

  private resolveTopic(chat: FakeChat, p: Record<string, unknown>): number | undefined {
    const threadId = int(p.message_thread_id);
    if (threadId !== undefined && !this.topics.get(chat.id)?.has(threadId)) throw new BotApiError(400, 'Bad Request: message thread not found');
    return threadId;
  }

  private replyTarget(p: Record<string, unknown>, chat: FakeChat) {
    const rp = jsonParam(p.reply_parameters);
    const id = isRec(rp) ? int(rp.message_id) : int(p.reply_to_message_id);
    if (id === undefined) return undefined;
    const targetChat = isRec(rp) && rp.chat_id !== undefined ? this.resolveChat(rp.chat_id) : chat;
    const allow = isRec(rp) ? rp.allow_sending_without_reply === true : p.allow_sending_without_reply === true;
    const msg = this.messages.get(key(targetChat.id, id));
    if (!msg) {
      if (allow) return undefined;
      throw new BotApiError(400, 'Bad Request: message to be replied not found');
    }
    return { chatId: String(targetChat.id), messageId: id, message: withoutReply(msg) };
  }

  private formatted(raw: unknown, entities: unknown, parseMode: unknown): { text: string; entities: FakeEntity[]; html?: string } {
    const text = typeof raw === 'string' ? raw : '';
    if (parseMode !== 'HTML') return { text, entities: (jsonParam(entities) as FakeEntity[] | undefined) ?? [] };
    try {
      return { ...parseTelegramHtml(text), html: text };
    } catch (err) {
      if (err instanceof HtmlParseError) throw new BotApiError(400, `Bad Request: can't parse entities: ${err.message}`);
      throw err;
    }
  }

  private fileId(): { file_id: string; file_unique_id: string } {
    this.fileSeq++;
    return { file_id: `AgACAgQAAxkBAAI${this.fileSeq}`, file_unique_id: `AQAD${this.fileSeq}` };
  }

  /** `sendMessage`, `sendPhoto` or `sendDocument`. */
  async send(method: SentMessage['method'], p: Record<string, unknown>): Promise<Record<string, unknown>> {
    const chat = this.resolveChat(p.chat_id);
    const topicId = this.resolveTopic(chat, p);
    const reply = this.replyTarget(p, chat);
    let body: { text: string; entities: FakeEntity[]; html?: string };
    let fields: Record<string, unknown>;
    let media: SentMessage['media'];
    if (method === 'sendMessage') {
      body = this.formatted(p.text, p.entities, p.parse_mode);
      if (body.text.trim() === '') throw new BotApiError(400, 'Bad Request: message text is empty');
      if (body.text.length > 4096) throw new BotApiError(400, 'Bad Request: message is too long');
      fields = { text: body.text, ...(body.entities.length ? { entities: body.entities } : {}) };
    } else {
      const kind = method === 'sendPhoto' ? 'photo' : 'document';
      const url = p[kind];
      if (typeof url !== 'string' || url === '') throw new BotApiError(400, `Bad Request: there is no ${kind} in the request`);
      body = this.formatted(p.caption, p.caption_entities, p.parse_mode);
      if (body.text.length > 1024) throw new BotApiError(400, 'Bad Request: message caption is too long');
      media = { kind, url };
      const file =
        kind === 'photo'
          ? [
              { ...this.fileId(), width: 90, height: 90, file_size: 1200 },
              { ...this.fileId(), width: 800, height: 800, file_size: 48_000 },
            ]
          : { ...this.fileId(), file_name: new URL(url).pathname.split('/').pop() || 'file', mime_type: 'application/octet-stream' };
      fields = { [kind]: file, ...(body.text ? { caption: body.text } : {}), ...(body.entities.length ? { caption_entities: body.entities } : {}) };
    }
    // The store keeps the bot's output and hands out the message id.
    const stored = await this.store('sendMessage', { ...p, chat_id: chat.id, text: body.text });
    const messageId = (stored.body as { result?: { message_id?: number } }).result?.message_id;
    if (typeof messageId !== 'number') throw new Error(`telegram-test-api did not store the message (${stored.status})`);
    const message: Record<string, unknown> = { message_id: messageId, from: { ...this.bot, is_bot: true }, chat: { ...chat }, date: now(), ...fields };
    if (topicId !== undefined) Object.assign(message, { message_thread_id: topicId, is_topic_message: true });
    if (reply) message[reply.chatId === String(chat.id) ? 'reply_to_message' : 'external_reply'] = reply.message;
    this.messages.set(key(chat.id, messageId), message);
    this.sent.push({
      method,
      chatId: String(chat.id),
      messageId,
      text: body.text,
      html: body.html,
      entities: body.entities,
      topicId,
      replyTo: reply && { chatId: reply.chatId, messageId: reply.messageId },
      media,
      message,
    });
    this.changes.notify();
    return message;
  }

  /** `createForumTopic`: the bot opens a topic; its creation message comes from the bot. */
  async createForumTopic(p: Record<string, unknown>): Promise<Record<string, unknown>> {
    const chat = this.resolveChat(p.chat_id);
    if (!chat.is_forum) throw new BotApiError(400, 'Bad Request: the chat is not a forum');
    const name = typeof p.name === 'string' ? p.name : '';
    if (name === '') throw new BotApiError(400, 'Bad Request: topic name is empty');
    const stored = await this.store('sendMessage', { chat_id: chat.id, text: '', forum_topic_created: { name } });
    const threadId = (stored.body as { result?: { message_id?: number } }).result?.message_id as number;
    const topic = { message_thread_id: threadId, name, icon_color: 7322096 };
    this.messages.set(key(chat.id, threadId), {
      message_id: threadId,
      from: { ...this.bot, is_bot: true },
      chat: { ...chat },
      date: now(),
      message_thread_id: threadId,
      is_topic_message: true,
      forum_topic_created: { name, icon_color: topic.icon_color },
    });
    this.addTopic(chat.id, threadId, name);
    return topic;
  }

  /** `sendChatAction`. */
  chatAction(p: Record<string, unknown>): true {
    const chat = this.resolveChat(p.chat_id);
    const topicId = this.resolveTopic(chat, p);
    const action = String(p.action ?? '');
    if (!CHAT_ACTIONS.has(action)) throw new BotApiError(400, 'Bad Request: wrong parameter action in request');
    this.actions.push({ chatId: String(chat.id), action, topicId });
    this.changes.notify();
    return true;
  }
}
