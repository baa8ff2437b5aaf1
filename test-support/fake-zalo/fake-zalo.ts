/**
 * The Zalo Bot Platform API in tests, after its reference
 * (bot.zaloplatforms.com/docs): `POST /bot<TOKEN>/<method>` answering
 * `{ ok, result }` or `{ ok: false, error_code, description }`.
 *   getMe, getUpdates (long poll; one update per call, released once answered;
 *   408 when the wait ends empty), sendMessage, setWebhook, deleteWebhook,
 *   getWebhookInfo.
 * While a webhook is set, getUpdates is refused, and updates are POSTed to the
 * webhook with `X-Bot-Api-Secret-Token` instead (retried until a 2xx).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readJsonBody, sendJson, startHttpServer, type StartedServer } from '../http-server.js';
import { Waiters } from '../wait-until.js';

export const FAKE_ZALO_BOT = { id: '8000000000000000001', account_name: 'bot.openclaw', display_name: 'OpenClaw', account_type: 'BASIC' };

/** One text the bot sent. */
export interface ZaloSent {
  chatId: string;
  text: string;
}

type Fault = 'drop' | 'stall' | '5xx';

export class FakeZalo {
  readonly token = `123456789:${Math.random().toString(36).slice(2)}fake`;
  readonly sent: ZaloSent[] = [];
  readonly counters = { getUpdates: 0, sendMessage: 0, webhookPosts: 0 };
  private readonly queue: unknown[] = [];
  private readonly waiters = new Waiters();
  private readonly faults = { stall: false, error5xx: false, dropNext: false, rateLimit: false };
  private revoked = false;
  // Bumped when a stall begins: requests that lived through one are never answered, like a server that hung.
  private stallEpoch = 0;
  private webhook?: { url: string; secret: string };
  private server?: StartedServer & { server: Server };
  private closed = false;
  private seq = 0;
  private pumping = false;

  get baseUrl(): string {
    if (!this.server) throw new Error('fake Zalo not started');
    return this.server.baseUrl;
  }

  async start(): Promise<void> {
    this.server = await startHttpServer((req, res) => this.handle(req, res));
  }

  /** A user writes; `group` puts it in that group chat. */
  userMessage(user: { id: string; name: string }, text: string, group?: string): void {
    this.queue.push({
      event_name: 'message.text.received',
      message: {
        message_id: `m${++this.seq}${Date.now().toString(36)}`,
        from: { id: user.id, display_name: user.name, is_bot: false },
        chat: { id: group ?? user.id, chat_type: group ? 'GROUP' : 'PRIVATE' },
        date: Date.now(),
        text,
      },
    });
    this.waiters.notify();
    void this.pumpWebhook();
  }

  pending(): number {
    return this.queue.length;
  }

  waitForSent(count: number, timeoutMs = 5000): Promise<ZaloSent[]> {
    return this.waiters.until(() => (this.sent.length >= count ? this.sent.slice(0, count) : undefined), timeoutMs, `${count} sent message(s)`);
  }

  revokeToken(): void {
    this.revoked = true;
  }

  /** The next sendMessage answers 429. */
  rateLimitNext(): void {
    this.faults.rateLimit = true;
  }

  setFault(kind: Fault, on: boolean): void {
    if (kind === 'drop') {
      this.faults.dropNext = true;
      this.server?.server.closeAllConnections();
    } else if (kind === 'stall') {
      if (on && !this.faults.stall) this.stallEpoch++;
      this.faults.stall = on;
    } else this.faults.error5xx = on;
    this.waiters.notify();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiters.notify();
    await this.server?.close();
  }

