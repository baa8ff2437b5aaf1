import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import { lastUserText } from '../../test-support/channel-gateway.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { sentText } from '../../test-support/fake-whatsapp/driver.js';
import { FakeWhatsApp } from '../../test-support/fake-whatsapp/fake-whatsapp.js';
import { text } from '../../test-support/fake-whatsapp/messages.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { createWhatsAppChannel } from '../../extensions/whatsapp/src/index.js';
import { asChannelPlugin } from '../../test-support/channel-plugin.js';

/**
 * Linking WhatsApp from the desktop or CLI: the gateway's `web.login.start`
 * / `web.login.wait` drive a QR login against WhatsApp's socket boundary,
 * the credentials land in the state dir, and the personal number stays
 * safe (no pairing codes to contacts; the owner's note-to-self works).
 */
describe('WhatsApp QR login through the gateway', () => {
  const wa = new FakeWhatsApp();
  let model: FakeOpenAIServer;
  let t: TestGateway;
  let call: <T>(method: string, params?: unknown) => Promise<T>;
  const account = async () => (await call<MethodResult<'channels.status'>>('channels.status')).channelAccounts.whatsapp![0]!;
  const until = async <T>(probe: () => Promise<T | undefined>, what: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await account())}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    model = new FakeOpenAIServer({ script: (req) => ({ text: `reply: ${lastUserText(req.messages)}` }) });
    await model.start();
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: 'wa-test-token' } },
        models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
        agents: { defaults: { model: { primary: 'fake/m' } } },
        channels: { whatsapp: {} },
      },
      start: { channelPlugins: [asChannelPlugin(createWhatsAppChannel({ makeSocket: wa.makeSocket, resolveVersion: async () => undefined }))], channelBackoff: { initialMs: 50, maxMs: 200 } },
    });
    const local = t.gw.createLocalClient();
    call = async <T>(method: string, params?: unknown) => {
      const r = await local.call(method, params ?? {});
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as T;
    };
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    wa.close();
    await model?.close();
  });

  it('an unlinked account says how to link it instead of retrying forever', async () => {
    const a = await until(async () => {
      const x = await account();
      return x.state === 'failed' ? x : undefined;
    }, 'failed');
    expect(a.lastError).toBe('WhatsApp is not linked. Run: openclaw channels login whatsapp');
  });

  it('web.login.start shows a QR; after the scan web.login.wait reports the link and the channel connects', async () => {
    const start = await call<MethodResult<'web.login.start'>>('web.login.start', {});
    expect(start.qr).toBe(wa.qrShown.at(-1));
    expect(start.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(start.message).toBe('Scan this QR code in WhatsApp: Settings → Linked devices → Link a device.');

    const waiting = call<MethodResult<'web.login.wait'>>('web.login.wait', { timeoutMs: 10_000 });
    await wa.scanQr();
    const done = await waiting;
    expect(done).toMatchObject({ connected: true, linkedAs: '+15550009999' });
    await until(async () => ((await account()).connected ? true : undefined), 'connected');
    // Credentials live in the gateway's store (not a file in the folder), so restarts, updates and a
    // standby gateway taking over never force a new scan.
    const db = new Database(join(t.gw.stateDir, 'state', 'openclaw.sqlite'), { readonly: true });
    try {
      const keys = db.prepare("SELECT key FROM channel_state WHERE channel = 'whatsapp' AND account_id = 'default'").pluck().all() as string[];
      expect(keys).toContain('creds');
      expect(keys.some((k) => k.startsWith('key:'))).toBe(true);
    } finally {
      db.close();
    }
    expect(existsSync(join(t.gw.stateDir, 'credentials', 'whatsapp', 'default', 'creds.json'))).toBe(false);
  });

  it('a restarted account reconnects from the stored credentials without a new QR', async () => {
    const qrs = wa.qrShown.length;
    await call('channels.stop', { channel: 'whatsapp' });
    expect((await account()).state).toBe('stopped');
    await call('channels.start', { channel: 'whatsapp' });
    await until(async () => ((await account()).connected ? true : undefined), 'reconnected');
    expect(wa.qrShown.length).toBe(qrs);
  });

  it('personal number: a contact gets no pairing code; the owner’s note-to-self is answered', async () => {
    wa.sendDirect({ phone: '15550004444', lid: '201000000004444', name: 'Stranger' }, text('hello, is this a bot?'));
    wa.sendSelf(text('remind me to water the plants'));
    const [reply] = await wa.waitForSent('15550009999@s.whatsapp.net', 1);
    expect(sentText(reply!)).toBe('reply: remind me to water the plants');
    await t.gw.queueIdle();
    expect(wa.sentTo('15550004444@s.whatsapp.net')).toEqual([]);
    expect((await call<MethodResult<'channels.pairing.list'>>('channels.pairing.list', { channel: 'whatsapp' })).requests).toEqual([]);
  });

  it('channels.logout unlinks and forgets the credentials', async () => {
    await call('channels.logout', { channel: 'whatsapp' });
    expect(existsSync(join(t.gw.stateDir, 'credentials', 'whatsapp', 'default'))).toBe(false);
    expect(wa.linkedDeviceCount()).toBe(0);
  });
});
