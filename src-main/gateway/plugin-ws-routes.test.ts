import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { fixtureDir } from '../../test-support/plugin-fixtures/index.js';
import { Waiters } from '../../test-support/wait-until.js';

/**
 * Plugins' WebSocket routes on the gateway's own port: an operator route needs the gateway token and
 * passes the same Host and Origin door as every upgrade; a public route (a platform's media stream)
 * needs no token but the plugin's own check of the caller; a route that throws closes only its socket.
 * A plugin that registers one but runs in its own process fails with the reason.
 */
const TOKEN = 'ws-route-test-token-0123456789';
const sign = (path: string) => createHmac('sha256', 'sockets-secret').update(path).digest('hex');

/** A client socket that records what it got; `opened` resolves on 101 or rejects with the refusal's status. */
function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const got: string[] = [];
  const waiters = new Waiters();
  let closeCode: number | undefined;
  ws.on('message', (d) => {
    got.push(String(d));
    waiters.notify();
  });
  ws.on('close', (code) => {
    closeCode = code;
    waiters.notify();
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return {
    ws,
    got,
    opened,
    message: (n: number) => waiters.until(() => got[n], 10_000, `message ${n}`),
    closed: () => waiters.until(() => closeCode, 10_000, 'the close'),
  };
}

describe('plugin WebSocket routes', () => {
  let t: TestGateway;
  let base: string;

  beforeAll(async () => {
    t = await startTestGateway({
      config: { gateway: { auth: { mode: 'token', token: TOKEN } }, plugins: { load: { paths: [fixtureDir('sockets')] }, entries: { sockets: { isolation: 'inprocess' } } } },
    });
    base = t.gw.wsUrl;
    const local = t.gw.createLocalClient();
    // Polls what a user would look at (plugins.list) until the plugin has loaded.
    for (const deadline = Date.now() + 15_000; ; ) {
      const r = await local.call('plugins.list', {});
      const state = r.ok ? (r.value as MethodResult<'plugins.list'>).plugins.find((p) => p.id === 'sockets') : undefined;
      if (state?.state === 'loaded') break;
      if (state?.state === 'failed' || Date.now() > deadline) throw new Error(`the sockets plugin did not load: ${JSON.stringify(state)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  afterAll(() => t?.close());

  it('an operator route talks both ways with the gateway token, and sees its query', async () => {
    const c = connect(`${base}/plugins/sockets/echo?name=ann`, { Authorization: `Bearer ${TOKEN}` });
    await c.opened;
    expect(JSON.parse(await c.message(0))).toEqual({ hello: 'ann' });
    c.ws.send('ping');
    expect(await c.message(1)).toBe('echo: ping');
    c.ws.close();
  });

  it('an operator route refuses a missing or wrong token, a foreign Origin and a foreign Host', async () => {
    await expect(connect(`${base}/plugins/sockets/echo`).opened).rejects.toThrow('HTTP 401');
    await expect(connect(`${base}/plugins/sockets/echo`, { Authorization: 'Bearer wrong-token-0123456789' }).opened).rejects.toThrow('HTTP 401');
    await expect(connect(`${base}/plugins/sockets/echo`, { Authorization: `Bearer ${TOKEN}`, Origin: 'https://evil.example' }).opened).rejects.toThrow('HTTP 403');
    await expect(connect(`${base}/plugins/sockets/echo`, { Authorization: `Bearer ${TOKEN}`, Host: 'evil.example' }).opened).rejects.toThrow('HTTP 403');
  });

  it('a public route needs no token, only the plugin’s own check, also through a tunnel host', async () => {
    const c = connect(`${base}/plugins/sockets/stream`, { 'x-sockets-signature': sign('/stream'), Host: 'abc123.tunnel.example' });
    await c.opened;
    expect(await c.message(0)).toBe('stream open');
    c.ws.close();
    await expect(connect(`${base}/plugins/sockets/stream`).opened).rejects.toThrow('HTTP 403');
    await expect(connect(`${base}/plugins/sockets/stream`, { 'x-sockets-signature': sign('/other') }).opened).rejects.toThrow('HTTP 403');
  });

  it('an unknown route is 404; a route that throws closes only its own socket and the plugin stays loaded', async () => {
    await expect(connect(`${base}/plugins/sockets/nope`, { Authorization: `Bearer ${TOKEN}` }).opened).rejects.toThrow('HTTP 404');
    const broken = connect(`${base}/plugins/sockets/broken`, { Authorization: `Bearer ${TOKEN}` });
    await broken.opened;
    expect(await broken.closed()).toBe(1011);
    const again = connect(`${base}/plugins/sockets/echo`, { Authorization: `Bearer ${TOKEN}` });
    await again.opened;
    expect(JSON.parse(await again.message(0))).toEqual({ hello: 'operator' });
    again.ws.close();
    const list = await t.gw.createLocalClient().call('plugins.list', {});
    expect(list.ok && (list.value as MethodResult<'plugins.list'>).plugins.find((p) => p.id === 'sockets')).toMatchObject({ state: 'loaded', callErrors: 1 });
  });

  it('the plugin’s onStop closes its sockets when the gateway stops', async () => {
    const c = connect(`${base}/plugins/sockets/echo`, { Authorization: `Bearer ${TOKEN}` });
    await c.opened;
    await c.message(0);
    await t.gw.close('test stops the gateway');
    expect(await c.closed()).toBe(1001);
  });
});

describe('a plugin process that registers a WebSocket route', () => {
  it('fails with the reason, and the gateway runs on', async () => {
    const t = await startTestGateway({ config: { plugins: { load: { paths: [fixtureDir('sockets')] }, entries: { sockets: { isolation: 'process' } } } } });
    try {
      const local = t.gw.createLocalClient();
      for (const deadline = Date.now() + 20_000; ; ) {
        const r = await local.call('plugins.list', {});
        const state = r.ok ? (r.value as MethodResult<'plugins.list'>).plugins.find((p) => p.id === 'sockets') : undefined;
        if (state?.state === 'failed') {
          expect(state.error).toMatch(/WebSocket routes .*only plugins running in the gateway process/);
          break;
        }
        if (state?.state === 'loaded' || Date.now() > deadline) throw new Error(`expected the plugin to fail: ${JSON.stringify(state)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await local.call('health', {})).ok).toBe(true);
    } finally {
      await t.close();
    }
  });
});
