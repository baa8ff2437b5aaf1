import type { AuthLocation } from './auth-store.js';
/**
 * One account's WhatsApp settings, read from the merged account config with
 * defaults applied, plus the plug-in wide knobs tests and the driver tune.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ChannelContext } from '../../../src-shared/domain/channel.js';
import type { MakeWhatsAppSocket, ResolveWhatsAppVersion } from './socket.js';

/** Liveness bound when the config sets none: three of Baileys' default 30 s keep-alive pings. */
export const DEFAULT_LIVENESS_MS = 90_000;

/** Plug-in wide behaviour, fixed when the plug-in is built. */
export interface WhatsAppRuntime {
  makeSocket: MakeWhatsAppSocket;
  resolveVersion: ResolveWhatsAppVersion;
  reconnect: {
    /** First delay after a transient close. */
    initialDelayMs: number;
    /** Longest delay (also capped at a third of the liveness bound). */
    maxDelayMs: number;
    /** Consecutive failed connections before the adapter reports `ctx.fail`. */
    maxFailures: number;
  };
  /** How long `login` waits for a scan before giving up. */
  loginTimeoutMs: number;
}

/** Settings of one account. */
export interface WhatsAppSettings {
  authDir: string;
  /** Where the credentials live: the gateway's store (the default), or only the folder when `authDir` is set. */
  auth: AuthLocation;
  livenessMs: number;
  markOnline: boolean;
  deviceName: string;
  webSocketUrl?: string;
}

/** Reads an account's settings; `authDir` defaults to the account's data folder. */
export function readSettings(ctx: Pick<ChannelContext, 'config' | 'dataDir' | 'state'>): WhatsAppSettings {
  const c = ctx.config;
  const ownDir = typeof c.authDir === 'string' && c.authDir.trim() ? c.authDir.trim() : undefined;
  const authDir = ownDir ?? ctx.dataDir;
  const dir = isAbsolute(authDir) ? authDir : resolve(authDir);
  const liveness = Number(c.livenessMs);
  const url = typeof c.apiRoot === 'string' && c.apiRoot ? c.apiRoot : typeof c.baseUrl === 'string' && c.baseUrl ? c.baseUrl : undefined;
  return {
    authDir: dir,
    auth: { dir, ...(ctx.state && !ownDir ? { state: ctx.state } : {}) },
    livenessMs: Number.isFinite(liveness) && liveness > 0 ? liveness : DEFAULT_LIVENESS_MS,
    markOnline: c.markOnline === true,
    deviceName: typeof c.deviceName === 'string' && c.deviceName.trim() ? c.deviceName.trim() : 'OpenClaw',
    ...(url ? { webSocketUrl: url } : {}),
  };
}

/**
 * WhatsApp needs no keys: the link comes from `openclaw channels login
 * whatsapp`. Only wrongly typed keys are reported.
 */
export function checkWhatsAppConfig(config: Record<string, unknown>): { ok: true } | { ok: false; reason: string } {
  if (config.authDir !== undefined && (typeof config.authDir !== 'string' || !config.authDir.trim())) {
    return { ok: false, reason: 'channels.whatsapp.authDir must be a folder path (text), or left out to use the default folder.' };
  }
  if (config.markOnline !== undefined && typeof config.markOnline !== 'boolean') {
    return { ok: false, reason: 'channels.whatsapp.markOnline must be true or false.' };
  }
  if (config.deviceName !== undefined && (typeof config.deviceName !== 'string' || !config.deviceName.trim())) {
    return { ok: false, reason: 'channels.whatsapp.deviceName must be a short name (text).' };
  }
  return { ok: true };
}
