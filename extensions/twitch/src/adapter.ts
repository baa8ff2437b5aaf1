/**
 * The Twitch adapter: tmi.js keeps the chat connection (IRC over WebSocket),
 * every line it reads is a sign of life, and our own `PING :token` round
 * trips prove the connection both ways: on a timer for liveness, and after
 * each send, so a send resolves only once the server has read it (IRC
 * answers in order). The token is checked with Twitch at start and hourly.
 * Room messages keep within Twitch's chat budget (`rate-budget.ts`); whispers
 * go through EventSub and the Twitch API when the token allows (`whispers.ts`).
 */
import tmi from 'tmi.js';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError, type ChannelAdapter, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import { isModeratorState, normalizeTwitchLine, unescapeTag, type IrcLine } from './normalize.js';
import { ChatRateBudget, MODERATOR_LIMIT, USER_LIMIT } from './rate-budget.js';
import type { TwitchSettings } from './settings.js';
import { validateToken, type TokenInfo } from './validate.js';
import { TwitchWhispers } from './whispers.js';

const REVALIDATE_MS = 60 * 60_000;
// Logging in and joining take a few round trips (and servers pace new connections); not tied to liveness.
const LOGIN_TIMEOUT_MS = 15_000;
// Twitch runs lines that start with "/" or "." as chat commands (/ban, /mod…); a reply must never be one.
const COMMAND_START = /^[/.]/;

