import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GrammyError, type Api } from 'grammy';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';
import { classifyPollError, describeTelegramError, tokenRejected } from './errors.js';
import { ALLOWED_UPDATES, grammySignal, MAX_CONSECUTIVE_FAILURES } from './polling.js';
import type { TelegramWebhookSettings } from './settings.js';

/** Telegram updates are small; anything bigger is not from Telegram. */
const MAX_BODY_BYTES = 1024 * 1024;
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export interface WebhookDeps {
  api: Api;
  token: string;
  settings: TelegramWebhookSettings;
  livenessMs: number;
  log: ChannelLogger;
  onUpdate(update: unknown): Promise<void>;
  heartbeat(): void;
  fail(err: Error): void;
}

/** What `getWebhookInfo` said last, for `describe()`. */
export interface WebhookStatus {
  url?: string;
  pendingUpdateCount?: number;
  lastErrorMessage?: string;
  lastErrorAt?: number;
  lastProbeAt?: number;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function reply(res: ServerResponse, status: number, body = ''): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts);
}

/**
 * Webhook mode: a local HTTP listener Telegram posts updates to (usually
 * through a reverse proxy or tunnel at `webhookUrl`). A call is answered 200
 * only after core queued the message, so Telegram redelivers anything that
 * failed. Liveness comes from periodic `getWebhookInfo` probes, because a
 * quiet chat sends nothing.
 */
export class TelegramWebhook {
  private server?: Server;
  private stopped = false;
  private probeTimer?: NodeJS.Timeout;
  private readonly probeAbort = new AbortController();
  private probeFailures = 0;
  private readonly secretDigest: Buffer;
  readonly status: WebhookStatus = {};
  /** The port actually bound (differs from the setting when that is 0). */
  port: number | undefined;

  constructor(private readonly deps: WebhookDeps) {
    this.secretDigest = digest(deps.settings.secret);
  }

  /** Listens, then registers the webhook; rejects with a plain-words error. */
  async start(): Promise<void> {
    const { host, port, url, secret } = this.deps.settings;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.deps.log.error('telegram webhook handler failed', { error: describeTelegramError(err, this.deps.token) });
        reply(res, 500);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'the port is already in use' : err.message;
        reject(new Error(`Could not listen on ${host}:${port} for Telegram webhooks (${why}). Change channels.telegram.webhookPort or webhookHost.`));
      });
      server.listen(port, host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    try {
      await this.deps.api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
    } catch (err) {
      await this.close();
      if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) throw tokenRejected(err, true);
      throw new Error(`Telegram did not accept the webhook URL ${url}: ${describeTelegramError(err, this.deps.token)}`);
    }
    this.deps.log.info('telegram webhook set', { url, listen: `${host}:${this.port}${this.deps.settings.path}` });
    this.deps.heartbeat();
    this.scheduleProbe();
  }

  /**
   * Stops listening; calls still in flight lose their socket, so Telegram
   * redelivers them. The webhook stays set: Telegram keeps new updates for
   * the next start instead of dropping them.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.probeTimer);
    this.probeAbort.abort();
    await this.close();
  }

  private async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server?.listening) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private secretMatches(header: string | string[] | undefined): boolean {
    if (typeof header !== 'string') return false;
    // Hashing first makes the comparison constant-time whatever the lengths.
    return timingSafeEqual(digest(header), this.secretDigest);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== this.deps.settings.path) return reply(res, 404, 'not found');
    if (req.method !== 'POST') return reply(res, 405, 'method not allowed');
    if (!this.secretMatches(req.headers[SECRET_HEADER])) {
      this.deps.log.warn('telegram webhook call with a wrong or missing secret rejected', { remote: req.socket.remoteAddress });
      return reply(res, 401, 'unauthorized');
    }
    const body = await readBody(req);
    if (!body) return reply(res, 413, 'too large');
    let update: unknown;
    try {
      update = JSON.parse(body.toString('utf8'));
    } catch {
      this.deps.log.warn('telegram webhook body is not JSON; skipped', { bytes: body.length });
      return reply(res, 400, 'bad json');
    }
    if (this.stopped) return reply(res, 503, 'stopping');
    this.deps.heartbeat();
    try {
      await this.deps.onUpdate(update);
    } catch (err) {
      // Not 2xx: Telegram keeps the update and tries again later.
      this.deps.log.warn('telegram update not queued; Telegram will redeliver', { error: describeTelegramError(err, this.deps.token) });
      return reply(res, 500, 'not queued');
    }
    reply(res, 200);
  }

  private probeIntervalMs(): number {
    return Math.max(500, Math.round(this.deps.livenessMs / 3));
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.probeTimer = setTimeout(() => void this.probe(), this.probeIntervalMs());
  }

  private async probe(): Promise<void> {
    const { api, settings, log } = this.deps;
    try {
      const info = await api.getWebhookInfo(grammySignal(AbortSignal.any([this.probeAbort.signal, AbortSignal.timeout(this.probeIntervalMs() * 2)])));
      if (this.stopped) return;
      this.probeFailures = 0;
      Object.assign(this.status, {
        url: info.url,
        pendingUpdateCount: info.pending_update_count,
        lastErrorMessage: info.last_error_message,
        lastErrorAt: info.last_error_date ? info.last_error_date * 1000 : undefined,
        lastProbeAt: Date.now(),
      });
      if (info.url !== settings.url) {
        this.deps.fail(new Error('The Telegram webhook was changed or removed by another program; restarting sets it again.'));
        return;
      }
      this.deps.heartbeat();
    } catch (err) {
      if (this.stopped) return;
      const verdict = classifyPollError(err, this.deps.token);
      this.probeFailures++;
      if (verdict.kind === 'fatal' || this.probeFailures >= MAX_CONSECUTIVE_FAILURES) {
        const error = verdict.kind === 'fatal' ? verdict.error : new Error(`Telegram webhook status checks failed ${this.probeFailures} times in a row; last: ${verdict.reason}`);
        log.error('telegram webhook health check gave up', { error: error.message });
        this.deps.fail(error);
        return;
      }
      log.warn('telegram webhook status check failed', { reason: verdict.reason, attempt: this.probeFailures });
    }
    this.scheduleProbe();
  }
}
