/**
 * Defaults of the Telegram channel (`channels.telegram`); the keys and their
 * descriptions are in the plugin's manifest (`openclaw.plugin.json`). Shared
 * keys (`enabled`, `dmPolicy`, `apiRoot`, `livenessMs`…) belong to core;
 * `apiRoot` here overrides the Bot API base (`https://api.telegram.org`), e.g.
 * for a self-hosted Bot API server or tests.
 */

/** Defaults the adapter applies when a key is unset. */
export const TELEGRAM_DEFAULTS = {
  apiRoot: 'https://api.telegram.org',
  webhookPath: '/telegram-webhook',
  webhookHost: '127.0.0.1',
  webhookPort: 8787,
} as const;

/** What Telegram accepts as a webhook secret token: 1–256 of A–Z, a–z, 0–9, `_` and `-` (the manifest says the same). */
export const TELEGRAM_WEBHOOK_SECRET_PATTERN = '^[A-Za-z0-9_-]{1,256}$';
