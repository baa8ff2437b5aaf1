/**
 * Test setup for the WhatsApp adapter: a fake WhatsApp, a folder with linked
 * credentials, the real plug-in around the fake socket, and a harness.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import { createWhatsAppChannel, type WhatsAppChannelOptions } from '../../extensions/whatsapp/src/index.js';
import { asChannelPlugin } from '../channel-plugin.js';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { seedLinkedCredentials } from './credentials.js';
import { FakeWhatsApp, type FakeWhatsAppOptions } from './fake-whatsapp.js';

export interface LinkedAdapter {
  fake: FakeWhatsApp;
  plugin: ChannelPlugin;
  h: AdapterHarness;
  /** The credential folder (the harness data dir). */
  dir: string;
  close(): Promise<void>;
}

export interface LinkedAdapterOptions {
  config?: Record<string, unknown>;
  fake?: FakeWhatsAppOptions | FakeWhatsApp;
  plugin?: WhatsAppChannelOptions;
  /** Seed linked credentials first (default true). */
  linked?: boolean;
  /** Call `start()` (default true). */
  start?: boolean;
  dir?: string;
}

/** A fast-reconnecting plug-in around `fake`. */
export function fakePlugin(fake: FakeWhatsApp, opts: WhatsAppChannelOptions = {}): ChannelPlugin {
  return asChannelPlugin(createWhatsAppChannel({
    makeSocket: fake.makeSocket,
    resolveVersion: async () => undefined,
    ...opts,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, maxFailures: 5, ...opts.reconnect },
  }));
}

/** A running adapter for a linked account (liveness 3 s, so keep-alive frames every second). */
export async function startLinkedAdapter(opts: LinkedAdapterOptions = {}): Promise<LinkedAdapter> {
  const fake = opts.fake instanceof FakeWhatsApp ? opts.fake : new FakeWhatsApp(opts.fake);
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'openclaw-whatsapp-test-'));
  if (opts.linked !== false) await seedLinkedCredentials(dir, fake);
  const plugin = fakePlugin(fake, opts.plugin);
  const h = createAdapterHarness(plugin, { livenessMs: 3000, ...opts.config }, { dataDir: dir });
  const close = async () => {
    await h.close();
    fake.close();
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  if (opts.start !== false) {
    try {
      await h.adapter.start();
    } catch (err) {
      await close();
      throw err;
    }
  }
  return { fake, plugin, h, dir, close };
}
