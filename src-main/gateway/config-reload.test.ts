import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../cli/gateway-client.js';
import { ConfigError } from '../config/index.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { makeTempState } from '../../test-support/state-dir.js';
import { startGateway } from './start.js';

const gateways: TestGateway[] = [];
afterEach(async () => {
  while (gateways.length) await gateways.pop()!.close();
});

function nextEvent(c: GatewayClient, name: string, pred: (p: any) => boolean = () => true): Promise<any> {
  return new Promise((resolve) => {
    const off = c.on((event, payload) => {
      if (event === name && pred(payload)) {
        off();
        resolve(payload);
      }
    });
  });
}

describe('config at start', () => {
  it.each([
    ['invalid JSON5', '{ gateway: { port: 18789, }, oops }', /syntax error at line 1/],
    ['an unknown key', '{ gateway: { prot: 1 } }', /gateway\.prot/],
    ['a wrong type', '{ gateway: { port: "many" } }', /gateway\.port/],
  ])('refuses to start on %s with an error naming the problem', async (_n, text, pattern) => {
    const s = makeTempState({});
    writeFileSync(s.configPath, text);
    try {
      const err = await startGateway({ port: 0, env: s.env }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(pattern);
    } finally {
      s.cleanup();
    }
  });
});

describe('config hot reload', () => {
  it('an invalid edit is skipped and reported; the last good config keeps running; a fix recovers', async () => {
    const t = await startTestGateway();
    gateways.push(t);
    const c = await t.operator();
    const good = readFileSync(t.state.configPath, 'utf8');

    const invalid = nextEvent(c, 'health', (h) => h.configReload.hotReloadStatus === 'invalid');
    writeFileSync(t.state.configPath, good.replace('"gateway": {', '"gateway": { "unknownKey": true,'));
    const h = await invalid;
    expect(h.ok).toBe(false);
    expect(h.configReload.lastError).toMatch(/gateway\.unknownKey/);
    // The connection (made with the last good token) stays, and health/status say what is wrong.
    await expect(c.call('health', {})).resolves.toMatchObject({ ok: false, configReload: { hotReloadStatus: 'invalid' } });
    await expect(c.call('status', {})).resolves.toMatchObject({ ok: false, config: { hotReloadStatus: 'invalid' } });
    const log = readFileSync(t.state.logFile, 'utf8');
    expect(log).toContain('config reload skipped (invalid config)');

    const recovered = nextEvent(c, 'health', (x) => x.configReload.hotReloadStatus === 'ok');
    writeFileSync(t.state.configPath, good.replace('"gateway": {', '"gateway": { "port": 18790,'));
    expect(await recovered).toMatchObject({ ok: true, configReload: { pendingRestartPaths: ['gateway.port'] } });
  });

  it('logging.level changes apply without a restart', async () => {
    const t = await startTestGateway();
    gateways.push(t);
    const watcher = await t.operator();
    (await t.operator()).close();
    expect(readFileSync(t.state.logFile, 'utf8')).not.toContain('"client connected"');
    const cfg = JSON.parse(readFileSync(t.state.configPath, 'utf8'));
    cfg.logging.level = 'debug';
    const reloaded = nextEvent(watcher, 'config.reloaded');
    writeFileSync(t.state.configPath, JSON.stringify(cfg));
    await reloaded;
    (await t.operator()).close();
    expect(readFileSync(t.state.logFile, 'utf8')).toContain('"client connected"');
  });

  it('config.set with a stale base hash is refused; with the current hash it writes and applies', async () => {
    const t = await startTestGateway();
    gateways.push(t);
    const a = await t.operator();
    const b = await t.operator();
    const snap = await a.call<{ hash: string; raw: string; config: any }>('config.get', {});
    // Secrets never leave redacted text.
    expect(snap.raw).not.toContain(t.token);
    expect(snap.config.gateway.auth.token).toBe('__OPENCLAW_REDACTED__');

    const next = { ...snap.config, logging: { ...snap.config.logging, level: 'warn' } };
    const first = await a.call<{ hash: string; changedPaths: string[] }>('config.set', { raw: JSON.stringify(next), baseHash: snap.hash });
    expect(first.changedPaths).toEqual(['logging.level']);
    // The second writer read the same version: refused, file unchanged.
    await expect(b.call('config.set', { raw: JSON.stringify({ ...next, logging: { ...next.logging, level: 'trace' } }), baseHash: snap.hash })).rejects.toMatchObject({
      error: { code: 'INVALID_REQUEST', details: { code: 'CONFIG_CONFLICT', currentHash: first.hash } },
    });
    await expect(b.call('config.set', { raw: '{}' })).rejects.toMatchObject({ error: { details: { code: 'CONFIG_BASE_HASH_REQUIRED' } } });
    const onDisk = JSON.parse(readFileSync(t.state.configPath, 'utf8'));
    expect(onDisk.logging.level).toBe('warn');
    // The redacted token went back in as the real one: the same token still works.
    expect(onDisk.gateway.auth.token).toBe(t.token);
    await expect((await t.operator()).call('health', {})).resolves.toMatchObject({ ok: true });
    expect((await a.call<{ appliedConfigHash: string }>('config.get', {})).appliedConfigHash).toBe(first.hash);
  });

  it('config.set and config.patch refuse an invalid result and leave the file byte-identical', async () => {
    const t = await startTestGateway();
    gateways.push(t);
    const c = await t.operator();
    const before = readFileSync(t.state.configPath, 'utf8');
    const { hash } = await c.call<{ hash: string }>('config.get', {});
    await expect(c.call('config.set', { raw: '{ gateway: { port: -1 } }', baseHash: hash })).rejects.toMatchObject({ error: { code: 'INVALID_REQUEST', details: { code: 'CONFIG_INVALID' } } });
    await expect(c.call('config.set', { raw: '{ not json5', baseHash: hash })).rejects.toMatchObject({ error: { details: { code: 'CONFIG_INVALID' } } });
    await expect(c.call('config.patch', { raw: '{ logging: { level: "loud" } }', baseHash: hash })).rejects.toMatchObject({ error: { details: { code: 'CONFIG_INVALID' } } });
    await expect(c.call('config.patch', { raw: '[1]', baseHash: hash })).rejects.toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect(readFileSync(t.state.configPath, 'utf8')).toBe(before);
    const patched = await c.call<{ changedPaths: string[] }>('config.patch', { raw: '{ logging: { consoleLevel: "error" } }', baseHash: hash });
    expect(patched.changedPaths).toEqual(['logging.consoleLevel']);
  });

  it('config.schema serves the JSON Schema with reload classes', async () => {
    const t = await startTestGateway();
    gateways.push(t);
    const c = await t.operator({ scopes: ['operator.read'] });
    const s = await c.call<{ schema: any; reload: Record<string, string> }>('config.schema', {});
    expect(s.schema.properties.gateway.properties.port).toMatchObject({ type: 'integer' });
    expect(s.reload['logging']).toBe('hot');
    expect(s.reload['gateway.port']).toBe('restart');
  });
});

describe('first start', () => {
  it('writes a small valid starter config when there is none, and never overwrites one', async () => {
    const s = makeTempState({});
    const { rmSync } = await import('node:fs');
    rmSync(s.configPath);
    const gw = await startGateway({ port: 0, env: { ...s.env, OPENCLAW_LOG_LEVEL: 'warn' } });
    try {
      const written = JSON.parse(readFileSync(s.configPath, 'utf8'));
      // The port was given for this run (0), so it is not written.
      expect(written).toEqual({ gateway: { mode: 'local', bind: 'loopback', auth: { mode: 'token' } } });
    } finally {
      await gw.close();
    }
    const mine = `{ logging: { file: ${JSON.stringify(s.logFile)} } }`;
    writeFileSync(s.configPath, mine);
    const again = await startGateway({ port: 0, env: s.env });
    await again.close();
    expect(readFileSync(s.configPath, 'utf8')).toBe(mine);
    s.cleanup();
  });
});

describe('hybrid reload of the listener', () => {
  async function freePort(): Promise<number> {
    const { createServer } = await import('node:net');
    return new Promise((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
  }

  it('a gateway.port change moves the gateway: clients get 1012, the new port answers, the old one is gone', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const token = 'move-token-0123456789';
    const s = makeTempState({ gateway: { port: p1, auth: { mode: 'token', token } } });
    const gw = await startGateway({ env: s.env });
    const { GatewayClient } = await import('../cli/gateway-client.js');
    const { generateDeviceKeys } = await import('../nodes/device-keys.js');
    try {
      expect(gw.port).toBe(p1);
      const c = await GatewayClient.connect({ url: `ws://127.0.0.1:${p1}`, token, device: generateDeviceKeys(), scopes: ['operator.read'] });
      const closed = c.closed();
      const cfg = JSON.parse(readFileSync(s.configPath, 'utf8'));
      writeFileSync(s.configPath, JSON.stringify({ ...cfg, gateway: { ...cfg.gateway, port: p2 } }));
      expect(await closed).toEqual({ code: 1012, reason: 'gateway restarting' });
      // Like any client after a 1012: reconnect with retries until the new address answers.
      let moved: Awaited<ReturnType<typeof GatewayClient.connect>> | undefined;
      await expect
        .poll(async () => (moved = await GatewayClient.connect({ url: `ws://127.0.0.1:${p2}`, token, device: generateDeviceKeys(), scopes: ['operator.read'] }).catch(() => undefined)), { timeout: 5000, interval: 20 })
        .toBeDefined();
      if (!moved) throw new Error('unreachable');
      const st = await moved.call<{ gateway: { port: number }; config: { pendingRestartPaths?: string[] } }>('status', {});
      expect(st.gateway.port).toBe(p2);
      expect(st.config.pendingRestartPaths).toBeUndefined();
      moved.close();
      await expect(GatewayClient.connect({ url: `ws://127.0.0.1:${p1}`, token, timeoutMs: 2000 })).rejects.toThrow(/cannot reach the gateway/);
      expect(JSON.parse(readFileSync(`${s.stateDir}/gateway.lock`, 'utf8')).port).toBe(p2);
    } finally {
      await gw.close();
      s.cleanup();
    }
  });
});
