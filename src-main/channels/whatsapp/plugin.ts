/**
 * The WhatsApp channel plug-in: a personal number linked as a companion
 * device through Baileys. The socket factory is injectable so tests can put
 * a scripted socket where the end-to-end encrypted WhatsApp Web link would be.
 */
import makeWASocket from '@whiskeysockets/baileys';
import type { ChannelPlugin } from '../../../src-shared/domain/channel.js';
import { WhatsAppAdapter } from './adapter.js';
import { loginWhatsApp, logoutWhatsApp } from './login.js';
import { DEFAULT_LIVENESS_MS, checkWhatsAppConfig, type WhatsAppRuntime } from './settings.js';
import { fetchCurrentVersion, type MakeWhatsAppSocket, type ResolveWhatsAppVersion } from './socket.js';

/** What can be swapped when building the plug-in. */
export interface WhatsAppPluginOptions {
  /** Socket factory; Baileys' `makeWASocket` by default. */
  makeSocket?: MakeWhatsAppSocket;
  /** WhatsApp Web version to announce; fetched from web.whatsapp.com by default. */
  resolveVersion?: ResolveWhatsAppVersion;
  /** Reconnect pacing after transient closes. */
  reconnect?: Partial<WhatsAppRuntime['reconnect']>;
  /** How long a QR login waits for a scan (default 3 minutes). */
  loginTimeoutMs?: number;
}

/** Builds the WhatsApp plug-in around a socket factory. */
export function createWhatsAppPlugin(opts: WhatsAppPluginOptions = {}): ChannelPlugin {
  const rt: WhatsAppRuntime = {
    makeSocket: opts.makeSocket ?? makeWASocket,
    resolveVersion: opts.resolveVersion ?? fetchCurrentVersion,
    reconnect: { initialDelayMs: 1000, maxDelayMs: 30_000, maxFailures: 6, ...opts.reconnect },
    loginTimeoutMs: opts.loginTimeoutMs ?? 180_000,
  };
  return {
    id: 'whatsapp',
    label: 'WhatsApp',
    capabilities: {
      textLimit: 4000,
      format: 'whatsapp',
      media: true,
      threads: false,
      qrLogin: true,
      personalNumber: true,
      livenessMs: DEFAULT_LIVENESS_MS,
    },
    checkConfig: (config) => checkWhatsAppConfig(config),
    create: (ctx) => new WhatsAppAdapter(ctx, rt),
    login: (ctx, events) => loginWhatsApp(rt, ctx, events),
    logout: (ctx) => logoutWhatsApp(rt, ctx),
  };
}
