import { describe, expect, it } from 'vitest';
import { generateDeviceKeys, signDeviceProof } from './device-keys.js';
import { verifyDeviceProof } from './device-identity.js';

const base = {
  clientId: 'cli',
  clientMode: 'cli',
  role: 'operator',
  scopes: ['operator.read'],
  token: 'tok',
  platform: 'Linux ',
  deviceFamily: 'Desktop',
};

describe('verifyDeviceProof', () => {
  const keys = generateDeviceKeys();
  const now = 1_800_000_000_000;
  const ctx = { ...base, challengeNonce: 'n1', nowMs: now };
  const proof = (over: Partial<typeof base & { nonce: string; signedAtMs: number }> = {}, v: 'v3' | 'v2' = 'v3') =>
    signDeviceProof(keys, { ...base, nonce: 'n1', signedAtMs: now, ...over }, v);

  it('accepts v3 and v2 payloads; platform fields are trimmed and lowercased', () => {
    expect(verifyDeviceProof(proof(), { ...ctx, platform: 'linux', deviceFamily: 'desktop' })).toMatchObject({ ok: true, version: 'v3' });
    expect(verifyDeviceProof(proof({}, 'v2'), ctx)).toMatchObject({ ok: true, version: 'v2' });
  });

  it.each([
    ['a key whose hash is not the id', () => ({ ...proof(), id: generateDeviceKeys().deviceId }), ctx, 'DEVICE_AUTH_DEVICE_ID_MISMATCH'],
    ['a stale signature (3 minutes)', () => proof({ signedAtMs: now - 180_000 }), ctx, 'DEVICE_AUTH_SIGNATURE_EXPIRED'],
    ['a signature from the future (3 minutes)', () => proof({ signedAtMs: now + 180_000 }), ctx, 'DEVICE_AUTH_SIGNATURE_EXPIRED'],
    ['a replayed nonce from another challenge', () => proof({ nonce: 'old' }), ctx, 'DEVICE_AUTH_NONCE_MISMATCH'],
    ['no nonce', () => ({ ...proof(), nonce: undefined }), ctx, 'DEVICE_AUTH_NONCE_REQUIRED'],
    ['a signature over other scopes', () => proof({ scopes: ['operator.admin'] }), ctx, 'DEVICE_AUTH_SIGNATURE_INVALID'],
    ['a signature over another token', () => proof({ token: 'other' }), ctx, 'DEVICE_AUTH_SIGNATURE_INVALID'],
    ['garbage signature bytes', () => ({ ...proof(), signature: 'AAAA' }), ctx, 'DEVICE_AUTH_SIGNATURE_INVALID'],
    ['a short public key', () => ({ ...proof(), publicKey: 'AAAA' }), ctx, 'DEVICE_AUTH_PUBLIC_KEY_INVALID'],
  ])('refuses %s', (_name, make, c, code) => {
    expect(verifyDeviceProof(make(), c)).toMatchObject({ ok: false, code });
  });
});
