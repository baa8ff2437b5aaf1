/**
 * The Telegram channel: a @BotFather bot through grammY's Bot API client.
 * Long polling by default (no public URL needed); webhook mode when
 * `webhookUrl` is set. Adapters normalise, core decides: this folder turns
 * updates into `InboundMessage`s and sends Telegram-HTML text back.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { TelegramAdapter } from './adapter.js';
import { findTelegramConfigProblems } from './settings.js';

const facts = channelFactsFromManifest(manifest, 'telegram');

/** What Telegram bots can do, for core's chunking, formatting and liveness (from the manifest). */
export const TELEGRAM_CAPABILITIES = facts.capabilities;

/** The Telegram channel. */
export const telegramChannel = defineChannel({
  id: 'telegram',
  label: facts.label,
  capabilities: TELEGRAM_CAPABILITIES,
  checkConfig(config) {
    const problems = findTelegramConfigProblems(config);
    return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join(' ') };
  },
  create: (_account, ctx) => new TelegramAdapter(ctx, TELEGRAM_CAPABILITIES.livenessMs),
});
