/**
 * The WhatsApp channel: a personal number linked as a companion
 * device through Baileys. The socket factory is injectable so tests can put
 * a scripted socket where the end-to-end encrypted WhatsApp Web link would be.
 */
import makeWASocket from '@whiskeysockets/baileys';
import { channelFactsFromManifest, defineChannel, type ChannelDefinition } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { WhatsAppAdapter } from './adapter.js';
import { loginWhatsApp, logoutWhatsApp } from './login.js';
import { checkWhatsAppConfig, type WhatsAppRuntime } from './settings.js';
import { fetchCurrentVersion, type MakeWhatsAppSocket, type ResolveWhatsAppVersion } from './socket.js';

/** What can be swapped when building the plug-in. */
export interface WhatsAppChannelOptions {
  /** Socket factory; Baileys' `makeWASocket` by default. */
  makeSocket?: MakeWhatsAppSocket;
  /** WhatsApp Web version to announce; fetched from web.whatsapp.com by default. */
  resolveVersion?: ResolveWhatsAppVersion;
  /** Reconnect pacing after transient closes. */
  reconnect?: Partial<WhatsAppRuntime['reconnect']>;
  /** How long a QR login waits for a scan (default 3 minutes). */
  loginTimeoutMs?: number;
}

const facts = channelFactsFromManifest(manifest, 'whatsapp');

/** Builds the WhatsApp channel around a socket factory. */
export function createWhatsAppChannel(opts: WhatsAppChannelOptions = {}): ChannelDefinition {
  const rt: WhatsAppRuntime = {
    makeSocket: opts.makeSocket ?? makeWASocket,
    resolveVersion: opts.resolveVersion ?? fetchCurrentVersion,
    reconnect: { initialDelayMs: 1000, maxDelayMs: 30_000, maxFailures: 6, ...opts.reconnect },
    loginTimeoutMs: opts.loginTimeoutMs ?? 180_000,
  };
  return defineChannel({
    id: 'whatsapp',
    label: facts.label,
    capabilities: facts.capabilities,
    checkConfig: (config) => checkWhatsAppConfig(config),
    create: (_account, ctx) => new WhatsAppAdapter(ctx, rt),
    login: (_account, ctx, events) => loginWhatsApp(rt, ctx, events),
    logout: (_account, ctx) => logoutWhatsApp(rt, ctx),
  });
}
