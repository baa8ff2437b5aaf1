import { TELEGRAM_DEFAULTS, TELEGRAM_WEBHOOK_SECRET_PATTERN } from './defaults.js';

/** Where the local webhook listener runs and what Telegram is told. */
export interface TelegramWebhookSettings {
  url: string;
  /** Required: without it anyone who finds the URL could post fake updates. */
  secret: string;
  path: string;
  host: string;
  port: number;
}

/** One account's settings, with defaults applied. */
export interface TelegramSettings {
  botToken: string;
  apiRoot: string;
  livenessMs: number;
  /** Long-poll timeout handed to `getUpdates`. */
  pollTimeoutSeconds: number;
  /** Set in webhook mode. */
  webhook?: TelegramWebhookSettings;
}

const SECRET_RE = new RegExp(TELEGRAM_WEBHOOK_SECRET_PATTERN);

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Numbers may arrive as strings from environment substitution. */
function integer(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/**
 * What is wrong with an account's config, in words a user can act on; empty
 * when it can start. Webhook mode without a secret is refused because anyone
 * who guesses the URL could then inject messages as any user.
 */
export function findTelegramConfigProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!text(config.botToken)) {
    problems.push('Telegram needs a bot token: set channels.telegram.botToken to the token @BotFather gave you (like 123456789:AA…).');
  }
  if (config.apiRoot !== undefined && !text(config.apiRoot)) problems.push('channels.telegram.apiRoot must be a URL such as https://api.telegram.org.');
  if (text(config.webhookUrl)) {
    const secret = text(config.webhookSecret);
    if (!secret) {
      problems.push(
        'Telegram webhook mode needs a secret: set channels.telegram.webhookSecret (1–256 letters, digits, _ or -) so only Telegram can post updates, or remove webhookUrl to use long polling.',
      );
    } else if (!SECRET_RE.test(secret)) {
      problems.push('channels.telegram.webhookSecret may only use A–Z, a–z, 0–9, _ and -, at most 256 characters.');
    }
    const path = config.webhookPath;
    if (path !== undefined && !(typeof path === 'string' && path.startsWith('/'))) problems.push('channels.telegram.webhookPath must start with "/".');
    const port = config.webhookPort;
    if (port !== undefined) {
      const n = integer(port);
      if (n === undefined || n > 65535) problems.push('channels.telegram.webhookPort must be a port number (0–65535).');
    }
  }
  if (config.pollTimeoutSeconds !== undefined) {
    const n = integer(config.pollTimeoutSeconds);
    if (n === undefined || n < 1 || n > 50) problems.push('channels.telegram.pollTimeoutSeconds must be a whole number from 1 to 50.');
  }
  return problems;
}

/**
 * Reads an account's settings. Throws a plain-words error when the config
 * cannot work (the same checks as `checkConfig`).
 */
export function readTelegramSettings(config: Record<string, unknown>, defaultLivenessMs: number): TelegramSettings {
  const problems = findTelegramConfigProblems(config);
  if (problems.length > 0) throw new Error(problems.join(' '));
  const configuredLiveness = Number(config.livenessMs);
  const livenessMs = Number.isFinite(configuredLiveness) && configuredLiveness > 0 ? configuredLiveness : defaultLivenessMs;
  // grammY refuses a trailing slash; users paste URLs with one.
  const apiRoot = (text(config.apiRoot) ?? TELEGRAM_DEFAULTS.apiRoot).replace(/\/+$/, '');
  const pollTimeoutSeconds = integer(config.pollTimeoutSeconds) ?? Math.min(50, Math.max(1, Math.round(livenessMs / 3000)));
  const webhookUrl = text(config.webhookUrl);
  return {
    botToken: text(config.botToken) as string,
    apiRoot,
    livenessMs,
    pollTimeoutSeconds,
    webhook: webhookUrl
      ? {
          url: webhookUrl,
          secret: text(config.webhookSecret) as string,
          path: text(config.webhookPath) ?? TELEGRAM_DEFAULTS.webhookPath,
          host: text(config.webhookHost) ?? TELEGRAM_DEFAULTS.webhookHost,
          port: integer(config.webhookPort) ?? TELEGRAM_DEFAULTS.webhookPort,
        }
      : undefined,
  };
}
