/**
 * Settings of the Telegram channel (`channels.telegram`): a bot from
 * @BotFather that receives updates by long polling, or by webhook when
 * `webhookUrl` is set. Shared keys (`enabled`, `dmPolicy`, `apiRoot`,
 * `livenessMs`…) belong to core; `apiRoot` here overrides the Bot API base
 * (`https://api.telegram.org`), e.g. for a self-hosted Bot API server or tests.
 */
import { Type } from '@sinclair/typebox';

/** Defaults the adapter applies when a key is unset. */
export const TELEGRAM_DEFAULTS = {
  apiRoot: 'https://api.telegram.org',
  webhookPath: '/telegram-webhook',
  webhookHost: '127.0.0.1',
  webhookPort: 8787,
  livenessMs: 90_000,
} as const;

/** What Telegram accepts as a webhook secret token: 1–256 of A–Z, a–z, 0–9, `_` and `-`. */
export const TELEGRAM_WEBHOOK_SECRET_PATTERN = '^[A-Za-z0-9_-]{1,256}$';

/** Telegram's own keys, merged into the channel schema by core. */
export const telegramChannelKeys = {
  botToken: Type.Optional(
    Type.String({
      description: 'Bot token from @BotFather, like 123456789:AA… (secret).',
      minLength: 1,
    }),
  ),
  webhookUrl: Type.Optional(
    Type.String({
      description:
        'Public HTTPS URL Telegram posts updates to (forwarded to webhookHost:webhookPort/webhookPath). When set, the bot uses a webhook instead of long polling and webhookSecret is required.',
      minLength: 1,
    }),
  ),
  webhookSecret: Type.Optional(
    Type.String({
      description: 'Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token with every webhook call; 1–256 of A–Z, a–z, 0–9, _ and - (secret).',
      pattern: TELEGRAM_WEBHOOK_SECRET_PATTERN,
    }),
  ),
  webhookPath: Type.Optional(
    Type.String({ description: 'Path of the local webhook listener.', default: TELEGRAM_DEFAULTS.webhookPath, pattern: '^/' }),
  ),
  webhookHost: Type.Optional(
    Type.String({ description: 'Address the local webhook listener binds to.', default: TELEGRAM_DEFAULTS.webhookHost, minLength: 1 }),
  ),
  webhookPort: Type.Optional(
    Type.Integer({ description: 'Port of the local webhook listener (0 picks a free one).', default: TELEGRAM_DEFAULTS.webhookPort, minimum: 0, maximum: 65535 }),
  ),
  pollTimeoutSeconds: Type.Optional(
    Type.Integer({
      description: 'Long-poll timeout in seconds. Unset: about a third of livenessMs, so a healthy poll always reports in before the liveness bound.',
      minimum: 1,
      maximum: 50,
    }),
  ),
};

/** Secret key names (matched at any depth under the channel). */
export const TELEGRAM_SECRET_KEYS: string[] = ['botToken', 'webhookSecret'];
