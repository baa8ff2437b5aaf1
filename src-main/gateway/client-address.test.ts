import { describe, expect, it } from 'vitest';
import { classifyReload } from '../../src-shared/domain/config-reload.js';
import { validateConfig } from '../config/validate.js';
import { authPolicyViolation } from './auth-policy.js';
import { NO_TRUSTED_PROXIES, normalizeAddress, parseTrustedProxies, resolveClientAddress } from './client-address.js';

const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers });
const proxies = parseTrustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

describe('gateway.trustedProxies', () => {
  it('parses addresses and CIDRs of both families and reports the rest', () => {
    const p = parseTrustedProxies(['127.0.0.1', '10.0.0.0/8', '2001:db8::/32', '::ffff:192.168.1.1', '300.1.1.1', '10.0.0.0/33', 'proxy.local', '1.2.3.4/8/1', '1.2.3.4/x']);
    expect(p.invalid).toEqual(['300.1.1.1', '10.0.0.0/33', 'proxy.local', '1.2.3.4/8/1', '1.2.3.4/x']);
    expect(p.has('::ffff:127.0.0.1')).toBe(true);
    expect(p.has('10.200.3.4')).toBe(true);
    expect(p.has('11.0.0.1')).toBe(false);
    expect(p.has('2001:db8:1::5')).toBe(true);
    expect(p.has('192.168.1.1')).toBe(true);
    expect(p.has('127.0.0.2')).toBe(false);
    expect(p.has('garbage')).toBe(false);
  });

  it('normalizes the forms sockets and headers use', () => {
    expect(normalizeAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('[FE80::1%eth0]')).toBe('fe80::1');
  });
});

describe('the client behind a request', () => {
  it.each([
    ['a direct local client', req('127.0.0.1'), NO_TRUSTED_PROXIES, { address: '127.0.0.1', forwarded: false, loopback: true }],
    ['a direct remote client', req('::ffff:192.168.1.9'), NO_TRUSTED_PROXIES, { address: '192.168.1.9', forwarded: false, loopback: false }],
    ['a direct client spoofing X-Forwarded-For', req('192.168.1.9', { 'x-forwarded-for': '127.0.0.1' }), proxies, { address: '192.168.1.9', forwarded: false, loopback: false }],
    ['a local proxy nobody trusts', req('127.0.0.1', { 'x-forwarded-for': '203.0.113.5' }), NO_TRUSTED_PROXIES, { address: '127.0.0.1', forwarded: false, loopback: false }],
    ['an untrusted local peer with only X-Real-IP', req('127.0.0.1', { 'x-real-ip': '203.0.113.5' }), NO_TRUSTED_PROXIES, { loopback: false }],
    ['a trusted proxy for a remote client', req('127.0.0.1', { 'x-forwarded-for': '203.0.113.5' }), proxies, { address: '203.0.113.5', peer: '127.0.0.1', forwarded: true, loopback: false }],
    ['a spoofed entry left of the real one', req('127.0.0.1', { 'x-forwarded-for': '127.0.0.1, 203.0.113.5' }), proxies, { address: '203.0.113.5', loopback: false }],
    ['a chain of trusted proxies', req('127.0.0.1', { 'x-forwarded-for': '198.51.100.7, 10.1.1.1' }), proxies, { address: '198.51.100.7', loopback: false }],
    ['a client on the proxy host itself', req('127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }), proxies, { address: '127.0.0.1', forwarded: true, loopback: true }],
    ['loopback reported by a proxy on another machine', req('10.0.0.5', { 'x-forwarded-for': '127.0.0.1' }), proxies, { address: '127.0.0.1', forwarded: true, loopback: false }],
    ['a trusted local peer that names nobody', req('127.0.0.1'), proxies, { address: '127.0.0.1', forwarded: false, loopback: true }],
    ['a trusted proxy reporting nonsense', req('127.0.0.1', { 'x-forwarded-for': 'evil, _hidden' }), proxies, { address: 'unknown', forwarded: true, loopback: false }],
    ['ports on reported hops', req('127.0.0.1', { 'x-forwarded-for': '203.0.113.5:4711' }), proxies, { address: '203.0.113.5' }],
    ['RFC 7239 Forwarded when there is no X-Forwarded-For', req('127.0.0.1', { forwarded: 'for=192.0.2.60;proto=https, for="[2001:db8:cafe::17]:4711"' }), proxies, { address: '2001:db8:cafe::17', forwarded: true, loopback: false }],
    ['X-Forwarded-For wins over a Forwarded the client may have sent', req('127.0.0.1', { forwarded: 'for=127.0.0.1', 'x-forwarded-for': '203.0.113.9' }), proxies, { address: '203.0.113.9', loopback: false }],
    ['an obfuscated Forwarded identifier', req('127.0.0.1', { forwarded: 'for=_gazonk' }), proxies, { address: 'unknown', loopback: false }],
  ])('%s', (_name, r, trusted, expected) => {
    expect(resolveClientAddress(r, trusted)).toMatchObject(expected);
  });
});

describe('auth behind a proxy', () => {
  it('trusting a proxy needs authentication like a public address does', () => {
    expect(authPolicyViolation({ mode: 'none' }, ['127.0.0.1'])).toBeUndefined();
    expect(authPolicyViolation({ mode: 'none' }, ['127.0.0.1'], ['127.0.0.1'])).toMatch(/refusing to serve a reverse proxy \(gateway.trustedProxies\) without authentication/);
    expect(authPolicyViolation({ mode: 'token', token: 'short' }, ['127.0.0.1'], ['127.0.0.1'])).toMatch(/token is too short to serve a reverse proxy/);
  });
});

describe('the settings', () => {
  it('a name instead of an address is refused with the path; the list and publicUrl reload live', () => {
    const r = validateConfig({ gateway: { trustedProxies: ['127.0.0.1', 'nginx.local'], publicUrl: 'https://gw.example' } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues).toContainEqual({ path: 'gateway.trustedProxies[1]', message: 'expected an IP address or CIDR (127.0.0.1, 10.0.0.0/8, fd00::/8), got "nginx.local"' });
      expect(r.issues).toContainEqual({ path: 'gateway.publicUrl', message: 'expected a ws:// or wss:// URL, got "https://gw.example"' });
    }
    expect(validateConfig({ gateway: { trustedProxies: ['127.0.0.1', '10.0.0.0/8', '::1'], publicUrl: 'wss://gw.example' } }).ok).toBe(true);
    expect(classifyReload('gateway.trustedProxies')).toBe('hot');
    expect(classifyReload('gateway.publicUrl')).toBe('hot');
    expect(classifyReload('gateway.tls.enabled')).toBe('restart');
  });
});
