import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayCallError, GatewayClient } from '../cli/gateway-client.js';
import { generateDeviceKeys, signDeviceProof } from '../nodes/device-keys.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { WsProbe } from '../../test-support/ws-probe.js';
import { startGateway } from './start.js';
import { makeTempState } from '../../test-support/state-dir.js';

const gateways: TestGateway[] = [];
async function gateway(config?: Record<string, unknown>) {
  const t = await startTestGateway(config ? { config } : {});
  gateways.push(t);
  return t;
}
afterEach(async () => {
  while (gateways.length) await gateways.pop()!.close();
});

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayCallError);
  return err as GatewayCallError;
};

describe('handshake auth', () => {
  it('refuses a missing token with AUTH_TOKEN_MISSING', async () => {
    const t = await gateway();
    const err = await refusal(GatewayClient.connect({ url: t.url, device: generateDeviceKeys() }));
    expect(err.detailCode).toBe('AUTH_TOKEN_MISSING');
  });

  it('refuses a replayed device proof: a signature over another challenge fails the nonce check', async () => {
    const t = await gateway();
    const keys = generateDeviceKeys();
    const first = new WsProbe(t.url);
    const ch1 = (await first.next<{ payload: { nonce: string; ts: number } }>((f) => f.event === 'connect.challenge')).payload;
    const proof = signDeviceProof(keys, { clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: [], signedAtMs: ch1.ts, token: t.token, nonce: ch1.nonce, platform: 'linux' });
    const frame = { type: 'req', id: '1', method: 'connect', params: { minProtocol: 4, maxProtocol: 4, client: { id: 'cli', mode: 'cli', version: '1', platform: 'linux' }, scopes: [], auth: { token: t.token }, device: proof } };
    first.send(frame);
    expect(await first.next((f) => f.type === 'res')).toMatchObject({ ok: true });
    // An eavesdropper replays the same frame on a new socket.
    const replay = new WsProbe(t.url);
    await replay.next((f) => f.event === 'connect.challenge');
    replay.send(frame);
    expect(await replay.next((f) => f.type === 'res')).toMatchObject({ ok: false, error: { details: { code: 'DEVICE_AUTH_NONCE_MISMATCH' } } });
    first.close();
  });

  it('a device-less client never keeps self-declared scopes; only a backend or the CLI on direct loopback with the secret does (a probe there: reading only)', async () => {
    const t = await gateway();
    const cli = await GatewayClient.connect({ url: t.url, token: t.token, scopes: ['operator.admin'], client: { id: 'openclaw-control-ui', mode: 'ui' } });
    expect(cli.hello.auth.scopes).toEqual([]);
    await expect(cli.call('health', {})).resolves.toMatchObject({ ok: true });
    await expect(cli.call('config.get', {})).rejects.toMatchObject({ error: { code: 'FORBIDDEN', details: { code: 'MISSING_SCOPE', missingScope: 'operator.read' } } });
    await expect(cli.call('config.set', { raw: '{}' })).rejects.toMatchObject({ error: { code: 'FORBIDDEN' } });
    cli.close();
    const backend = await GatewayClient.connect({ url: t.url, token: t.token, scopes: ['operator.read'], client: { id: 'gateway-client', mode: 'backend' } });
    expect(backend.hello.auth.scopes).toEqual(['operator.read']);
    backend.close();
    const localCli = await GatewayClient.connect({ url: t.url, token: t.token, scopes: ['operator.read'], client: { id: 'cli', mode: 'cli' } });
    expect(localCli.hello.auth.scopes).toEqual(['operator.read']);
    localCli.close();
    // A local probe (`openclaw gateway probe`) on the same terms reads, and nothing more.
    const probe = await GatewayClient.connect({ url: t.url, token: t.token, scopes: ['operator.read', 'operator.admin', 'operator.write'], client: { id: 'cli', mode: 'probe' } });
    expect(probe.hello.auth.scopes).toEqual(['operator.read']);
    await expect(probe.call('config.set', { raw: '{}' })).rejects.toMatchObject({ error: { code: 'FORBIDDEN' } });
    probe.close();
    const proxiedProbe = await GatewayClient.connect({ url: t.url, token: t.token, scopes: ['operator.read'], client: { id: 'openclaw-probe', mode: 'probe' }, headers: { 'X-Forwarded-For': '203.0.113.9' } });
    expect(proxiedProbe.hello.auth.scopes).toEqual([]);
    proxiedProbe.close();
    // The same CLI through a local reverse proxy is not direct loopback: scopes cleared.
    const proxied = await GatewayClient.connect({ url: t.url, token: t.token, scopes: ['operator.admin'], client: { id: 'cli', mode: 'cli' }, headers: { 'X-Forwarded-For': '203.0.113.9' } });
    expect(proxied.hello.auth.scopes).toEqual([]);
    proxied.close();
  });

  it('a paired device reconnects with its device token alone, with no more than it was issued', async () => {
    const t = await gateway();
    const keys = generateDeviceKeys();
    const first = await GatewayClient.connect({ url: t.url, token: t.token, device: keys, scopes: ['operator.read'] });
    const deviceToken = first.hello.auth.deviceToken!;
    expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    first.close();
    const again = await GatewayClient.connect({ url: t.url, deviceToken, device: keys, scopes: ['operator.read', 'operator.admin'] });
    expect(again.hello.auth).toMatchObject({ method: 'device-token', scopes: ['operator.read'] });
    await expect(again.call('config.set', { raw: '{}' })).rejects.toMatchObject({ error: { code: 'FORBIDDEN' } });
    again.close();
    // The token is bound to its device: another key cannot use it, and a made-up token fails.
    expect((await refusal(GatewayClient.connect({ url: t.url, deviceToken, device: generateDeviceKeys() }))).detailCode).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
    expect((await refusal(GatewayClient.connect({ url: t.url, deviceToken: 'made-up', device: keys }))).detailCode).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
    expect((await refusal(GatewayClient.connect({ url: t.url, deviceToken }))).detailCode).toBe('DEVICE_IDENTITY_REQUIRED');
  });

  it('rate-limits failed auth per address, whatever extra credential fields the handshake carries, across reconnects', async () => {
    const t = await gateway({ gateway: { auth: { mode: 'token', token: 'right-token-123456', rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 60_000 } } } });
    const bogus = [{ token: 'a' }, { token: 'b', deviceToken: 'x' }, { token: 'c', password: 'p', bootstrapToken: 'q' }];
    for (const auth of bogus) {
      const err = await refusal(GatewayClient.connect({ url: t.url, ...auth, device: generateDeviceKeys() }));
      expect(err.detailCode).toBe('AUTH_TOKEN_MISMATCH');
    }
    // Locked out: even the right token, on a new socket, with or without a device token field.
    for (const extra of [{}, { deviceToken: 'anything' }, { password: 'x' }]) {
      const err = await refusal(GatewayClient.connect({ url: t.url, token: 'right-token-123456', ...extra }));
      expect(err.detailCode).toBe('AUTH_RATE_LIMITED');
      expect(err.error.retryAfterMs).toBeGreaterThan(0);
      expect(err.error.details).toMatchObject({ recommendedNextStep: 'wait_then_retry' });
    }
    // A device-token-only guess is locked out too.
    expect((await refusal(GatewayClient.connect({ url: t.url, deviceToken: 'guess', device: generateDeviceKeys() }))).detailCode).toBe('AUTH_RATE_LIMITED');
  });

  it('rotating the token in the config file drops connections using the old one and refuses it from then on', async () => {
    const t = await gateway();
    const c = await t.operator();
    const closed = c.closed();
    const cfg = JSON.parse(readFileSync(t.state.configPath, 'utf8'));
    cfg.gateway.auth.token = 'rotated-token-abcdef';
    writeFileSync(t.state.configPath, JSON.stringify(cfg));
    expect(await closed).toEqual({ code: 4001, reason: 'gateway auth changed' });
    expect((await refusal(GatewayClient.connect({ url: t.url, token: t.token, device: generateDeviceKeys() }))).detailCode).toBe('AUTH_TOKEN_MISMATCH');
    const fresh = await GatewayClient.connect({ url: t.url, token: 'rotated-token-abcdef', device: generateDeviceKeys(), scopes: ['operator.read'] });
    await expect(fresh.call('health', {})).resolves.toMatchObject({ ok: true });
    fresh.close();
  });

  it('password mode accepts the password and refuses a wrong or missing one', async () => {
    const t = await gateway({ gateway: { auth: { mode: 'password', password: 'correct horse battery' } } });
    const ok = await GatewayClient.connect({ url: t.url, password: 'correct horse battery', device: generateDeviceKeys(), scopes: ['operator.read'] });
    expect(ok.hello.auth.method).toBe('password');
    ok.close();
    expect((await refusal(GatewayClient.connect({ url: t.url, password: 'wrong' }))).detailCode).toBe('AUTH_PASSWORD_MISMATCH');
    expect((await refusal(GatewayClient.connect({ url: t.url }))).detailCode).toBe('AUTH_PASSWORD_MISSING');
  });

  it('refuses a WebSocket from a foreign browser Origin before any handshake', async () => {
    const t = await gateway();
    const evil = new WsProbe(t.url, { Origin: 'https://evil.example' });
    await expect(evil.opened).rejects.toThrow('HTTP 403');
    const same = new WsProbe(t.url, { Origin: `http://127.0.0.1:${t.gw.port}` });
    await same.opened;
    expect(await same.next()).toMatchObject({ event: 'connect.challenge' });
    same.close();
  });
});

describe('startup safety', () => {
  it('refuses to listen beyond loopback without auth', async () => {
    const s = makeTempState({ gateway: { bind: 'lan', auth: { mode: 'none' } } });
    try {
      await expect(startGateway({ port: 0, env: s.env })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without authentication/);
    } finally {
      s.cleanup();
    }
  });

  it('generates a 256-bit token on first start and stores it 0600', async () => {
    const s = makeTempState({});
    const gw = await startGateway({ port: 0, env: s.env });
    try {
      const { statSync } = await import('node:fs');
      const st = statSync(gw.tokenPath!);
      expect(st.mode & 0o777).toBe(0o600);
      expect(readFileSync(gw.tokenPath!, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await gw.close();
      s.cleanup();
    }
  });
});
