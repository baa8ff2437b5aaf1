/**
 * The Telegram channel: a @BotFather bot through grammY's Bot API client.
 * Long polling by default (no public URL needed); webhook mode when
 * `webhookUrl` is set. Adapters normalise, core decides: this folder turns
 * updates into `InboundMessage`s and sends Telegram-HTML text back.
 */
import type { ChannelCapabilities, ChannelPlugin } from '../../../src-shared/domain/channel.js';
import { TELEGRAM_DEFAULTS } from '../../../src-shared/domain/channels/telegram.js';
import { TelegramAdapter } from './adapter.js';
import { findTelegramConfigProblems } from './settings.js';

/** What Telegram bots can do, for core's chunking, formatting and liveness. */
export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  textLimit: 4096,
  format: 'telegram-html',
  media: true,
  threads: true,
  livenessMs: TELEGRAM_DEFAULTS.livenessMs,
};

/** The Telegram channel plugin. */
export const telegramPlugin: ChannelPlugin = {
  id: 'telegram',
  label: 'Telegram',
  capabilities: TELEGRAM_CAPABILITIES,
  checkConfig(config) {
    const problems = findTelegramConfigProblems(config);
    return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join(' ') };
  },
  create(ctx) {
    return new TelegramAdapter(ctx, TELEGRAM_CAPABILITIES.livenessMs);
  },
};

export { TelegramAdapter } from './adapter.js';
export { normalizeTelegramUpdate, buildTelegramMessageId } from './normalize.js';
