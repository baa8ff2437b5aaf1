/**
 * The Zalo adapter: one `getUpdates` long poll after another. The Bot API has
 * no offset to confirm updates with, so each update is handed to core (and
 * queued durably) before the next poll is made; a returned poll, with or
 * without an update, is the heartbeat. Transient failures are retried with a
 * short backoff; a rejected token stops the account.
 */
import { ChannelPermanentError, isChannelAuthError, type ChannelAdapter, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import { NO_UPDATE, ZaloBotApi, type ZaloBotInfo } from './bot-api.js';
import { normalizeZaloUpdate } from './normalize.js';

/** Settings with defaults applied. */
export interface ZaloSettings {
  botToken: string;
  apiRoot: string;
  pollTimeoutSeconds: number;
  livenessMs: number;
}

// Failed polls in a row before the supervisor is asked for a fresh start.
const MAX_FAILURES = 5;

export class ZaloAdapter implements ChannelAdapter {
  private readonly api: ZaloBotApi;
  private readonly abort = new AbortController();
  private bot?: ZaloBotInfo;
  private loop?: Promise<void>;
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
    await this.api.deleteWebhook(this.signal(this.callTimeoutMs));
    this.ctx.heartbeat();
    this.ctx.log.info('Zalo bot connected', { bot: this.bot.account_name ?? this.bot.id });
    this.loop = this.poll();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort(new Error('stopping'));
      await this.loop;
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
    return { botId: this.bot?.id, accountName: this.bot?.account_name, displayName: this.bot?.display_name, mode: 'polling' };
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