/** A running Twitch account. */
export class TwitchAdapter implements ChannelAdapter {
  private client?: tmi.Client;
  private token?: TokenInfo;
  private readonly joined = new Set<string>();
  private readonly pongWaiters = new Map<string, () => void>();
  private readonly changeWaiters = new Set<() => void>();
  private readonly noticeWatchers = new Set<(room: string, msgId: string) => void>();
  /** Rooms where Twitch says the bot is a moderator (USERSTATE); its own room it always may moderate. */
  private readonly moderatorIn = new Set<string>();
  private readonly budget = new ChatRateBudget();
  private whispers?: TwitchWhispers;
  private pingSeq = 0;
  private lastLineAt = 0;
  private idSeq = 0;
  private timers: NodeJS.Timeout[] = [];
  private live = false;
  private stopped = false;
  private stopping?: Promise<void>;
  private emitting: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: TwitchSettings,
  ) {}

  private get timeoutMs(): number {
    return Math.min(10_000, Math.max(1_000, Math.floor(this.settings.livenessMs / 3)));
  }

  async start(): Promise<void> {
    const s = this.settings;
    this.token = await validateToken(s.idRoot, s.accessToken, this.timeoutMs);
    const login = this.token.login;
    if (s.username && s.username !== login) {
      throw new ChannelAuthError(`The Twitch access token belongs to "${login}", not to channels.twitch.username "${s.username}"; use a token of the bot account.`);
    }
    const rooms = s.channels.length ? s.channels : [`#${login}`];
    const quiet = (msg: string) => this.ctx.log.debug('tmi.js', { msg });
    const client = new tmi.Client({
      options: { skipUpdatingEmotesets: true, skipMembership: true, joinInterval: 300 },
      // The supervisor owns reconnecting, with backoff and honest status.
      connection: { server: s.chat.server, port: s.chat.port, secure: s.chat.secure, reconnect: false },
      identity: { username: login, password: `oauth:${s.accessToken}` },
      channels: rooms,
      logger: { info: quiet, warn: quiet, error: quiet },
    });
    this.client = client;
    client.on('logon', () => {
      // Right after tmi.js's CAP REQ/PASS/NICK: close capability negotiation and complete RFC 2812
      // registration, which Twitch does not need but any standard IRC server waits for.
      setImmediate(() => {
        void client.raw('CAP END').catch(() => undefined);
        void client.raw(`USER ${login} 0 * :${login}`).catch(() => undefined);
      });
    });
    client.on('raw_message', (_copy, line) => this.onLine(line as IrcLine));
    client.on('disconnected', (reason) => {
      if (this.live && !this.stopped) this.ctx.fail(new Error(`Twitch chat disconnected (${reason || 'connection closed'})`));
    });
    await this.deadline(client.connect(), 'did not finish logging in', LOGIN_TIMEOUT_MS);
    await this.deadline(this.until(() => rooms.every((r) => this.joined.has(r))), `could not join ${rooms.join(', ')}`, LOGIN_TIMEOUT_MS);
    if (this.stopped) return;
    const whispers = new TwitchWhispers(this.ctx, s, this.token, this.timeoutMs, (msg) => this.queue(msg));
    this.whispers = whispers;
    await whispers.start();
    if (this.stopped) return;
    this.live = true;
    this.ctx.heartbeat();
    this.ctx.log.info('Twitch chat connected', { login, rooms });
    const every = Math.max(250, Math.floor(s.livenessMs / 3));
    this.timers.push(setInterval(() => void this.probe(), every), setInterval(() => void this.revalidate(), REVALIDATE_MS));
    for (const t of this.timers) t.unref();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      this.live = false;
      for (const t of this.timers) clearInterval(t);
      this.whispers?.stop();
      const client = this.client;
      if (client && client.readyState() !== 'CLOSED') await client.disconnect().catch(() => undefined);
      await this.emitting;
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    const client = this.client;
    if (!client || !this.live || this.stopped) throw new Error('Twitch chat is not connected');
    const id = msg.to.id.trim().toLowerCase();
    const target = msg.to.kind === 'direct' || id.startsWith('#') ? id : `#${id}`;
    const valid = msg.to.kind === 'direct' ? /^[a-z0-9_]{2,25}$/.test(target) : /^#[a-z0-9_]{2,25}$/.test(target);
    if (!valid) throw new ChannelPermanentError(`Twitch cannot send to ${msg.to.kind} "${msg.to.id}": expected a login, or #channel for a chat room.`);
    // IRC has no line breaks inside a message, and several messages would spend the chat rate limit: one line it is.
    const line = msg.text
      .split(/\r\n|\r|\n/)
      .map((l) => [...l].filter((c) => c.charCodeAt(0) >= 0x20).join('').trim())
      .filter((l) => l !== '')
      .join(' ');
    if (!line) return { messageId: `${target}:empty` };
    if (msg.to.kind === 'direct' && this.whispers?.sending) return this.whispers.send(target, line);
    const privileged = target.startsWith('#') && (this.moderatorIn.has(target) || target === `#${this.token?.login}`);
    const budget = this.budget.take(privileged);
    if (!budget.ok) {
      const limit = privileged ? MODERATOR_LIMIT : USER_LIMIT;
      throw new ChannelRateLimitError(budget.retryAfterMs, `Twitch allows ${limit} chat messages per 30 s here; the next one may go in ${Math.ceil(budget.retryAfterMs / 1000)} s`);
    }
    // Twitch refuses a message it finds too fast with a NOTICE, before it answers the PING that follows.
    let refused = false;
    const onNotice = (room: string, msgId: string) => {
      if (room === target && msgId === 'msg_ratelimit') refused = true;
    };
    this.noticeWatchers.add(onNotice);
    try {
      await this.confirmLine(client, target, `PRIVMSG ${target} :${COMMAND_START.test(line) ? `\u200b${line}` : line}`);
    } finally {
      this.noticeWatchers.delete(onNotice);
    }
    if (refused) {
      const waitMs = this.budget.refused(privileged);
      throw new ChannelRateLimitError(waitMs, `Twitch refused a message to ${target} as sent too quickly; retry after ${Math.ceil(waitMs / 1000)} s`);
    }
    this.budget.accepted();
    return { messageId: `${target}:${Date.now()}:${++this.idSeq}` };
  }

  /** Write one line and wait until the server has read it. */
  private async confirmLine(client: tmi.Client, target: string, raw: string): Promise<void> {
    await client.raw(raw);
    // The server answers in order: its PONG means it has read the line. Servers pace busy clients, so allow time.
    // A connection that closes meanwhile most likely carried the line already: sending it again would say it
    // twice, so only silence on an open connection (a stall, where the line is stuck) counts as not sent.
    let onClosed: (() => void) | undefined;
    const closed = new Promise<'closed'>((resolve) => client.on('disconnected', (onClosed = () => resolve('closed'))));
    const outcome = await Promise.race([this.roundTrip('was sent but Twitch did not confirm it', LOGIN_TIMEOUT_MS).then(() => 'confirmed' as const), closed]).finally(() =>
      client.removeListener('disconnected', onClosed!),
    );
    if (outcome === 'closed') this.ctx.log.debug('Twitch chat closed before confirming a sent line; counted as sent', { target });
  }

  describe(): Record<string, unknown> {
    return { login: this.token?.login, userId: this.token?.userId, rooms: [...this.joined], moderatorIn: [...this.moderatorIn], chatMessagesLast30s: this.budget.used(), whispers: this.whispers?.describe() ?? 'off' };
  }

  private onLine(line: IrcLine): void {
    if (this.stopped) return;
    this.lastLineAt = Date.now();
    this.ctx.heartbeat();
    const login = this.token?.login ?? '';
    if (line.command === 'PONG') {
      const token = line.params?.at(-1);
      if (token) this.pongWaiters.get(token)?.();
      return;
    }
    if (line.command === 'JOIN' && typeof line.prefix === 'string' && line.prefix.split('!')[0]?.toLowerCase() === login) {
      const room = line.params?.[0]?.toLowerCase();
      if (room) this.joined.add(room);
      for (const w of [...this.changeWaiters]) w();
      return;
    }
    if (line.command === 'USERSTATE') {
      const room = line.params?.[0]?.toLowerCase();
      if (room && isModeratorState(line.tags ?? {})) this.moderatorIn.add(room);
      else if (room) this.moderatorIn.delete(room);
      return;
    }
    if (line.command === 'NOTICE') {
      const room = line.params?.[0]?.toLowerCase() ?? '';
      const msgId = unescapeTag(line.tags?.['msg-id']) ?? '';
      for (const w of [...this.noticeWatchers]) w(room, msgId);
    }
    if (line.command === 'NOTICE' || line.command === 'RECONNECT') {
      this.ctx.log.info('Twitch chat notice', { command: line.command, params: line.params, msgId: line.tags?.['msg-id'] });
      // Twitch announces maintenance with RECONNECT: leave now so the supervisor reconnects at once.
      if (line.command === 'RECONNECT' && this.live) this.ctx.fail(new Error('Twitch asked the bot to reconnect (server maintenance)'));
      return;
    }
    const result = normalizeTwitchLine(line, { channel: this.ctx.channel, accountId: this.ctx.accountId, botLogin: login, nextId: () => `irc-${Date.now()}-${++this.idSeq}` });
    if (result.kind === 'ignored') return;
    this.queue(result.msg);
  }

  /** One at a time, in the order the server sent them. */
  private queue(msg: Parameters<ChannelContext['emit']>[0]): void {
    if (this.stopped) return;
    this.emitting = this.emitting.then(() => this.ctx.emit(msg).catch((err: unknown) => this.ctx.log.error('could not queue a Twitch message', { error: String(err) })));
  }

  private async probe(): Promise<void> {
    // Lines arriving are proof enough; a ping would only spend the server's command budget.
    if (Date.now() - this.lastLineAt < Math.floor(this.settings.livenessMs / 3)) return;
    try {
      await this.roundTrip('did not answer a ping');
    } catch (err) {
      // No heartbeat from a silent server: the supervisor restarts the account after its liveness bound.
      this.ctx.log.warn('Twitch chat liveness probe failed', { error: String((err as Error).message ?? err) });
    }
  }

  private async revalidate(): Promise<void> {
    try {
      await validateToken(this.settings.idRoot, this.settings.accessToken, this.timeoutMs);
    } catch (err) {
      if (err instanceof ChannelAuthError) this.ctx.fail(err);
      else this.ctx.log.warn('Twitch token check failed; will try again', { error: String((err as Error).message ?? err) });
    }
  }

  private async roundTrip(what: string, ms = this.timeoutMs): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('Twitch chat is not connected');
    const token = `openclaw-${++this.pingSeq}`;
    const answered = new Promise<void>((resolve) => this.pongWaiters.set(token, resolve));
    try {
      await client.raw(`PING :${token}`);
      await this.deadline(answered, what, ms);
    } finally {
      this.pongWaiters.delete(token);
    }
  }

  private until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => {
      const w = () => {
        if (!check()) return;
        this.changeWaiters.delete(w);
        resolve();
      };
      this.changeWaiters.add(w);
    });
  }

  private async deadline<T>(p: Promise<T>, what: string, ms = this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        p.catch((err: unknown) => Promise.reject(err instanceof Error ? err : new Error(`Twitch chat: ${String(err)}`))),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Twitch chat ${what} within ${ms} ms`)), ms))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
