import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { WsProbe } from '../../test-support/ws-probe.js';

/** Small seeded PRNG (mulberry32) so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = ['health', 'status', 'config.get', 'config.set', 'config.patch', 'logs.tail', 'connect', 'system-presence', 'nope', '', '__proto__', 'constructor'];

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return [0, -1, 1e308, -1e308, 2 ** 53, 0.5, NaN][Math.floor(r() * 7)];
    case 3:
      return ['', 'x', '\u0000', '\ud800', 'é'.repeat(50), '{"a":', '__proto__'][Math.floor(r() * 7)];
    case 4:
      return 'y'.repeat(Math.floor(r() * 2000));
    case 5:
      return undefined;
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(r() * 4); i++) o[['type', 'id', 'method', 'params', 'raw', 'baseHash', 'limit', 'cursor', '__proto__', 'constructor'][Math.floor(r() * 10)]!] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** One random frame: sometimes well-formed requests with bad params, sometimes garbage. */
function randomFrame(r: () => number): string | Buffer {
  const kind = Math.floor(r() * 6);
  if (kind === 0) return Buffer.from(Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
  if (kind === 1) return JSON.stringify(randomValue(r)) ?? 'undefined';
  if (kind === 2) return JSON.stringify({ type: 'req', id: String(Math.floor(r() * 1e6)), method: METHODS[Math.floor(r() * METHODS.length)], params: randomValue(r) }).slice(0, r() < 0.2 ? Math.floor(r() * 40) : undefined);
  if (kind === 3) return JSON.stringify({ type: ['req', 'res', 'event', 'REQ', 1][Math.floor(r() * 5)], id: randomValue(r), method: randomValue(r), params: randomValue(r) }) ?? '{}';
  if (kind === 4) return '{"type":"req","id":"1","method":"health","params":' + '['.repeat(Math.floor(r() * 500));
  return JSON.stringify({ type: 'req', id: `m${Math.floor(r() * 1e6)}`, method: METHODS[Math.floor(r() * 4)], params: { raw: JSON.stringify(randomValue(r)) ?? "", baseHash: 'x' } });
}

describe('bad input: seeded fuzz', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('10,000 random frames on an authenticated connection never take it or the gateway down', async () => {
    // A read-only client: the fuzz must not be able to rewrite the config it runs on.
    const c = await t.operator({ scopes: ['operator.read'] });
    const r = prng(20261129);
    for (let burst = 0; burst < 10; burst++) {
      for (let i = 0; i < 1000; i++) {
        const f = randomFrame(r);
        c.ws.send(f, { binary: Buffer.isBuffer(f) });
      }
      // After each burst the same connection and a fresh one still answer health.
      await expect(c.call('health', {})).resolves.toMatchObject({ ok: true });
      const fresh = await t.operator({ scopes: [] });
      await expect(fresh.call('health', {})).resolves.toMatchObject({ ok: true });
      fresh.close();
    }
  });

  it('random first frames on 300 fresh sockets are each refused, and the gateway keeps serving', async () => {
    const r = prng(7);
    for (let i = 0; i < 300; i++) {
      const p = new WsProbe(t.url);
      await p.next((f) => f.event === 'connect.challenge');
      const f = randomFrame(r);
      p.ws.send(f, { binary: Buffer.isBuffer(f) });
      const closed = await p.closed;
      expect([1008, 1009, 1002]).toContain(closed.code);
    }
    const c = await t.operator();
    await expect(c.call('health', {})).resolves.toMatchObject({ ok: true });
    // The config file was never touched.
    await expect(c.call('config.get', {})).resolves.toMatchObject({ valid: true });
  });
});
