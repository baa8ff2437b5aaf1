import { Api, GrammyError } from 'grammy';
import type { ChannelAdapter, ChannelContext, ChannelSend } from '../../../src-shared/domain/channel.js';
import { describeTelegramError, tokenRejected } from './errors.js';
import { normalizeTelegramUpdate, updateIdOf, type BotIdentity } from './normalize.js';
import { grammySignal, TelegramPoller } from './polling.js';
import { sendTelegramMessage, sendTelegramTyping } from './send.js';
import { readTelegramSettings, type TelegramSettings } from './settings.js';
import { TelegramWebhook } from './webhook.js';

/** One Telegram bot account: long polling by default, webhook when `webhookUrl` is set. */
export class TelegramAdapter implements ChannelAdapter {
  private api?: Api;
  private settings?: TelegramSettings;
  private bot?: BotIdentity;
  private poller?: TelegramPoller;
  private webhook?: TelegramWebhook;
  private stopped = false;
  private failed = false;
  private stopping?: Promise<void>;

  constructor(
    private readonly ctx: ChannelContext,
    private readonly defaultLivenessMs: number,
  ) {}

  /** Checks the token with `getMe`, then starts polling or the webhook. */
  async start(): Promise<void> {
    if (this.api) throw new Error('Telegram adapter already started');
    const settings = readTelegramSettings(this.ctx.config, this.defaultLivenessMs);
    this.settings = settings;
    // Sends must not hang for grammY's default 500 s; polls carry their own deadline.
    const api = new Api(settings.botToken, { apiRoot: settings.apiRoot, timeoutSeconds: Math.max(60, settings.pollTimeoutSeconds + 30) });
    this.api = api;
    const me = await api.getMe(grammySignal(this.ctx.signal)).catch((err: unknown) => {
      throw this.startError(err, 'check the bot token');
    });
    this.bot = { id: me.id, username: me.username };
    this.throwIfStopped();
    if (settings.webhook) {
      this.webhook = new TelegramWebhook({ ...this.commonDeps(settings), settings: settings.webhook });
      await this.webhook.start();
      if (this.stopped) await this.webhook.stop();
    } else {
      // A webhook left over from another setup would make every getUpdates fail with 409.
      await api.deleteWebhook({ drop_pending_updates: false }, grammySignal(this.ctx.signal)).catch((err: unknown) => {
        throw this.startError(err, 'switch the bot to long polling');
      });
      this.throwIfStopped();
      if (settings.pollTimeoutSeconds * 1000 >= settings.livenessMs) {
        this.ctx.log.warn('telegram pollTimeoutSeconds is not shorter than livenessMs; a quiet bot will look dead and be restarted', {
          pollTimeoutSeconds: settings.pollTimeoutSeconds,
          livenessMs: settings.livenessMs,
        });
      }
      this.poller = new TelegramPoller({ ...this.commonDeps(settings), pollTimeoutSeconds: settings.pollTimeoutSeconds });
      this.poller.start();
    }
    this.throwIfStopped();
    this.ctx.log.info('telegram connected', { bot: `@${me.username}`, mode: this.mode() });
  }

  /** Idempotent; resolves once no further `emit` can start. */
  stop(): Promise<void> {
    this.stopped = true;
    this.stopping ??= Promise.all([this.poller?.stop(), this.webhook?.stop()]).then(() => undefined);
    return this.stopping;
  }

  /** Sends one Telegram-HTML message (with media) to a chat, topic or reply target. */
  send(msg: ChannelSend): Promise<{ messageId: string }> {
    const { api, settings } = this.requireStarted();
    return sendTelegramMessage(api, settings.botToken, msg);
  }

  /** Shows "typing…"; `threadId` is the forum topic id. */
  sendTyping(to: ChannelSend['to'], threadId?: string): Promise<void> {
    const { api, settings } = this.requireStarted();
    return sendTelegramTyping(api, settings.botToken, to, threadId);
  }

  /** Bot identity, receive mode and webhook health. No secrets. */
  describe(): Record<string, unknown> {
    const out: Record<string, unknown> = { mode: this.mode() };
    if (this.bot) Object.assign(out, { botId: this.bot.id, botUsername: this.bot.username });
    if (this.poller) Object.assign(out, { pollTimeoutSeconds: this.settings?.pollTimeoutSeconds, lastPollAt: this.poller.lastPollAt });
    if (this.webhook && this.settings?.webhook) {
      const { url, path, host } = this.settings.webhook;
      out.webhook = { url, listen: `${host}:${this.webhook.port ?? this.settings.webhook.port}${path}`, ...this.webhook.status };
    }
    return out;
  }

  private mode(): 'polling' | 'webhook' {
    return this.settings?.webhook ? 'webhook' : 'polling';
  }

  private requireStarted(): { api: Api; settings: TelegramSettings } {
    if (!this.api || !this.settings || !this.bot) throw new Error('Telegram adapter is not started');
    return { api: this.api, settings: this.settings };
  }

  private throwIfStopped(): void {
    if (this.stopped) throw new Error('Telegram adapter was stopped while starting');
  }

  private startError(err: unknown, doing: string): Error {
    if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) return tokenRejected(err, true);
    const token = this.settings?.botToken ?? '';
    if (err instanceof GrammyError) return new Error(`Telegram refused to ${doing}: ${err.error_code} ${err.description}`);
    return new Error(`Could not reach Telegram at ${this.settings?.apiRoot} to ${doing}: ${describeTelegramError(err, token)}`);
  }

  private commonDeps(settings: TelegramSettings) {
    return {
      api: this.requireStarted().api,
      token: settings.botToken,
      livenessMs: settings.livenessMs,
      log: this.ctx.log,
      onUpdate: (update: unknown) => this.onUpdate(update),
      heartbeat: () => {
        if (!this.stopped) this.ctx.heartbeat();
      },
      fail: (err: Error) => this.fail(err),
    };
  }

  /** Skips what is not a user message (logging malformed payloads), emits the rest. */
  private async onUpdate(update: unknown): Promise<void> {
    const bot = this.bot as BotIdentity;
    const outcome = normalizeTelegramUpdate(update, { channel: this.ctx.channel, accountId: this.ctx.accountId, bot });
    if (outcome.kind === 'malformed') {
      this.ctx.log.warn('telegram update malformed; skipped', { updateId: updateIdOf(update), reason: outcome.reason });
      return;
    }
    if (outcome.kind === 'skip') {
      this.ctx.log.debug('telegram update skipped', { updateId: updateIdOf(update), reason: outcome.reason });
      return;
    }
    if (this.stopped) throw new Error('stopping');
    // Looked up at call time: core (or a test) may wrap `emit` after creating the adapter.
    await this.ctx.emit(outcome.message);
  }

  /** Reports once; the supervisor stops this instance and starts a fresh one. */
  private fail(err: Error): void {
    if (this.failed || this.stopped) return;
    this.failed = true;
    this.ctx.fail(err);
  }
}
