import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { decodeSetupCode, encodeSetupCode, SetupCodeError } from '../../src-shared/protocol/setup-code.js';
import { pinFor, publicReach } from './reach.js';

const FP = Array(32).fill('AB').join(':');

describe('where a phone reaches the gateway', () => {
  const lan = { lanUrls: () => ['wss://192.168.1.5:18789'], loopbackOnly: false };
  const loopback = { lanUrls: () => [], loopbackOnly: true };

  it('leads with the public URL, then the LAN addresses', () => {
    expect(publicReach('wss://gw.example', lan).urls).toEqual(['wss://gw.example', 'wss://192.168.1.5:18789']);
    expect(publicReach(undefined, lan)).toEqual({ urls: ['wss://192.168.1.5:18789'], loopbackOnly: false });
    expect(publicReach('wss://gw.example', loopback)).toEqual({ urls: ['wss://gw.example'], loopbackOnly: false });
    expect(publicReach(undefined, loopback)).toEqual({ urls: [], loopbackOnly: true });
  });

  it('pins the self-signed certificate for the gateway\'s own addresses only', () => {
    const reach = publicReach('wss://gw.example', lan, FP);
    expect(pinFor('wss://192.168.1.5:18789', reach)).toBe(FP);
    expect(pinFor('wss://gw.example', reach)).toBeUndefined();
    expect(pinFor('wss://192.168.1.5:18789', publicReach(undefined, lan))).toBeUndefined();
  });

  it('a setup code carries the pin, and a malformed one is refused', () => {
    const code = encodeSetupCode({ url: 'wss://192.168.1.5:18789', urls: [], bootstrapToken: 't', expiresAtMs: 1, tlsFingerprint: FP.replace(/:/g, '').toLowerCase() });
    expect(decodeSetupCode(code).tlsFingerprint).toBe(FP);
    const bad = encodeSetupCode({ url: 'wss://x', urls: [], bootstrapToken: 't', expiresAtMs: 1, tlsFingerprint: 'nope' });
    expect(() => decodeSetupCode(bad)).toThrow(SetupCodeError);
    expect(decodeSetupCode(encodeSetupCode({ url: 'ws://x', urls: [], bootstrapToken: 't', expiresAtMs: 1 }))).not.toHaveProperty('tlsFingerprint');
  });
});

describe('setup codes from a gateway with a public URL', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'reach-test-token-0123456789abcdef' }, tls: { enabled: true }, publicUrl: 'wss://gw.example' } } });
  });
  afterAll(async () => t?.close());

  it('lead with the public URL even on loopback, without the pin of a certificate the proxy does not serve', async () => {
    const c = await t.operator({ tlsFingerprint: t.gw.tlsFingerprint, url: t.gw.wsUrl });
    const r = await c.call('device.pair.setupCode', {});
    expect(r.url).toBe('wss://gw.example');
    const payload = decodeSetupCode(r.setupCode);
    expect(payload.url).toBe('wss://gw.example');
    expect(payload).not.toHaveProperty('tlsFingerprint');
  });
});
