/** LINE account settings: the checks `checkConfig` and `create` share, and defaults. */

export const DEFAULT_API_ROOT = 'https://api.line.me';

/** Settings with defaults applied. */
export interface LineSettings {
  channelAccessToken: string;
  channelSecret: string;
  webhookHost: string;
  webhookPort: number;
  webhookPath: string;
  apiRoot: string;
  livenessMs: number;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** The reason this config cannot start, in plain words; undefined when it can. */
export function checkLineConfig(config: Record<string, unknown>): string | undefined {
  if (!nonEmpty(config.channelAccessToken)) {
    return 'Set channels.line.channelAccessToken to the channel access token (LINE Developers console → your Messaging API channel → Messaging API tab → Channel access token → Issue).';
  }
  if (!nonEmpty(config.channelSecret)) {
    // Without the secret nobody can tell LINE's webhooks from anyone else's POSTs.
    return 'Set channels.line.channelSecret to the channel secret (LINE Developers console → Basic settings); every webhook is verified with it.';
  }
  const port = config.webhookPort;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) return 'channels.line.webhookPort must be a port number.';
  if (config.webhookPath !== undefined && (typeof config.webhookPath !== 'string' || !config.webhookPath.startsWith('/'))) return 'channels.line.webhookPath must start with "/".';
  if (config.apiRoot !== undefined && (typeof config.apiRoot !== 'string' || !URL.canParse(config.apiRoot))) return 'channels.line.apiRoot must be a URL.';
  return undefined;
}

/** Apply defaults; call after {@link checkLineConfig} passed. */
export function resolveLineSettings(config: Record<string, unknown>, defaultLivenessMs: number): LineSettings {
  return {
    channelAccessToken: String(config.channelAccessToken).trim(),
    channelSecret: String(config.channelSecret).trim(),
    webhookHost: nonEmpty(config.webhookHost) ? config.webhookHost : '127.0.0.1',
    webhookPort: typeof config.webhookPort === 'number' ? config.webhookPort : 8790,
    webhookPath: nonEmpty(config.webhookPath) ? config.webhookPath : '/line',
    apiRoot: (nonEmpty(config.apiRoot) ? config.apiRoot : DEFAULT_API_ROOT).replace(/\/+$/, ''),
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : defaultLivenessMs,
  };
}
