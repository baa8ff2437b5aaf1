import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import type { OpenClawConfig } from '../../src-shared/domain/config-schema.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { createLogger } from '../logging/index.js';
import { ChannelManager } from './manager.js';

/** A platform stand-in that records every connection (adapter instance) per account. */
function recordingPlugin(id: string, starts: string[]): ChannelPlugin {
  return {
    id,
    label: id,
    capabilities: { textLimit: 100, format: 'plain', media: false, threads: false, livenessMs: 60_000 },
    checkConfig: (c) => (c.token ? { ok: true } : { ok: false, reason: `channels.${id}.token is missing` }),
    create: (ctx) => ({
      start: async () => void starts.push(`${id}/${ctx.accountId}`),
      stop: async () => undefined,
      send: async () => ({ messageId: '1' }),
    }),
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function setup(initial: OpenClawConfig['channels']) {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-mgr-'));
  let cfg: ResolvedConfig = resolveConfig({ channels: initial } as OpenClawConfig, {});
  const starts: string[] = [];
  const manager = new ChannelManager({
    config: () => cfg,
    stateDir: dir,
    log: createLogger('test/manager'),
    ingest: () => undefined,
    plugins: [recordingPlugin('telegram', starts), recordingPlugin('discord', starts)],
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => manager.close());
  const connected = async (n: number) => {
    for (let i = 0; i < 200; i++) {
      const all = Object.values(manager.status().channelAccounts).flat();
      if (all.filter((a) => a.connected).length >= n) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`expected ${n} connected accounts: ${JSON.stringify(manager.status())}`);
  };
  return { manager, starts, connected, set: (c: OpenClawConfig['channels']) => (cfg = resolveConfig({ channels: c } as OpenClawConfig, {})) };
}

describe('ChannelManager', () => {
  it('standing by stops every account and starts none, config changes included, until it is active again', async () => {
    const { manager, starts, connected, set } = setup({ telegram: { token: 't' }, discord: { token: 'd' } });
    await manager.apply();
    await connected(2);
    await manager.standBy();
    expect(Object.values(manager.status().channelAccounts).flat().filter((a) => a.connected)).toEqual([]);
    starts.length = 0;
    set({ telegram: { token: 't2' }, discord: { token: 'd' } });
    await manager.apply();
    expect(starts).toEqual([]);
    await manager.activate();
    await connected(2);
    expect([...starts].sort()).toEqual(['discord/default', 'telegram/default']);
  });

  it('a config change restarts only the account whose settings changed', async () => {
    const { manager, starts, connected, set } = setup({
      telegram: { token: 't', accounts: { personal: { dmPolicy: 'pairing' }, alerts: { dmPolicy: 'allowlist' } } },
      discord: { token: 'd' },
    });
    await manager.apply();
    await connected(3);
    expect([...starts].sort()).toEqual(['discord/default', 'telegram/alerts', 'telegram/personal']);
    starts.length = 0;

    set({ telegram: { token: 't', accounts: { personal: { dmPolicy: 'open', allowFrom: ['*'] }, alerts: { dmPolicy: 'allowlist' } } }, discord: { token: 'd' } });
    await manager.apply();
    await connected(3);
    expect(starts).toEqual(['telegram/personal']);

    // A channel-level key is shared by its accounts: both restart, Discord does not.
    starts.length = 0;
    set({ telegram: { token: 't2', accounts: { personal: { dmPolicy: 'open', allowFrom: ['*'] }, alerts: { dmPolicy: 'allowlist' } } }, discord: { token: 'd' } });
    await manager.apply();
    await connected(3);
    expect([...starts].sort()).toEqual(['telegram/alerts', 'telegram/personal']);

    // Removing a channel stops it and drops it from status.
    set({ telegram: { token: 't2', accounts: { personal: { dmPolicy: 'open', allowFrom: ['*'] }, alerts: { dmPolicy: 'allowlist' } } } });
    await manager.apply();
    expect(manager.status().channelOrder).toEqual(['telegram']);
  });

  it('an account that cannot start says why in status, and a disabled one stays off', async () => {
    const { manager, starts } = setup({ telegram: {}, discord: { token: 'd', enabled: false } });
    await manager.apply();
    const s = manager.status();
    expect(s.channelAccounts.telegram![0]).toMatchObject({ configured: false, connected: false, lastError: 'channels.telegram.token is missing' });
    expect(s.channelAccounts.discord![0]).toMatchObject({ enabled: false, connected: false });
    expect(starts).toEqual([]);
  });

  it('open DMs without "*" are refused before the adapter starts', async () => {
    const { manager, starts } = setup({ telegram: { token: 't', dmPolicy: 'open' } });
    await manager.apply();
    expect(manager.status().channelAccounts.telegram![0]!.lastError).toMatch(/dmPolicy "open" needs "\*" in channels.telegram.allowFrom/);
    expect(starts).toEqual([]);
  });
});

describe('the QR-login channel meant when none is named', () => {
  const qrEntry = (id: string, label: string) => ({ id, label, personalNumber: true, qrLogin: true, load: () => Promise.reject(new Error('not loaded here')) });
  const manager = (channels: OpenClawConfig['channels']) =>
    new ChannelManager({
      config: () => resolveConfig({ channels } as OpenClawConfig, {}),
      stateDir: tmpdir(),
      log: createLogger('test/manager'),
      ingest: () => undefined,
      catalog: () => [qrEntry('signal', 'Signal'), qrEntry('whatsapp', 'WhatsApp'), { id: 'telegram', label: 'Telegram', personalNumber: false, load: () => Promise.reject(new Error('no')) }],
    });

  it('is the one that is configured; with none or both configured the caller is asked to name one', () => {
    expect(manager({ whatsapp: {} }).defaultQrLoginChannel()).toBe('whatsapp');
    expect(manager({ signal: {}, telegram: {} }).defaultQrLoginChannel()).toBe('signal');
    expect(() => manager({}).defaultQrLoginChannel()).toThrow('several channels link by QR code (signal, whatsapp); name the one to link');
    expect(() => manager({ signal: {}, whatsapp: {} }).defaultQrLoginChannel()).toThrow(/several channels link by QR code \(signal, whatsapp\)/);
  });

  it('tells the user what to do on the phone in the channel\'s own words, or plainly', () => {
    const m = new ChannelManager({
      config: () => resolveConfig({} as OpenClawConfig, {}),
      stateDir: tmpdir(),
      log: createLogger('test/manager'),
      ingest: () => undefined,
      catalog: () => [{ ...qrEntry('whatsapp', 'WhatsApp'), loginHint: 'Scan this QR code in WhatsApp: Settings → Linked devices → Link a device.' }, qrEntry('signal', 'Signal')],
    });
    expect(m.loginHint('whatsapp')).toBe('Scan this QR code in WhatsApp: Settings → Linked devices → Link a device.');
    expect(m.loginHint('signal')).toBe('Scan this QR code with Signal on your phone.');
  });
});
