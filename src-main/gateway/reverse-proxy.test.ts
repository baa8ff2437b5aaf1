/**
 * The gateway behind a real nginx: WebSocket upgrade and HTTP through it, the forwarded client address
 * honoured only from the proxy the config trusts, and headers from anyone else ignored.
 */
import { request, type RequestOptions } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES } from '../../src-shared/protocol/index.js';
import { GatewayCallError, GatewayClient } from '../cli/gateway-client.js';
import { generateDeviceKeys, startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { nginxUnavailableReason, startNginx, type NginxProxy } from '../../test-support/nginx.js';

const TOKEN = 'proxy-test-token-0123456789abcdef';
/** This machine's own LAN address: a connection from it to a loopback port is a real non-loopback client. */
const LAN_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

function post(url: string, o: { headers?: Record<string, string>; localAddress?: string; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const opts: RequestOptions = { method: 'POST', localAddress: o.localAddress, headers: { 'Content-Type': 'application/json', ...o.headers } };
    const req = request(url, opts, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(o.body ?? '{}');
  });
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** A new device connecting with the shared token: approved at once only when the gateway sees a local client. */
async function connectNewDevice(url: string, o: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<'approved' | { pairing: string }> {
  try {
    const c = await GatewayClient.connect({ url, token: TOKEN, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES], timeoutMs: 5000, ...o });
    c.close();
    return 'approved';
  } catch (err) {
    if (err instanceof GatewayCallError && err.detailCode === 'PAIRING_REQUIRED') return { pairing: (err.details as { requestId?: string }).requestId ?? '' };
    throw err;
  }
}

async function pendingFrom(t: TestGateway): Promise<string[]> {
  const c = await t.operator();
  const r = (await c.call('device.pair.list', {})) as { pending: { remoteAddress?: string }[] };
  return r.pending.map((p) => p.remoteAddress ?? '');
}

describe.skipIf(nginxUnavailableReason())('behind nginx, trusted', () => {
  let t: TestGateway;
  let proxy: NginxProxy;
  beforeAll(async () => {
    t = await startTestGateway({
      config: { gateway: { auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 60_000 } }, trustedProxies: ['127.0.0.1'] } },
    });
    proxy = await startNginx({ upstream: `http://127.0.0.1:${t.gw.port}` });
  });
  afterAll(async () => {
    await proxy?.stop();
    await t?.close();
  });

  it('upgrades WebSockets through the proxy: hello and calls work', async () => {
    const c = await GatewayClient.connect({ url: proxy.wsUrl, token: TOKEN, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
    expect(c.hello.type).toBe('hello-ok');
    expect((await c.call('health', {})).ok).toBeTypeOf('boolean');
    c.close();
  });

  it('serves HTTP through the proxy', async () => {
    const r = await get(`${proxy.httpUrl}/healthz`);
    expect(r).toEqual({ status: 200, body: JSON.stringify({ ok: true }) });
  });

  it.skipIf(!LAN_ADDRESS)('a client on another address reached through the proxy is not loopback, and is recorded by its own address', async () => {
    expect(await connectNewDevice(proxy.wsUrl, { localAddress: LAN_ADDRESS })).toMatchObject({ pairing: expect.any(String) });
    expect(await pendingFrom(t)).toContain(LAN_ADDRESS);
    // The same request straight from this machine's loopback, through the same proxy, is the owner.
    expect(await connectNewDevice(proxy.wsUrl)).toBe('approved');
  });

  it.skipIf(!LAN_ADDRESS)('a header the client made up cannot make it local through the proxy (nginx appends the real peer)', async () => {
    expect(await connectNewDevice(proxy.wsUrl, { headers: { 'X-Forwarded-For': '127.0.0.1' }, localAddress: LAN_ADDRESS })).toMatchObject({ pairing: expect.any(String) });
  });

  it.skipIf(!LAN_ADDRESS)('a direct client sending X-Forwarded-For is judged by its socket address', async () => {
    const before = (await pendingFrom(t)).length;
    expect(await connectNewDevice(t.gw.wsUrl, { localAddress: LAN_ADDRESS, headers: { 'X-Forwarded-For': '203.0.113.77' } })).toMatchObject({ pairing: expect.any(String) });
    const after = await pendingFrom(t);
    expect(after.length).toBe(before + 1);
    expect(after).not.toContain('203.0.113.77');
  });

  // Last: it locks this machine's LAN address out.
  it.skipIf(!LAN_ADDRESS)('auth failures count per forwarded client, not for everyone behind the proxy', async () => {
    const bad = { headers: { Authorization: 'Bearer wrong' }, localAddress: LAN_ADDRESS, body: JSON.stringify({ tool: 'sessions_list', args: {} }) };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(`${proxy.httpUrl}/tools/invoke`, bad)).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
    // Another client behind the same proxy is not locked out.
    expect((await post(`${proxy.httpUrl}/tools/invoke`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
  });
});

describe.skipIf(nginxUnavailableReason())('behind nginx, not trusted', () => {
  let t: TestGateway;
  let proxy: NginxProxy;
  beforeAll(async () => {
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 2, windowMs: 60_000, lockoutMs: 60_000 } } } } });
    proxy = await startNginx({ upstream: `http://127.0.0.1:${t.gw.port}` });
  });
  afterAll(async () => {
    await proxy?.stop();
    await t?.close();
  });

  it('a local proxy nobody listed makes nobody local: every client through it needs pairing', async () => {
    expect(await connectNewDevice(proxy.wsUrl)).toMatchObject({ pairing: expect.any(String) });
    expect(await pendingFrom(t)).toEqual(['127.0.0.1']);
    expect(await connectNewDevice(t.gw.wsUrl)).toBe('approved');
  });

  it('its forwarded addresses are ignored: failures through it share the proxy\'s address', async () => {
    const bad = (xff: string) => post(`${proxy.httpUrl}/tools/invoke`, { headers: { Authorization: 'Bearer wrong', 'X-Forwarded-For': xff } });
    expect((await bad('198.51.100.1')).status).toBe(401);
    expect((await bad('198.51.100.2')).status).toBe(429);
  });
});