  private fail(res: ServerResponse, status: number, code: number, description: string): void {
    sendJson(res, status, { ok: false, error_code: code, description });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Before the answer is written, a 'close' can only mean the client went away (aborted, timed out, cut).
    let gone = false;
    const closed = new Promise<void>((resolve) =>
      res.once('close', () => {
        gone = true;
        resolve();
      }),
    );
    const alive = () => !gone && !res.writableEnded && !req.socket.destroyed;
    if (this.faults.dropNext) {
      this.faults.dropNext = false;
      req.socket.destroy();
      return;
    }
    const epoch = this.stallEpoch;
    if (this.faults.stall) {
      await Promise.race([this.waiters.until(() => (!this.faults.stall || this.closed ? true : undefined), 2 ** 31 - 1, 'stall to end'), closed]);
      req.socket.destroy();
      return;
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!m || req.method !== 'POST') return this.fail(res, 404, 404, 'Not Found');
    const [, token, method] = m;
    const body = ((await readJsonBody(req).catch(() => undefined)) ?? {}) as Record<string, unknown>;
    if (token !== this.token || this.revoked) return this.fail(res, 401, 401, 'Unauthorized');
    if (this.faults.rateLimit && method === 'sendMessage') {
      this.faults.rateLimit = false;
      return this.fail(res, 429, 429, 'Too Many Requests');
    }
    if (this.faults.error5xx) return this.fail(res, 500, 500, 'Internal Server Error');
    switch (method) {
      case 'getMe':
        return sendJson(res, 200, { ok: true, result: FAKE_ZALO_BOT });
      case 'getUpdates':
        return this.getUpdates(req, res, Number(body.timeout ?? 30), () => alive() && this.stallEpoch === epoch, closed);
      case 'sendMessage': {
        this.counters.sendMessage++;
        const chatId = body.chat_id;
        const text = body.text;
        if (typeof chatId !== 'string' || typeof text !== 'string' || !text) return this.fail(res, 400, 400, 'Bad Request: chat_id and text are required');
        if (text.length > 2000) return this.fail(res, 400, 400, 'Bad Request: text is too long');
        if (chatId === 'unknown-chat') return this.fail(res, 400, 400, 'Bad Request: chat not found');
        this.sent.push({ chatId, text });
        this.waiters.notify();
        return sendJson(res, 200, { ok: true, result: { message_id: `b${++this.seq}`, date: Date.now() } });
      }
      case 'setWebhook': {
        if (typeof body.url !== 'string' || typeof body.secret_token !== 'string' || body.secret_token.length < 8) return this.fail(res, 400, 400, 'Bad Request: url and secret_token (8+ characters) are required');
        this.webhook = { url: body.url, secret: body.secret_token };
        void this.pumpWebhook();
        return sendJson(res, 200, { ok: true, result: { url: body.url, updated_at: Date.now() } });
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        return sendJson(res, 200, { ok: true, result: { url: '', updated_at: Date.now() } });
      case 'getWebhookInfo':
        return sendJson(res, 200, { ok: true, result: { url: this.webhook?.url ?? '', updated_at: Date.now() } });
      default:
        return this.fail(res, 404, 404, 'Not Found');
    }
  }

  private async getUpdates(req: IncomingMessage, res: ServerResponse, timeoutSeconds: number, alive: () => boolean, closed: Promise<void>): Promise<void> {
    this.counters.getUpdates++;
    if (this.webhook) return this.fail(res, 400, 400, 'Bad Request: webhook is set; delete it to use getUpdates');
    const waitMs = Math.max(0, Math.min(60, Number.isFinite(timeoutSeconds) ? timeoutSeconds : 30)) * 1000;
    const ready = await Promise.race([
      this.waiters.until(() => (this.closed || (this.queue.length > 0 && !this.faults.stall) ? true : undefined), waitMs, 'an update').catch(() => false),
      closed.then(() => false),
    ]);
    // An update leaves the queue only when it is written to a client that is still there.
    if (!ready || this.closed || !alive() || this.queue.length === 0) {
      if (alive()) this.fail(res, 408, 408, 'Request Timeout');
      else req.socket.destroy();
      return;
    }
    sendJson(res, 200, { ok: true, result: this.queue.shift() });
  }

  private async pumpWebhook(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let delay = 25;
    try {
      while (this.webhook && this.queue.length && !this.closed) {
        if (this.faults.stall) {
          await this.waiters.until(() => (!this.faults.stall || this.closed ? true : undefined), 2 ** 31 - 1, 'stall to end');
          continue;
        }
        const { url, secret } = this.webhook;
        this.counters.webhookPosts++;
        const status = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': secret },
          body: JSON.stringify(this.queue[0]),
          signal: AbortSignal.timeout(5000),
        }).then(
          (r) => r.status,
          () => 0,
        );
        if (status >= 200 && status < 300) {
          this.queue.shift();
          delay = 25;
          continue;
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 400);
      }
    } finally {
      this.pumping = false;
    }
  }
}
