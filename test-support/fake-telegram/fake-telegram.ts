/**
 * A fake Telegram Bot API on 127.0.0.1 for adapter and gateway tests.
 *
 * Two layers. `telegram-test-api` (a fake Bot API server) stores what users
 * say and what the bot sends, and assigns update and message ids: users speak
 * through its client API, and bot sends are forwarded to its `sendMessage`.
 * This proxy sits in front of it and speaks the Bot API the adapter talks to,
 * adding what that package lacks: token checks, `getUpdates` with offsets and
 * long polling (it marks updates read on first fetch and never waits),
 * webhooks with the secret header and redelivery, `getWebhookInfo`,
 * `sendChatAction`, media, forum topics, HTML parsing, 409/429/403/400
 * answers and the faults (`drop`, `stall`, `5xx`). Methods it does not know
 * are forwarded unchanged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { BotApiError, FakeBotApi, int, type ApiResult, type FakeUser, type PostOptions } from './bot-api.js';
import { Notifier, UpdateFeed, type PendingUpdate } from './update-feed.js';
import { freePort } from '../free-port.js';

export type { FakeChat, FakeUser, SentMessage, ChatAction, PostOptions } from './bot-api.js';

/** Platform-side faults, as `ChannelTestDriver.fault` names them. */
export type FakeTelegramFault = 'drop' | 'stall' | '5xx';

/** One Bot API request the proxy received. `status` is set once answered. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  status?: number;
  /** For `getUpdates`: the update ids handed out. */
  resultIds?: number[];
}

export { freePort };

const gone = (res: ServerResponse) => res.destroyed || res.writableEnded || res.socket?.destroyed === true;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const raw = Buffer.concat(parts).toString('utf8');
  if (!raw) return params;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return { ...params, ...(JSON.parse(raw) as Record<string, unknown>) };
  if (type.includes('application/x-www-form-urlencoded')) return { ...params, ...Object.fromEntries(new URLSearchParams(raw)) };
  throw new BotApiError(400, 'Bad Request: the fake Telegram only accepts JSON and form-encoded requests');
}

/** The fake Telegram: start it, point `apiRoot` at `apiRoot`, and play the users. */
export class FakeTelegram {
  readonly token: string;
  readonly api: FakeBotApi;
  readonly calls: ApiCall[] = [];
  readonly changes = new Notifier();
  readonly feed: UpdateFeed;
  apiRoot = '';
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly faults = new Set<FakeTelegramFault>();
  private readonly closing = new AbortController();
  private store?: TelegramServer;
  private storeUrl = '';
  private chain: Promise<unknown> = Promise.resolve();
  private kickActivePoll?: () => void;
  private rateLimits: { method: string; retryAfter: number; remaining: number }[] = [];
  private revoked = false;

  private constructor(opts: { token: string; bot: FakeUser }) {
    this.token = opts.token;
    this.feed = new UpdateFeed(this.changes, () => this.whileStalled(), this.closing.signal);
    this.api = new FakeBotApi(opts.bot, (method, params) => this.storeCall(method, params), this.changes);
  }

  /** Starts the store and the proxy on ephemeral ports. */
  static async start(opts: { token?: string; bot?: Partial<FakeUser> } = {}): Promise<FakeTelegram> {
    const bot: FakeUser = { id: 7000001, is_bot: true, first_name: 'OpenClaw Test Bot', username: 'openclaw_test_bot', ...opts.bot };
    const fake = new FakeTelegram({ token: opts.token ?? `${bot.id}:AAFakeTokenForOpenClawTests_0123456789`, bot });
    await fake.listen();
    return fake;
  }

