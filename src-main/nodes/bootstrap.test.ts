import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayCallError, GatewayClient } from '../cli/gateway-client.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { BOOTSTRAP_TTL_MS, BootstrapTokens, decodeSetupCode } from './bootstrap-tokens.js';
import { generateDeviceKeys } from './device-keys.js';

describe('setup codes and bootstrap tokens', () => {
  let t: TestGateway;
  let op: GatewayClient;
  beforeAll(async () => {
    t = await startTestGateway();
    op = await t.operator();
  });
  afterAll(() => t.close());

  const phone = (bootstrapToken: string, keys = generateDeviceKeys()) =>
    GatewayClient.connect({
      url: t.url,
      bootstrapToken,
      device: keys,
      role: 'node',
      client: { id: 'openclaw-android', mode: 'node', platform: 'android', displayName: 'Pixel' },
      commands: ['location.get'],
      headers: { 'X-Forwarded-For': '192.0.2.44' },
    });

  it('refuses to make a setup code a phone could not use (loopback only, no --url)', async () => {
    await expect(op.call('device.pair.setupCode', {})).rejects.toMatchObject({ error: { details: { code: 'GATEWAY_NOT_REACHABLE' }, message: expect.stringMatching(/loopback only/) } });
  });

  it('a setup code pairs a phone once: node token plus a bounded operator token; the second use fails', async () => {
    const r = await op.call<{ setupCode: string; url: string; pairingPageUrl: string }>('device.pair.setupCode', { url: t.url });
    const payload = decodeSetupCode(r.setupCode);
    const pageUrl = t.url.replace(/^ws:/, 'http:') + '/node/';
    expect(payload).toMatchObject({ url: t.url, urls: [t.url], bootstrapToken: expect.any(String), expiresAtMs: expect.any(Number), pageUrl });
    // The QR holds the node page link, the setup code in its fragment; `node run --pair` takes either.
    expect(r.pairingPageUrl).toBe(`${pageUrl}#setup=${r.setupCode}`);
    expect(decodeSetupCode(r.pairingPageUrl)).toEqual(payload);
    const keys = generateDeviceKeys();
    const c = await phone(payload.bootstrapToken, keys);
    expect(c.hello.auth).toMatchObject({ method: 'bootstrap-token', role: 'node', scopes: [], deviceToken: expect.any(String) });
    const opToken = c.hello.auth.deviceTokens!.find((d) => d.role === 'operator')!;
    expect(opToken.scopes).toEqual(['operator.read']);
    c.close();
    const again = await phone(payload.bootstrapToken).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(GatewayCallError);
    expect((again as GatewayCallError).detailCode).toBe('AUTH_BOOTSTRAP_TOKEN_INVALID');
    // The bounded operator token reads but cannot write.
    const asOperator = await GatewayClient.connect({ url: t.url, deviceToken: opToken.token, device: keys, scopes: ['operator.read', 'operator.admin'], client: { id: 'openclaw-android', mode: 'ui' } });
    expect(asOperator.hello.auth.scopes).toEqual(['operator.read']);
    await expect(asOperator.call('status', {})).resolves.toMatchObject({ ok: true });
    await expect(asOperator.call('config.set', { raw: '{}' })).rejects.toMatchObject({ error: { code: 'FORBIDDEN' } });
    asOperator.close();
    expect((await op.call<{ nodes: { nodeId: string }[] }>('node.list', {})).nodes.map((n) => n.nodeId)).toContain(keys.deviceId);
  });

  it('a token is refused after 10 minutes (fake clock) and works only once', () => {
    let now = 1_000_000;
    const tokens = new BootstrapTokens(() => now);
    const a = tokens.issue();
    const b = tokens.issue();
    now += BOOTSTRAP_TTL_MS - 1;
    expect(tokens.consume(a.token)).toBe(true);
    expect(tokens.consume(a.token)).toBe(false);
    now += 2;
    expect(tokens.consume(b.token)).toBe(false);
    expect(tokens.consume('made-up')).toBe(false);
  });

  it('rejects garbage setup codes with a clear message', () => {
    expect(() => decodeSetupCode('not base64 json')).toThrow(/not a setup code/);
  });
});
