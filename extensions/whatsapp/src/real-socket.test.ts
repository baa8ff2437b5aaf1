import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createAdapterHarness } from '../../../test-support/channel-harness.js';
import { seedLinkedCredentials } from '../../../test-support/fake-whatsapp/credentials.js';
import { FakeWhatsApp } from '../../../test-support/fake-whatsapp/fake-whatsapp.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { createWhatsAppChannel } from './channel.js';

const createWhatsAppPlugin = (opts?: Parameters<typeof createWhatsAppChannel>[0]) => asChannelPlugin(createWhatsAppChannel(opts));

// The real Baileys socket (no fake) against a local WebSocket endpoint that
// hangs up on every connection: proves the socket config we build is one
// Baileys accepts, that `apiRoot` redirects it, and that its real close errors
// drive our reconnect and give-up logic.
let server: WebSocketServer;
let url: string;
let connections = 0;
let dir: string;

beforeEach(async () => {
  connections = 0;
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws) => {
    connections++;
    ws.close();
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as { port: number };
  url = `ws://127.0.0.1:${port}/ws/chat`;
  dir = mkdtempSync(join(tmpdir(), 'openclaw-whatsapp-real-'));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('WhatsApp adapter over the real Baileys socket', () => {
  it('reconnects after the server hangs up (428) and gives up after the allowed failures', async () => {
    await seedLinkedCredentials(dir, new FakeWhatsApp());
    const plugin = createWhatsAppPlugin({ resolveVersion: async () => undefined, reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxFailures: 2 } });
    const h = createAdapterHarness(plugin, { apiRoot: url, livenessMs: 3000 }, { dataDir: dir });
    const err = (await h.adapter.start().catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/WhatsApp connection failed 3 times in a row \(last: 428 connectionClosed/);
    expect(connections).toBe(3);
    expect(h.logs.filter((l) => /reconnecting/.test(l.msg))).toHaveLength(2);
    await h.close();
  });

  it('login against an endpoint that hangs up rejects in plain words', async () => {
    const plugin = createWhatsAppPlugin({ resolveVersion: async () => undefined });
    const log = { debug() {}, info() {}, warn() {}, error() {} };
    const ctx = { channel: 'whatsapp', accountId: 'default', config: { apiRoot: url }, dataDir: dir, log, signal: new AbortController().signal };
    await expect(plugin.login!(ctx, { onQr: () => {}, signal: new AbortController().signal })).rejects.toThrow(/^Could not reach WhatsApp \(428 connectionClosed/);
    expect(connections).toBe(1);
  });
});