  private async listen(): Promise<void> {
    // The package reads port 0 as "use 9000", so it gets a port picked for it.
    this.store = new TelegramServer({ port: await freePort(), host: '127.0.0.1' });
    await this.store.start();
    this.storeUrl = this.store.config.apiURL;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.answer(res, undefined, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` }));
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The bot as `getMe` describes it. */
  get bot(): FakeUser {
    return this.api.bot;
  }

  // ---- users' side -------------------------------------------------------

  /** A user says something; resolves with the message as the bot will see it. */
  async post(opts: PostOptions): Promise<Record<string, unknown>> {
    const body = { botToken: this.token, ...this.api.buildUserMessage(opts) };
    const adopted = await this.serial(async () => {
      await this.storeClient('/sendMessage', body);
      return this.pullFromStore();
    });
    const mine = adopted.at(-1);
    if (!mine) throw new Error('the store did not return the posted message');
    return (mine.update.message ?? mine.update.channel_post) as Record<string, unknown>;
  }

  /** Opens a forum topic in a forum supergroup; resolves with its thread id. */
  async createTopic(chat: number | string, name: string, by: number | string): Promise<number> {
    const msg = await this.post({ chat, from: by, extra: { forum_topic_created: { name, icon_color: 7322096 } } });
    const threadId = msg.message_id as number;
    this.api.addTopic(Number(chat), threadId, name);
    return threadId;
  }

  /** Queues an arbitrary (possibly malformed) update; resolves with its update id. */
  async postRaw(update: Record<string, unknown>): Promise<number> {
    const adopted = await this.serial(async () => {
      await this.storeClient('/sendMessage', { botToken: this.token, date: Math.floor(Date.now() / 1000), __raw: update });
      return this.pullFromStore();
    });
    return (adopted.at(-1) as PendingUpdate).update_id;
  }

  /** Text that @-mentions the bot, with the `mention` entity Telegram would attach. */
  mention(text: string): { text: string; entities: Record<string, unknown>[] } {
    const handle = `@${this.bot.username}`;
    return { text: `${handle} ${text}`, entities: [{ type: 'mention', offset: 0, length: handle.length }] };
  }

  // ---- test controls -----------------------------------------------------

  /** Turns a fault on or off. `drop` is one-shot: every open connection is destroyed now. */
  setFault(kind: FakeTelegramFault, on: boolean): void {
    if (kind === 'drop') {
      for (const socket of this.sockets) socket.destroy();
      this.feed.dropDelivery();
      return;
    }
    if (on) this.faults.add(kind);
    else this.faults.delete(kind);
    this.changes.notify();
  }

  /** The next `times` calls of `method` answer 429 with `retry_after`. */
  rateLimit(method: string, retryAfterSeconds: number, times = 1): void {
    this.rateLimits.push({ method, retryAfter: retryAfterSeconds, remaining: times });
  }

  /** Every later call answers 401, as after a token revoke in @BotFather. */
  revokeToken(): void {
    this.revoked = true;
  }

  /** Update ids not yet confirmed by an offset or a 2xx webhook answer. */
  pendingUpdateIds(): number[] {
    return this.feed.ids();
  }

  /** Resolves with the first call matching `pred` (already received or still to come). */
  waitForCall(pred: (c: ApiCall) => boolean, timeoutMs = 5000): Promise<ApiCall> {
    return this.waitUntil(() => this.calls.find(pred), timeoutMs, 'a matching Bot API call');
  }

  /** Resolves with `check()`'s first defined value, re-checked on every change. */
  async waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Telegram: timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.changes.wait(Math.min(left, 200));
    }
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    this.feed.setWebhook(undefined);
    this.changes.notify();
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await this.store?.stop();
  }

  // ---- Bot API side ------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/.exec(url.pathname);
    if (!m) return this.answer(res, undefined, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = m;
    res.once('close', () => this.changes.notify());
    let params: Record<string, unknown>;
    try {
      params = await readParams(req, url);
    } catch (err) {
      const e = err instanceof BotApiError ? err : new BotApiError(400, 'Bad Request: invalid JSON');
      return this.answer(res, undefined, e.toResult());
    }
    const call: ApiCall = { method, params, at: Date.now() };
    this.calls.push(call);
    this.changes.notify();
    if (!(await this.whileStalled(res))) return;
    if (this.faults.has('5xx')) return this.answer(res, call, { ok: false, error_code: 502, description: 'Bad Gateway' });
    if (decodeURIComponent(token) !== this.token || this.revoked) return this.answer(res, call, { ok: false, error_code: 401, description: 'Unauthorized' });
    const limit = this.rateLimits.find((r) => r.method === method && r.remaining > 0);
    if (limit) {
      limit.remaining--;
      const { retryAfter } = limit;
      return this.answer(res, call, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } });
    }
    let result: ApiResult | undefined;
    try {
      result = await this.dispatch(method, params, res, call);
    } catch (err) {
      if (!(err instanceof BotApiError)) throw err;
      result = err.toResult();
    }
    if (result) this.answer(res, call, result);
  }

  private async dispatch(method: string, p: Record<string, unknown>, res: ServerResponse, call: ApiCall): Promise<ApiResult | undefined> {
    switch (method) {
      case 'getMe':
        return { ok: true, result: this.api.getMe() };
      case 'getUpdates':
        return this.getUpdates(p, res, call);
      case 'setWebhook':
        return this.setWebhook(p);
      case 'deleteWebhook':
        if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') this.feed.clear();
        this.feed.setWebhook(undefined);
        return { ok: true, result: true, description: 'Webhook was deleted' };
      case 'getWebhookInfo':
        await this.serial(() => this.pullFromStore());
        return { ok: true, result: this.webhookInfo() };
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument':
        return { ok: true, result: await this.api.send(method, p) };
      case 'createForumTopic':
        return { ok: true, result: await this.api.createForumTopic(p) };
      case 'sendChatAction':
        return { ok: true, result: this.api.chatAction(p) };
      default:
        return this.forward(method, p);
    }
  }

  /**
   * Long polling as Telegram does it: an offset confirms everything below
   * it, an empty queue waits up to `timeout` seconds, and a newer poll
   * terminates an older one with 409.
   */
  private async getUpdates(p: Record<string, unknown>, res: ServerResponse, call: ApiCall): Promise<ApiResult | undefined> {
    if (this.feed.webhook) {
      return { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" };
    }
    const offset = int(p.offset);
    const limit = clamp(int(p.limit) ?? 100, 1, 100);
    const deadline = Date.now() + clamp(int(p.timeout) ?? 0, 0, 50) * 1000;
    this.kickActivePoll?.();
    let kicked = false;
    const kick = () => {
      kicked = true;
      this.changes.notify();
    };
    this.kickActivePoll = kick;
    try {
      this.feed.confirm(offset);
      await this.serial(() => this.pullFromStore());
      for (;;) {
        if (kicked) return { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' };
        if (gone(res) || this.closing.signal.aborted) return undefined;
        const ready = this.feed.peek(offset, limit);
        if (ready.length > 0 || Date.now() >= deadline) {
          // A stall that began mid-poll holds the answer too.
          if (this.faults.has('stall')) {
            if (!(await this.whileStalled(res))) return undefined;
            continue;
          }
          call.resultIds = ready.map((u) => u.update_id);
          return { ok: true, result: ready.map((u) => u.update) };
        }
        await this.changes.wait(Math.max(1, deadline - Date.now()));
      }
    } finally {
      if (this.kickActivePoll === kick) this.kickActivePoll = undefined;
    }
  }

  private setWebhook(p: Record<string, unknown>): ApiResult {
    const url = typeof p.url === 'string' ? p.url : '';
    const secret = typeof p.secret_token === 'string' && p.secret_token !== '' ? p.secret_token : undefined;
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new BotApiError(400, 'Bad Request: secret token contains unallowed characters');
    if (url !== '' && !/^https?:\/\//.test(url)) throw new BotApiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') this.feed.clear();
    const allowed = Array.isArray(p.allowed_updates) ? (p.allowed_updates as string[]) : undefined;
    this.kickActivePoll?.();
    this.feed.setWebhook(url ? { url, secret, allowedUpdates: allowed } : undefined);
    return { ok: true, result: true, description: url ? 'Webhook was set' : 'Webhook was deleted' };
  }

  private webhookInfo(): Record<string, unknown> {
    const hook = this.feed.webhook;
    const info: Record<string, unknown> = { url: hook?.url ?? '', has_custom_certificate: false, pending_update_count: this.feed.ids().length };
    if (hook) Object.assign(info, { max_connections: 40, ip_address: '127.0.0.1' });
    if (hook?.allowedUpdates) info.allowed_updates = hook.allowedUpdates;
    if (hook?.lastErrorDate) Object.assign(info, { last_error_date: hook.lastErrorDate, last_error_message: hook.lastErrorMessage });
    return info;
  }

  /** Methods the proxy does not implement go to the store as they came. */
  private async forward(method: string, p: Record<string, unknown>): Promise<ApiResult> {
    const { status, body } = await this.storeCall(method, p);
    if (typeof body === 'object' && body !== null && 'ok' in body) return body as ApiResult;
    return { ok: false, error_code: status === 500 ? 404 : status, description: 'Not Found: method not found' };
  }

  /** Holds a request while stalled. False when the client left or the fake is closing. */
  private async whileStalled(res?: ServerResponse): Promise<boolean> {
    while (this.faults.has('stall')) {
      if (this.closing.signal.aborted || (res && gone(res))) return false;
      await this.changes.wait(250);
    }
    return !this.closing.signal.aborted && !(res && gone(res));
  }

  private answer(res: ServerResponse, call: ApiCall | undefined, result: ApiResult): void {
    const status = result.ok ? 200 : result.error_code;
    if (call) call.status = status;
    this.changes.notify();
    if (gone(res) || res.headersSent) return;
    const text = JSON.stringify(result);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  // ---- the store (telegram-test-api) -------------------------------------

  /** One store interaction at a time, so a pull after a post sees that post last. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async storeClient(path: string, body: unknown): Promise<void> {
    const res = await fetch(`${this.storeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`telegram-test-api ${path} answered ${res.status}`);
  }

  private async storeCall(method: string, params: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.storeUrl}/bot${this.token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    return { status: res.status, body: await res.json() };
  }

  /** Moves what users said from the store (which marks it read) into the feed. */
  private async pullFromStore(): Promise<PendingUpdate[]> {
    const { body } = await this.storeCall('getUpdates', {});
    const raw = (body as { result?: { update_id: number; message: Record<string, unknown> }[] }).result ?? [];
    const adopted = raw.map((u) => this.api.adoptStoredUpdate(u.update_id, u.message));
    for (const u of adopted) this.feed.add(u);
    return adopted;
  }
}
