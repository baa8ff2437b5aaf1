import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import type { OpenClawConfig } from '../../src-shared/domain/config-schema.js';
import { recordingLogger } from '../../test-support/recording-logger.js';
import { createListener, lanUrls, resolveBindHost, StartupError, urlHost, type BindTarget } from './listener.js';

const cfg = (gateway: Record<string, unknown>) => resolveConfig({ gateway } as OpenClawConfig, {});
const token = { mode: 'token' as const, token: 'a-long-enough-token-0123456789' };

/** A bind target that records binds and can be told to fail. */
function fakeTarget(opts: { failRebind?: boolean } = {}) {
  const binds: string[] = [];
  const target: BindTarget = {
    listen: async (port, host) => {
      binds.push(`listen ${host}:${port}`);
      return { port: port || 40000 };
    },
    rebind: async (port, host) => {
      binds.push(`rebind ${host}:${port}`);
      if (opts.failRebind) throw new Error('EADDRINUSE');
      return { port };
    },
  };
  return { target, binds };
}

describe('bind host and URL formatting', () => {
  it.each([
    [{ bind: 'loopback' }, {}, '127.0.0.1'],
    [{ bind: 'lan' }, {}, '0.0.0.0'],
    [{ bind: 'custom', customBindHost: '10.0.0.5' }, {}, '10.0.0.5'],
    [{ bind: 'lan' }, { host: '::1' }, '::1'],
    [{ bind: 'loopback' }, { bind: 'lan' as const }, '0.0.0.0'],
  ])('%j with overrides %j → %s', (gateway, overrides, host) => {
    expect(resolveBindHost(cfg(gateway).gateway, overrides)).toBe(host);
  });

  it('custom without a host and tailnet are refused with the fix', () => {
    expect(() => resolveBindHost(cfg({ bind: 'custom' }).gateway)).toThrow(StartupError);
    expect(() => resolveBindHost(cfg({ bind: 'tailnet' }).gateway)).toThrow(/gateway.customBindHost set to your tailnet IP/);
  });

  it('IPv6 hosts are bracketed and the wildcard is shown as loopback', () => {
    expect(urlHost('::1')).toBe('[::1]');
    expect(urlHost('0.0.0.0')).toBe('127.0.0.1');
    expect(urlHost('192.168.1.2')).toBe('192.168.1.2');
  });

  it('LAN URLs: none on loopback, the bound address otherwise', () => {
    expect(lanUrls('127.0.0.1', 1)).toEqual([]);
    expect(lanUrls('::1', 1)).toEqual([]);
    expect(lanUrls('fd00::2', 18789)).toEqual(['ws://[fd00::2]:18789']);
    expect(lanUrls('10.0.0.5', 18789)).toEqual(['ws://10.0.0.5:18789']);
    for (const u of lanUrls('0.0.0.0', 18789)) expect(u).toMatch(/^ws:\/\/\d+\.\d+\.\d+\.\d+:18789$/);
  });
});

describe('listener', () => {
  it('listens, reports the bound port and its URLs', async () => {
    const l = createListener({ config: cfg({ port: 18789 }), overrides: { port: 0, host: '::1' }, log: recordingLogger() });
    const { target } = fakeTarget();
    const bound: number[] = [];
    await l.listen(target, (p) => bound.push(p));
    expect(l.port).toBe(40000);
    expect(bound).toEqual([40000]);
    expect(l.wsUrl()).toBe('ws://[::1]:40000');
    expect(l.httpUrl()).toBe('http://[::1]:40000/');
    expect(l.loopbackOnly).toBe(true);
  });

  it('refuses to start without authentication beyond loopback', () => {
    const l = createListener({ config: cfg({ bind: 'lan' }), log: recordingLogger() });
    expect(() => l.assertAuth({ mode: 'none' })).toThrow(/refusing to listen on 0.0.0.0 without authentication/);
    expect(() => l.assertAuth(token)).not.toThrow();
  });

  it('turns EADDRINUSE into a StartupError naming the port', async () => {
    const l = createListener({ config: cfg({ port: 18789 }), log: recordingLogger() });
    const busy: BindTarget = { listen: () => Promise.reject(Object.assign(new Error('busy'), { code: 'EADDRINUSE' })), rebind: () => Promise.reject(new Error('x')) };
    await expect(l.listen(busy)).rejects.toThrow(/port 18789 on 127.0.0.1 is already in use/);
  });

  it('moves to a new port and reports it; the same address is no move', async () => {
    const log = recordingLogger();
    const l = createListener({ config: cfg({ port: 18789 }), log });
    const { target, binds } = fakeTarget();
    const bound: number[] = [];
    await l.listen(target, (p) => bound.push(p));
    expect(await l.move(cfg({ port: 18789 }), token)).toEqual({ kind: 'unchanged' });
    expect(await l.move(cfg({ port: 18790 }), token)).toEqual({ kind: 'moved' });
    expect(binds).toEqual(['listen 127.0.0.1:18789', 'rebind 127.0.0.1:18790']);
    expect(bound).toEqual([18789, 18790]);
    expect(l.wsUrl()).toBe('ws://127.0.0.1:18790');
    expect(log.lines.some((x) => x.msg === 'gateway moved to a new address')).toBe(true);
  });

  it('keeps its address when the move would be unsafe, fails, or the command line pins it', async () => {
    const l = createListener({ config: cfg({ port: 18789 }), log: recordingLogger() });
    const { target } = fakeTarget({ failRebind: true });
    await l.listen(target);
    expect(await l.move(cfg({ bind: 'lan' }), { mode: 'none' })).toMatchObject({ kind: 'refused' });
    expect(await l.move(cfg({ port: 18790 }), token)).toMatchObject({ kind: 'failed', error: /could not listen on 127.0.0.1:18790: EADDRINUSE; still on 127.0.0.1:18789/ });
    expect(await l.move(cfg({ bind: 'custom' }), token)).toMatchObject({ kind: 'unresolvable' });
    expect(l.port).toBe(18789);

    const pinned = createListener({ config: cfg({ port: 18789 }), overrides: { port: 0 }, log: recordingLogger() });
    expect(pinned.pinned).toBe(true);
    expect(await pinned.move(cfg({ port: 18790 }), token)).toEqual({ kind: 'pinned' });
  });

  it('names both addresses for the auth rule when a config would move it', () => {
    const l = createListener({ config: cfg({}), log: recordingLogger() });
    expect(l.hostsFor(cfg({}))).toEqual(['127.0.0.1']);
    expect(l.hostsFor(cfg({ bind: 'lan' }))).toEqual(['127.0.0.1', '0.0.0.0']);
    const pinned = createListener({ config: cfg({}), overrides: { host: '127.0.0.1' }, log: recordingLogger() });
    expect(pinned.hostsFor(cfg({ bind: 'lan' }))).toEqual(['127.0.0.1']);
  });
});
