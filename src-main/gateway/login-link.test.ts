import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOGIN_EXCHANGE_PATH, loginLinkUrl } from '../../src-shared/protocol/index.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { GatewayClient } from '../cli/gateway-client.js';
import { generateDeviceKeys, type DeviceKeys } from '../nodes/device-keys.js';
import { LoginCodes } from './login-codes.js';

/** What the Control UI page does with the code: POST it with its device, same origin. */
async function exchange(t: TestGateway, code: string, device: DeviceKeys, headers: Record<string, string> = {}) {
  const base = t.gw.httpUrl;
  const r = await fetch(new URL(LOGIN_EXCHANGE_PATH, base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: new URL(base).origin, ...headers },
    body: JSON.stringify({ code, device: { id: device.deviceId, publicKey: device.publicKey }, platform: 'test' }),
  });
  return { status: r.status, body: (await r.json()) as { ok: boolean; deviceToken?: string; scopes?: string[]; error?: { type: string; message: string } } };
}

const codeOf = (url: string) => new URL(url).searchParams.get('login')!;

describe('one-time Control UI login links, against a real gateway', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'login-link-token-0123456789', rateLimit: { maxAttempts: 4, windowMs: 60_000, lockoutMs: 60_000 } } } } });
  });
  afterAll(() => t?.close());

  it('is advertised in hello and minted for a signed-in operator, on the gateway’s own address', async () => {
    const op = await t.operator();
    expect(op.hello.features.methods).toContain('controlUi.loginLink');
    const link = await op.call('controlUi.loginLink', {});
    expect(link.url.startsWith(t.gw.httpUrl)).toBe(true);
    expect(link.path).toMatch(/^\/\?login=[A-Za-z0-9_-]{43}$/);
    expect(link.expiresAtMs - Date.now()).toBeGreaterThan(50_000);
    expect(link.expiresAtMs - Date.now()).toBeLessThanOrEqual(60_000);
    // A remote client rebuilds it on the address it reaches the gateway by.
    expect(loginLinkUrl(link, 'wss://gw.example.ts.net:8443/')).toBe(`https://gw.example.ts.net:8443${link.path}`);
  });

  it('signs a browser device in once: its device token connects with operator scopes; the second use is refused and says why', async () => {
    const op = await t.operator();
    const { url } = await op.call('controlUi.loginLink', {});
    const browser = generateDeviceKeys();
    const first = await exchange(t, codeOf(url), browser);
    expect(first.status).toBe(200);
    expect(first.body.scopes).toEqual(expect.arrayContaining(['operator.admin', 'operator.read', 'operator.write']));
    const page = await GatewayClient.connect({ url: t.url, deviceToken: first.body.deviceToken!, device: browser, client: { id: 'openclaw-control-ui', mode: 'ui' }, scopes: ['operator.read', 'operator.write', 'operator.admin', 'operator.pairing'] });
    try {
      expect(page.hello.auth.scopes).toContain('operator.admin');
      expect((await page.call('health', {})).ok).toBeDefined();
    } finally {
      page.close();
    }
    // The device shows up among the paired devices, where it can be removed.
    const devices = await op.call('device.pair.list', {});
    expect(JSON.stringify(devices)).toContain(browser.deviceId);

    const second = await exchange(t, codeOf(url), generateDeviceKeys());
    expect(second.status).toBe(401);
    expect(second.body.error).toEqual({ type: 'login_link_used', message: expect.stringMatching(/already used/) });
  });

  it('refuses an expired code', async () => {
    const op = await t.operator();
    const { url, expiresAtMs } = await op.call('controlUi.loginLink', {});
    vi.useFakeTimers({ toFake: ['Date'], now: expiresAtMs + 1 });
    try {
      const r = await exchange(t, codeOf(url), generateDeviceKeys());
      expect(r.status).toBe(401);
      expect(r.body.error?.type).toBe('login_link_expired');
      expect(r.body.error?.message).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('mints nothing for a caller without admin, nor for a connection that did not authenticate', async () => {
    const reader = await t.operator({ scopes: ['operator.read'] });
    await expect(reader.call('controlUi.loginLink', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(GatewayClient.connect({ url: t.url, device: generateDeviceKeys() })).rejects.toThrow(/token missing/);
  });

  it('refuses a foreign origin, a device whose id is not its key, and never logs a code', async () => {
    const op = await t.operator();
    const { url } = await op.call('controlUi.loginLink', {});
    const foreign = await exchange(t, codeOf(url), generateDeviceKeys(), { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const keys = generateDeviceKeys();
    const mismatched = await exchange(t, codeOf(url), { ...keys, deviceId: generateDeviceKeys().deviceId });
    expect(mismatched.status).toBe(400);
    // Neither refusal used the code up.
    expect((await exchange(t, codeOf(url), keys)).status).toBe(200);
    // A paired node is not turned into a browser session.
    const phone = generateDeviceKeys();
    (await GatewayClient.connect({ url: t.url, token: t.token, device: phone, role: 'node', client: { id: 'node-host', mode: 'node' } })).close();
    const { url: another } = await op.call('controlUi.loginLink', {});
    const asNode = await exchange(t, codeOf(another), phone);
    expect(asNode.status).toBe(400);
    expect(asNode.body.error?.message).toMatch(/paired as a node/);
    expect(readFileSync(t.state.logFile, 'utf8')).not.toContain(codeOf(url));
  });

  // On a gateway of its own: the lockout holds for the whole loopback bucket.
  it('counts wrong codes toward the address lockout, like other auth failures', async () => {
    const fresh = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'login-link-token-abcdefghij', rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 60_000 } } } } });
    try {
      const { url } = await (await fresh.operator()).call('controlUi.loginLink', {});
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await exchange(fresh, `guess-${i}`, generateDeviceKeys())).status);
      expect(statuses).toEqual([401, 401, 429, 429]);
      // Locked out: even a valid code waits.
      const locked = await exchange(fresh, codeOf(url), generateDeviceKeys());
      expect(locked.status).toBe(429);
      expect(locked.body.error?.type).toBe('rate_limited');
    } finally {
      await fresh.close();
    }
  });
});

describe('login codes', () => {
  it('are random, single use, expire, and remember why they fail', () => {
    let now = 1_000;
    const codes = new LoginCodes(() => now, 60_000);
    const a = codes.issue(['operator.read']);
    const b = codes.issue(['operator.read']);
    expect(a.code).not.toBe(b.code);
    expect(Buffer.from(a.code, 'base64url')).toHaveLength(32);
    expect(codes.consume(a.code)).toEqual({ ok: true, scopes: ['operator.read'] });
    expect(codes.consume(a.code)).toEqual({ ok: false, reason: 'used' });
    now += 60_000;
    expect(codes.consume(b.code)).toEqual({ ok: false, reason: 'expired' });
    expect(codes.consume('nope')).toEqual({ ok: false, reason: 'unknown' });
  });
});
