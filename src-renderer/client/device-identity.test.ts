import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDeviceAuthPayloadV3, fromBase64Url } from '../../src-shared/protocol/index.js';
import { FakeSocket, HELLO } from './fake-socket.test-support.js';
import { createDeviceSigner, createMemoryKeyStore, deriveDeviceId, loadOrCreateDeviceIdentity, signConnect } from './device-identity.js';
import { connectWs } from './ws-client.js';

const input = {
  clientId: 'openclaw-control-ui',
  clientMode: 'ui',
  role: 'operator',
  scopes: ['operator.read', 'operator.write', 'operator.admin', 'operator.pairing'],
  token: 'gw-token',
  nonce: 'nonce-1',
  signedAtMs: 1_700_000_000_000,
  platform: 'Linux x86_64',
};

/** Verify with node:crypto, the way the gateway does (src-main/nodes/device-identity.ts). */
function gatewayVerifies(publicKey: string, payload: string, signature: string): boolean {
  const x = Buffer.from(fromBase64Url(publicKey)!).toString('base64url');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  return verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(fromBase64Url(signature)!));
}

describe('device identity', () => {
  it('derives the id as lowercase hex SHA-256 of the raw public key', async () => {
    const raw = new Uint8Array(32).map((_, i) => i);
    expect(await deriveDeviceId(raw)).toBe(createHash('sha256').update(raw).digest('hex'));
  });

  it('makes a non-extractable Ed25519 key and keeps it across loads', async () => {
    const store = createMemoryKeyStore();
    const a = await loadOrCreateDeviceIdentity(store);
    const b = await loadOrCreateDeviceIdentity(store);
    expect(a.deviceId).toMatch(/^[0-9a-f]{64}$/);
    expect(fromBase64Url(a.publicKey)).toHaveLength(32);
    expect(b.deviceId).toBe(a.deviceId);
    expect(a.keys.privateKey.extractable).toBe(false);
    expect(await deriveDeviceId(fromBase64Url(a.publicKey)!)).toBe(a.deviceId);
  });

  it('signs the v3 payload so the gateway verifies it, with signedAt and nonce from the challenge', async () => {
    const identity = await loadOrCreateDeviceIdentity(createMemoryKeyStore());
    const proof = await signConnect(identity, input);
    expect(proof).toMatchObject({ id: identity.deviceId, publicKey: identity.publicKey, signedAt: input.signedAtMs, nonce: 'nonce-1' });
    const payload = buildDeviceAuthPayloadV3({ deviceId: identity.deviceId, ...input });
    expect(payload).toBe(`v3|${identity.deviceId}|openclaw-control-ui|ui|operator|operator.read,operator.write,operator.admin,operator.pairing|1700000000000|gw-token|nonce-1|linux x86_64|`);
    expect(gatewayVerifies(proof.publicKey, payload, proof.signature)).toBe(true);
    expect(gatewayVerifies(proof.publicKey, payload.replace('gw-token', 'other'), proof.signature)).toBe(false);
  });

  it('connectWs sends the signed device with the token, or the device token alone', async () => {
    const identity = await loadOrCreateDeviceIdentity(createMemoryKeyStore());
    for (const cred of [{ token: 'gw-token' }, { deviceToken: 'dev-token' }] as Array<{ token: string } | { deviceToken: string }>) {
      let socket!: FakeSocket;
      const promise = connectWs({ url: 'ws://x/', ...cred, device: createDeviceSigner(identity), clientVersion: '1', platform: 'Linux x86_64', createSocket: (u) => (socket = new FakeSocket(u)) });
      socket.push({ type: 'event', event: 'connect.challenge', payload: { nonce: 'nonce-1', ts: input.signedAtMs } });
      await waitForSent(socket);
      const params = socket.lastSent().params as { auth: unknown; device: { signature: string; signedAt: number } };
      expect(params.auth).toEqual(cred);
      const payload = buildDeviceAuthPayloadV3({ deviceId: identity.deviceId, ...input, token: 'token' in cred ? cred.token : cred.deviceToken });
      expect(gatewayVerifies(identity.publicKey, payload, params.device.signature)).toBe(true);
      socket.push({ type: 'res', id: socket.lastSent().id, ok: true, payload: HELLO });
      await promise;
    }
  });
});

async function waitForSent(socket: FakeSocket): Promise<void> {
  for (let i = 0; i < 100 && socket.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
}
