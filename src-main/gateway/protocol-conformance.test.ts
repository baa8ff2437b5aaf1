import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDeviceProof, generateDeviceKeys } from '../nodes/device-keys.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { WsProbe } from '../../test-support/ws-probe.js';

/** The reference's compatibility tests 1–8, spoken by hand over a real socket. */
describe('protocol v4 conformance', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  const client = { id: 'cli', version: '1.0.0', platform: 'linux', mode: 'cli' };
  const connectFrame = (params: Record<string, unknown>, id = 'c1') => ({ type: 'req', id, method: 'connect', params: { minProtocol: 4, maxProtocol: 4, client, role: 'operator', ...params } });

  async function probe(): Promise<{ p: WsProbe; challenge: { nonce: string; ts: number } }> {
    const p = new WsProbe(t.url);
    const ev = await p.next<{ payload: { nonce: string; ts: number } }>((f) => f.event === 'connect.challenge');
    return { p, challenge: ev.payload };
  }

  it('1. sends connect.challenge first, before the client says anything', async () => {
    const p = new WsProbe(t.url);
    const first = await p.next();
    expect(first).toMatchObject({ type: 'event', event: 'connect.challenge', payload: { nonce: expect.any(String), ts: expect.any(Number) } });
    expect(Number.isInteger((first.payload as { ts: number }).ts)).toBe(true);
    p.close();
  });

  it('2a. a first request that is not connect gets INVALID_REQUEST, then close 1008', async () => {
    const { p } = await probe();
    p.send({ type: 'req', id: '1', method: 'health' });
    expect(await p.next((f) => f.type === 'res')).toEqual({
      type: 'res',
      id: '1',
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'invalid handshake: first request must be connect' },
    });
    expect(await p.closed).toEqual({ code: 1008, reason: 'invalid handshake: first request must be connect' });
  });

  it.each([['"hello"'], ['[1,2,3]'], ['{"type":"event","event":"x"}'], ['not json at all'], ['{"type":"req","id":"","method":"connect"}']])(
    '2b. a non-frame first message %s closes 1008 with no response',
    async (raw) => {
      const { p } = await probe();
      p.send(raw);
      expect(await p.closed).toEqual({ code: 1008, reason: 'invalid request frame' });
      expect(p.frames.filter((f) => (f as { type?: string }).type === 'res')).toEqual([]);
    },
  );

  it('3. a first frame over 64 KiB closes 1009', async () => {
    const { p } = await probe();
    p.send(JSON.stringify(connectFrame({ auth: { token: 'x'.repeat(70_000) } })));
    expect((await p.closed).code).toBe(1009);
    expect(p.frames.filter((f) => (f as { type?: string }).type === 'res')).toEqual([]);
  });

  it('4. protocol 2 gets PROTOCOL_MISMATCH with expectedProtocol 4, then close 1002', async () => {
    const { p } = await probe();
    p.send(connectFrame({ minProtocol: 2, maxProtocol: 2, auth: { token: t.token } }));
    const res = await p.next((f) => f.type === 'res');
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'protocol mismatch', details: { code: 'PROTOCOL_MISMATCH', expectedProtocol: 4, clientMinProtocol: 2, clientMaxProtocol: 2, minimumProbeProtocol: 3 } },
    });
    expect(await p.closed).toEqual({ code: 1002, reason: 'protocol mismatch' });
  });

  it('4b. a node may still speak v3; an operator may not', async () => {
    const a = await probe();
    a.p.send(connectFrame({ minProtocol: 3, maxProtocol: 3, auth: { token: t.token } }));
    expect((await a.p.closed).code).toBe(1002);
  });

  it('5. a good connect with a v3-signed device gets hello-ok with methods, policy and role', async () => {
    const { p, challenge } = await probe();
    const keys = generateDeviceKeys();
    const scopes = ['operator.read', 'operator.write'];
    const device = signDeviceProof(keys, { clientId: 'cli', clientMode: 'cli', role: 'operator', scopes, signedAtMs: challenge.ts, token: t.token, nonce: challenge.nonce, platform: 'linux' });
    p.send(connectFrame({ scopes, auth: { token: t.token }, device }));
    const res = await p.next<{ ok: boolean; payload: Record<string, any> }>((f) => f.type === 'res');
    expect(res.ok).toBe(true);
    const hello = res.payload;
    expect(hello).toMatchObject({
      type: 'hello-ok',
      protocol: 4,
      server: { connId: expect.any(String), version: expect.any(String) },
      policy: { maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000 },
      auth: { role: 'operator', scopes, method: 'token', deviceToken: expect.any(String) },
      snapshot: { presence: expect.any(Array), stateVersion: { presence: expect.any(Number), health: expect.any(Number) }, uptimeMs: expect.any(Number) },
    });
    expect(hello.features.methods).toEqual(expect.arrayContaining(['health', 'status', 'config.get', 'config.set', 'config.patch', 'config.schema', 'logs.tail', 'system-presence']));
    expect(hello.features.events).toEqual(expect.arrayContaining(['connect.challenge', 'tick', 'presence', 'shutdown']));
    // The connection then answers requests, and an unknown method leaves it open.
    p.send({ type: 'req', id: 'h', method: 'health', params: {} });
    expect(await p.next((f) => f.id === 'h')).toMatchObject({ ok: true, payload: { ok: true } });
    p.send({ type: 'req', id: 'u', method: 'no.such.method', params: {} });
    expect(await p.next((f) => f.id === 'u')).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'unknown method: no.such.method' } });
    p.send({ type: 'req', id: 'h2', method: 'health' });
    expect(await p.next((f) => f.id === 'h2')).toMatchObject({ ok: true });
    p.close();
  });

  it('5b. tick events carry {ts} at the advertised interval', async () => {
    const fast = await startTestGateway({ start: { tickIntervalMs: 40 } });
    try {
      const c = await fast.operator();
      expect(c.hello.policy.tickIntervalMs).toBe(40);
      const ticks: number[] = [];
      await new Promise<void>((resolve) =>
        c.on((event, payload) => {
          if (event === 'tick') ticks.push((payload as { ts: number }).ts);
          if (ticks.length === 3) resolve();
        }),
      );
      expect(ticks[2]! - ticks[0]!).toBeGreaterThanOrEqual(60);
    } finally {
      await fast.close();
    }
  });

  it('5c. the server answers WebSocket pings', async () => {
    const { p } = await probe();
    const pong = new Promise<void>((resolve) => p.ws.once('pong', () => resolve()));
    p.ws.ping();
    await pong;
    p.close();
  });

  it('6. a wrong token gets AUTH_TOKEN_MISMATCH with a next step, then close 1008', async () => {
    const { p } = await probe();
    p.send(connectFrame({ auth: { token: 'wrong' } }));
    const res = await p.next<{ error: { details: Record<string, unknown> } }>((f) => f.type === 'res');
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', details: { code: 'AUTH_TOKEN_MISMATCH', recommendedNextStep: expect.any(String) } } });
    expect((await p.closed).code).toBe(1008);
  });

  it('7a. a key whose hash is not the device id gets DEVICE_AUTH_DEVICE_ID_MISMATCH', async () => {
    const { p, challenge } = await probe();
    const keys = generateDeviceKeys();
    const device = signDeviceProof(keys, { clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: [], signedAtMs: challenge.ts, token: t.token, nonce: challenge.nonce, platform: 'linux' });
    p.send(connectFrame({ scopes: [], auth: { token: t.token }, device: { ...device, id: generateDeviceKeys().deviceId } }));
    expect(await p.next((f) => f.type === 'res')).toMatchObject({ ok: false, error: { details: { code: 'DEVICE_AUTH_DEVICE_ID_MISMATCH' } } });
    expect((await p.closed).code).toBe(1008);
  });

  it('7b. a signature 3 minutes stale gets DEVICE_AUTH_SIGNATURE_EXPIRED', async () => {
    const { p, challenge } = await probe();
    const keys = generateDeviceKeys();
    const device = signDeviceProof(keys, { clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: [], signedAtMs: challenge.ts - 180_000, token: t.token, nonce: challenge.nonce, platform: 'linux' });
    p.send(connectFrame({ scopes: [], auth: { token: t.token }, device }));
    expect(await p.next((f) => f.type === 'res')).toMatchObject({ ok: false, error: { details: { code: 'DEVICE_AUTH_SIGNATURE_EXPIRED' } } });
  });

  it('8. a read-only client calling config.set gets FORBIDDEN / MISSING_SCOPE operator.admin', async () => {
    const c = await t.operator({ scopes: ['operator.read'] });
    expect(c.hello.auth.scopes).toEqual(['operator.read']);
    await expect(c.call('config.set', { raw: '{}' })).rejects.toMatchObject({
      error: { code: 'FORBIDDEN', message: 'missing scope: operator.admin', details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin', requiredScopes: ['operator.admin'] } },
    });
    // Reads still work on the same connection.
    await expect(c.call('config.get', {})).resolves.toMatchObject({ valid: true });
  });

  it.each([
    ['an unknown client id', { client: { ...client, id: 'evil-client' } }],
    ['an unknown client mode', { client: { ...client, mode: 'operator' } }],
    ['an extra top-level field', { surprise: true }],
    ['scopes that are not strings', { scopes: [1, 2] }],
  ])('a connect with %s fails schema validation and closes 1008', async (_n, over) => {
    const { p } = await probe();
    p.send(connectFrame({ auth: { token: t.token }, ...over }));
    const res = await p.next<{ error: { message: string } }>((f) => f.type === 'res');
    expect(res.error.message).toMatch(/^invalid connect params: /);
    expect(await p.closed).toEqual({ code: 1008, reason: 'invalid connect params' });
  });

  it('an unknown role gets "invalid role" and close 1008', async () => {
    const { p } = await probe();
    p.send(connectFrame({ role: 'superuser', auth: { token: t.token } }));
    expect(await p.next((f) => f.type === 'res')).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'invalid role' } });
    expect((await p.closed).code).toBe(1008);
  });

  it('invalid params for a known method get INVALID_REQUEST naming the method; the connection survives', async () => {
    const c = await t.operator();
    await expect(c.call<unknown>('logs.tail', { limit: 'lots' })).rejects.toMatchObject({ error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/^invalid logs\.tail params: /) } });
    await expect(c.call('health', {})).resolves.toMatchObject({ ok: true });
  });
});
