/**
 * The Zalo adapter, in one of two modes.
 *
 * Long polling (default): one `getUpdates` after another. The Bot API has no
 * offset to confirm updates with, so each update is handed to core (and
 * queued durably) before the next poll is made; a returned poll, with or
 * without an update, is the heartbeat.
 *
 * Webhook (`webhookUrl` + `webhookSecret`): Zalo POSTs each update to a local
 * endpoint; the `X-Bot-Api-Secret-Token` header is compared in constant time
 * before the body is read, and Zalo gets its 200 only after core queued the
 * message. A `getMe` on a timer proves Zalo is reachable.
 *
 * Transient failures are retried; a rejected token stops the account.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ChannelPermanentError, isChannelAuthError, type ChannelAdapter, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import { NO_UPDATE, ZaloBotApi, type ZaloBotInfo } from './bot-api.js';
import { normalizeZaloUpdate } from './normalize.js';
import { startWebhookServer, type WebhookReply, type WebhookServer } from '../../../plugin-kit/webhook-server.js';

/** Settings with defaults applied. */
export interface ZaloSettings {
  botToken: string;
  apiRoot: string;
  pollTimeoutSeconds: number;
  livenessMs: number;
  /** Webhook mode when present. */
  webhook?: { url: string; secret: string; host: string; port: number; path: string };
}

// Equal-length digests, so the comparison takes the same time whatever was sent.
const digest = (s: string) => createHash('sha256').update(s).digest();

// Failed polls in a row before the supervisor is asked for a fresh start.
const MAX_FAILURES = 5;

