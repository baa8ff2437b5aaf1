import { describe, expect, it } from 'vitest';
import { addressBucket, checkRequestSource, isHostAllowed, isLoopbackAddress, isOriginAllowed } from './origin.js';

const local = { port: 18789, allowedOrigins: [], lanBind: false };
const lan = { port: 18789, allowedOrigins: ['https://ui.example.com'], lanBind: true };

describe('isOriginAllowed', () => {
  it.each([
    [undefined, '127.0.0.1:18789', local, true],
    ['http://127.0.0.1:18789', '127.0.0.1:18789', local, true],
    ['http://localhost:18789', 'localhost:18789', local, true],
    ['http://[::1]:18789', '[::1]:18789', local, true],
    ['http://127.0.0.1:3000', '127.0.0.1:18789', local, false],
    ['https://evil.example', '127.0.0.1:18789', local, false],
    // DNS rebinding: the attacker's name resolves to 127.0.0.1; Host and Origin agree but the name is not trusted.
    ['http://evil.example:18789', 'evil.example:18789', local, false],
    ['http://evil.example:18789', 'evil.example:18789', lan, false],
    ['null', '127.0.0.1:18789', local, false],
    ['file://', '127.0.0.1:18789', local, false],
    ['http://192.168.1.20:18789', '192.168.1.20:18789', lan, true],
    ['http://192.168.1.20:18789', '192.168.1.20:18789', local, false],
    ['https://ui.example.com', 'x', lan, true],
  ])('origin %s host %s → %s', (origin, host, policy, ok) => {
    expect(isOriginAllowed(origin, host, policy)).toBe(ok);
  });

  it('recognises loopback socket addresses', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.8.9.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '', undefined].some(isLoopbackAddress)).toBe(false);
  });
});

describe('addressBucket', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.200.3.4', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.2', 'loopback'],
    ['::ffff:7f00:5', 'loopback'],
    ['::ffff:192.168.1.20', '192.168.1.20'],
    ['192.168.1.20', '192.168.1.20'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s → %s', (addr, bucket) => {
    expect(addressBucket(addr)).toBe(bucket);
  });
});

describe('isHostAllowed', () => {
  const proxied = { ...local, allowedOrigins: ['https://gw.example.ts.net'] };
  it.each([
    [undefined, local, true],
    ['127.0.0.1:18789', local, true],
    ['localhost', local, true],
    ['LOCALHOST:9', local, true],
    ['[::1]:18789', local, true],
    ['10.0.0.5:18789', local, true],
    ['evil.example:18789', local, false],
    ['evil.example', local, false],
    ['localhost.evil.example', local, false],
    ['gw.example.ts.net', proxied, true],
    ['evil.example:18789', lan, true],
    ['bad host', local, false],
  ])('Host %s (%o) → %s', (host, policy, ok) => {
    expect(isHostAllowed(host, policy)).toBe(ok);
  });
});

describe('checkRequestSource', () => {
  const req = (method: string, headers: Record<string, string>) => ({ method, headers });
  const host = '127.0.0.1:18789';
  it.each([
    ['POST JSON from a local tool', req('POST', { host, 'content-type': 'application/json' }), local, undefined],
    ['POST text/plain', req('POST', { host, 'content-type': 'text/plain' }), local, 415],
    ['DELETE without a body type', req('DELETE', { host }), local, 415],
    ['POST from a foreign origin', req('POST', { host, origin: 'https://evil.example', 'content-type': 'application/json' }), local, 403],
    ['POST marked cross-site', req('POST', { host, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }), local, 403],
    ['POST with a rebound Host', req('POST', { host: 'evil.example:18789', 'content-type': 'application/json' }), local, 403],
    ['upgrade from a foreign origin', req('GET', { host, upgrade: 'websocket', origin: 'https://evil.example' }), local, 403],
    ['upgrade with Origin null (a sandboxed canvas)', req('GET', { host, upgrade: 'websocket', origin: 'null' }), local, 403],
    ['GET of a file from a sandboxed page', req('GET', { host, origin: 'null', 'sec-fetch-site': 'cross-site' }), local, undefined],
    ['GET with a rebound Host', req('GET', { host: 'evil.example:18789' }), local, 403],
    ['LAN: any name, JSON, no Origin (auth decides)', req('POST', { host: 'gw.lan:18789', 'content-type': 'application/json' }), lan, undefined],
    ['LAN: the page on its own IP origin', req('POST', { host: '192.168.1.20:18789', origin: 'http://192.168.1.20:18789', 'content-type': 'application/json' }), lan, undefined],
    ['LAN: a rebound name with its own Origin', req('POST', { host: 'evil.example:18789', origin: 'http://evil.example:18789', 'content-type': 'application/json' }), lan, 403],
  ])('%s', (_name, r, policy, status) => {
    expect(checkRequestSource(r, policy)?.status).toBe(status);
  });
});
