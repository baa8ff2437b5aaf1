/**
 * Slack account settings: checking `channels.slack` in plain words, and the
 * connection timings, all derived from the one liveness bound the
 * supervisor uses, so a test that sets `livenessMs: 3000` gets a fast
 * adapter end to end.
 */

/** The Web API base Slack's own clients use. */
export const SLACK_API_ROOT = 'https://slack.com/api/';

/** One account's resolved settings. */
export interface SlackSettings {
  botToken: string;
  appToken: string;
  /** Web API base with a trailing slash. */
  apiRoot: string;
  livenessMs: number;
  /** `thread`: a reply to a message outside a thread starts a thread under it. */
  replyToMode: 'off' | 'thread';
}

/** Timings of the Socket Mode connection, derived from the liveness bound. */
export interface SlackTimings {
  /** How long the SDK waits for a pong to its own pings; it pings every third of this. */
  clientPingTimeoutMs: number;
  /** How long the SDK waits between pings from Slack before it reconnects. */
  serverPingTimeoutMs: number;
  /** Time limit of one `apps.connections.open` call. */
  connectApiTimeoutMs: number;
  /** First and longest pause between reconnect attempts. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** After this long without a connection the adapter gives up and reports `ctx.fail`. */
  giveUpAfterMs: number;
}

// Bot tokens may come as rotating tokens (`xoxe.xoxb-…`).
const BOT_TOKEN = /^(xoxe\.)?xoxb-\S+$/;
const APP_TOKEN = /^xapp-\S+$/;

/** The reason `config` cannot start a Slack account, or undefined when it can. */
export function checkSlackConfig(config: Record<string, unknown>): string | undefined {
  const { botToken, appToken, apiRoot, livenessMs, replyToMode } = config;
  if (typeof botToken !== 'string' || !botToken.trim()) {
    return 'Slack needs channels.slack.botToken: the Bot User OAuth Token (xoxb-…) from your Slack app’s OAuth & Permissions page.';
  }
  if (!BOT_TOKEN.test(botToken.trim())) {
    return 'channels.slack.botToken must be a bot token starting with xoxb- (a user token xoxp- or an app token xapp- does not work here).';
  }
  if (typeof appToken !== 'string' || !appToken.trim()) {
    return 'Slack needs channels.slack.appToken: an App-Level Token (xapp-…) with the connections:write scope, from your Slack app’s Basic Information page, with Socket Mode turned on.';
  }
  if (!APP_TOKEN.test(appToken.trim())) {
    return 'channels.slack.appToken must be an App-Level Token starting with xapp- (create one under Basic Information → App-Level Tokens).';
  }
  if (apiRoot !== undefined && !isHttpUrl(apiRoot)) {
    return 'channels.slack.apiRoot must be an http(s) URL of the Slack Web API, such as https://slack.com/api/.';
  }
  if (livenessMs !== undefined && (typeof livenessMs !== 'number' || !Number.isFinite(livenessMs) || livenessMs < 1000)) {
    return 'channels.slack.livenessMs must be a number of milliseconds, at least 1000.';
  }
  if (replyToMode !== undefined && replyToMode !== 'off' && replyToMode !== 'thread') {
    return 'channels.slack.replyToMode must be "off" or "thread".';
  }
  return undefined;
}

/** Settings from a config that passed {@link checkSlackConfig}; `defaultLivenessMs` is the plugin's. */
export function resolveSlackSettings(config: Record<string, unknown>, defaultLivenessMs: number): SlackSettings {
  const apiRoot = typeof config.apiRoot === 'string' && config.apiRoot.trim() ? config.apiRoot.trim() : SLACK_API_ROOT;
  return {
    botToken: String(config.botToken ?? '').trim(),
    appToken: String(config.appToken ?? '').trim(),
    apiRoot: apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`,
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs >= 1000 ? config.livenessMs : defaultLivenessMs,
    replyToMode: config.replyToMode === 'thread' ? 'thread' : 'off',
  };
}

/**
 * Pongs arrive every twelfth of the liveness bound, so a healthy socket
 * heartbeats many times within it; a silent peer is noticed by the SDK after
 * a quarter of it, and reconnecting may take the rest before the adapter
 * gives up.
 */
export function slackTimings(livenessMs: number): SlackTimings {
  return {
    clientPingTimeoutMs: Math.round(livenessMs / 4),
    serverPingTimeoutMs: livenessMs,
    connectApiTimeoutMs: Math.round(livenessMs / 3),
    reconnectMinMs: Math.min(250, Math.round(livenessMs / 20)),
    reconnectMaxMs: Math.round(livenessMs / 6),
    giveUpAfterMs: livenessMs,
  };
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