export class ZaloAdapter implements ChannelAdapter {
  private readonly api: ZaloBotApi;
  private readonly abort = new AbortController();
  private bot?: ZaloBotInfo;
  private loop?: Promise<void>;
  private server?: WebhookServer;
  private probeTimer?: NodeJS.Timeout;
  private stopping?: Promise<void>;

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: ZaloSettings,
  ) {
    this.api = new ZaloBotApi(settings.apiRoot, settings.botToken);
  }

  /** A poll must end well inside the liveness bound, or a quiet chat would look dead. */
  private get pollSeconds(): number {
    return Math.max(1, Math.min(this.settings.pollTimeoutSeconds, Math.floor(this.settings.livenessMs / 3000)));
  }

  private get callTimeoutMs(): number {
    return Math.min(10_000, Math.max(1_000, Math.floor(this.settings.livenessMs / 3)));
  }

  private signal(ms: number): AbortSignal {
    return AbortSignal.any([this.abort.signal, AbortSignal.timeout(ms)]);
  }

  async start(): Promise<void> {
    this.bot = await this.api.getMe(this.signal(this.callTimeoutMs));
    const hook = this.settings.webhook;
    if (hook) {
      this.server = await startWebhookServer({
        host: hook.host,
        port: hook.port,
        path: hook.path,
        maxBodyBytes: 1024 * 1024,
        handle: (headers, readBody) => this.onWebhook(headers, readBody),
        name: 'The Zalo webhook endpoint',
        portSetting: 'channels.zalo.webhookPort',
      });
      await this.api.setWebhook(hook.url, hook.secret, this.signal(this.callTimeoutMs));
      this.probeTimer = setInterval(() => void this.probe(), Math.max(250, Math.floor(this.settings.livenessMs / 3)));
      this.probeTimer.unref();
    } else {
      await this.api.deleteWebhook(this.signal(this.callTimeoutMs));
      this.loop = this.poll();
    }
    this.ctx.heartbeat();
    this.ctx.log.info('Zalo bot connected', { bot: this.bot.account_name ?? this.bot.id, mode: hook ? 'webhook' : 'polling', ...(this.server ? { endpoint: this.server.url } : {}) });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort(new Error('stopping'));
      clearInterval(this.probeTimer);
      // The webhook stays registered: Zalo keeps retrying what arrives while the account is down.
      await Promise.all([this.loop, this.server?.close(2_000)]);
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    if (this.abort.signal.aborted) throw new Error('Zalo is not running');
    if (!msg.to.id.trim()) throw new ChannelPermanentError('Zalo cannot send without a chat id.');
    const sent = await this.api.sendMessage(msg.to.id, msg.text, this.signal(this.callTimeoutMs));
    return { messageId: sent.message_id ?? `zalo-${Date.now()}` };
  }

  describe(): Record<string, unknown> {
    return { botId: this.bot?.id, accountName: this.bot?.account_name, displayName: this.bot?.display_name, mode: this.settings.webhook ? 'webhook' : 'polling', ...(this.server ? { endpoint: this.server.url } : {}) };
  }

  private async poll(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        const updates = await this.api.getUpdates(this.pollSeconds, this.signal(this.pollSeconds * 1000 + this.callTimeoutMs));
        failures = 0;
        this.ctx.heartbeat();
        if (updates === NO_UPDATE) continue;
        for (const update of updates) await this.handle(update);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (isChannelAuthError(err)) return this.ctx.fail(err as Error);
        failures++;
        this.ctx.log.warn('Zalo poll failed', { error: String((err as Error).message ?? err), failures });
        if (failures >= MAX_FAILURES) return this.ctx.fail(err as Error);
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** failures)));
      }
    }
  }

  private async onWebhook(headers: IncomingHttpHeaders, readBody: () => Promise<Buffer>): Promise<WebhookReply> {
    if (this.abort.signal.aborted) return { status: 503, body: { error: 'shutting down' } };
    const given = headers['x-bot-api-secret-token'];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), digest(this.settings.webhook!.secret))) {
      this.ctx.log.warn('Zalo webhook rejected: wrong or missing X-Bot-Api-Secret-Token');
      return { status: 401, body: { error: 'unauthorized' } };
    }
    this.ctx.heartbeat();
    let update: unknown;
    try {
      update = JSON.parse((await readBody()).toString('utf8'));
    } catch (err) {
      if ((err as Error).name === 'BodyTooLargeError') throw err;
      return { status: 400, body: { error: 'malformed JSON' } };
    }
    const result = normalizeZaloUpdate(update, { channel: this.ctx.channel, accountId: this.ctx.accountId, botName: this.bot?.account_name });
    if (result.kind === 'ignored') {
      this.ctx.log.debug('Zalo update ignored', { reason: result.reason });
      return { status: 200, body: { ok: true } };
    }
    try {
      await this.ctx.emit(result.msg);
    } catch (err) {
      this.ctx.log.error('could not queue a Zalo message; Zalo will be asked to resend', { error: String(err) });
      return { status: 500, body: { error: 'not queued' } };
    }
    return { status: 200, body: { ok: true } };
  }

  private async probe(): Promise<void> {
    try {
      await this.api.getMe(this.signal(this.callTimeoutMs));
      if (!this.abort.signal.aborted) this.ctx.heartbeat();
    } catch (err) {
      if (isChannelAuthError(err)) this.ctx.fail(err as Error);
      else if (!this.abort.signal.aborted) this.ctx.log.warn('Zalo liveness probe failed', { error: String((err as Error).message ?? err) });
    }
  }


  private async handle(update: unknown): Promise<void> {
    const result = normalizeZaloUpdate(update, { channel: this.ctx.channel, accountId: this.ctx.accountId, botName: this.bot?.account_name });
    if (result.kind === 'ignored') {
      this.ctx.log.debug('Zalo update ignored', { reason: result.reason });
      return;
    }
    // Zalo has already let go of this update: core must have it before the next poll, however long that takes.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.emit(result.msg);
        return;
      } catch (err) {
        if (this.abort.signal.aborted) throw err;
        this.ctx.log.error('could not queue a Zalo message; trying again', { error: String((err as Error).message ?? err), attempt });
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }
}
