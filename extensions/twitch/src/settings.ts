/** Twitch account settings: the checks `checkConfig` and `create` share, and defaults. */

/** Where Twitch validates user access tokens (`GET /oauth2/validate`). */
export const DEFAULT_ID_ROOT = 'https://id.twitch.tv';
export const DEFAULT_CHAT_URL = 'wss://irc-ws.chat.twitch.tv:443';

import { DEFAULT_EVENTSUB_URL } from './eventsub.js';
import { DEFAULT_HELIX_URL } from './helix.js';

/** Settings with defaults applied. */
export interface TwitchSettings {
  /** The token without its `oauth:` prefix. */
  accessToken: string;
  username?: string;
  /** `#login` of each room to join (empty: the bot's own). */
  channels: string[];
  chat: { server: string; port: number; secure: boolean };
  idRoot: string;
  /** Twitch API (Helix) base, e.g. `https://api.twitch.tv/helix`. */
  helixUrl: string;
  /** EventSub WebSocket endpoint (whispers to the bot arrive there). */
  eventSubUrl: string;
  /** Receive and answer whispers, when the token's scopes allow. */
  whispers: boolean;
  livenessMs: number;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const LOGIN = /^#?[a-zA-Z0-9_]{2,25}$/;

/** The reason this config cannot start, in plain words; undefined when it can. */
export function checkTwitchConfig(config: Record<string, unknown>): string | undefined {
  if (!nonEmpty(config.accessToken)) {
    return 'Set channels.twitch.accessToken to a user access token of the bot account with the chat:read and chat:edit scopes (from your Twitch app\'s OAuth flow, or a token generator you trust).';
  }
  if (config.username !== undefined && (typeof config.username !== 'string' || !LOGIN.test(config.username) || config.username.startsWith('#'))) {
    return 'channels.twitch.username must be the bot account\'s login (letters, digits and _).';
  }
  if (config.channels !== undefined && (!Array.isArray(config.channels) || !config.channels.every((c) => typeof c === 'string' && LOGIN.test(c)))) {
    return 'channels.twitch.channels must be a list of channel logins, e.g. ["mystream"].';
  }
  if (config.chatUrl !== undefined && (typeof config.chatUrl !== 'string' || !/^wss?:\/\//.test(config.chatUrl) || !URL.canParse(config.chatUrl))) {
    return 'channels.twitch.chatUrl must be a ws:// or wss:// URL.';
  }
  if (config.apiRoot !== undefined && (typeof config.apiRoot !== 'string' || !URL.canParse(config.apiRoot))) return 'channels.twitch.apiRoot must be a URL.';
  if (config.helixUrl !== undefined && (typeof config.helixUrl !== 'string' || !/^https?:\/\//.test(config.helixUrl) || !URL.canParse(config.helixUrl))) {
    return 'channels.twitch.helixUrl must be an http:// or https:// URL.';
  }
  if (config.eventSubUrl !== undefined && (typeof config.eventSubUrl !== 'string' || !/^wss?:\/\//.test(config.eventSubUrl) || !URL.canParse(config.eventSubUrl))) {
    return 'channels.twitch.eventSubUrl must be a ws:// or wss:// URL.';
  }
  if (config.whispers !== undefined && typeof config.whispers !== 'boolean') return 'channels.twitch.whispers must be true or false.';
  return undefined;
}

/** Apply defaults; call after {@link checkTwitchConfig} passed. */
export function resolveTwitchSettings(config: Record<string, unknown>, defaultLivenessMs: number): TwitchSettings {
  const url = new URL(nonEmpty(config.chatUrl) ? config.chatUrl : DEFAULT_CHAT_URL);
  const secure = url.protocol === 'wss:';
  return {
    accessToken: String(config.accessToken).trim().replace(/^oauth:/i, ''),
    username: nonEmpty(config.username) ? config.username.toLowerCase() : undefined,
    channels: Array.isArray(config.channels) ? [...new Set((config.channels as string[]).map((c) => `#${c.replace(/^#/, '').toLowerCase()}`))] : [],
    chat: { server: url.hostname, port: url.port ? Number(url.port) : secure ? 443 : 80, secure },
    idRoot: (nonEmpty(config.apiRoot) ? config.apiRoot : DEFAULT_ID_ROOT).replace(/\/+$/, ''),
    // One API root override (a self-hosted proxy, tests) serves the token check and Helix alike.
    helixUrl: (nonEmpty(config.helixUrl) ? config.helixUrl : nonEmpty(config.apiRoot) ? `${config.apiRoot.replace(/\/+$/, '')}/helix` : DEFAULT_HELIX_URL).replace(/\/+$/, ''),
    eventSubUrl: nonEmpty(config.eventSubUrl) ? config.eventSubUrl : DEFAULT_EVENTSUB_URL,
    whispers: config.whispers !== false,
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : defaultLivenessMs,
  };
}
