import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  buildDeviceAuthPayloadV2,
  buildDeviceAuthPayloadV3,
  fromBase64Url,
  type DeviceAuthPayloadInput,
  type DeviceProof,
} from '../../src-shared/protocol/index.js';
import { deviceIdFromPublicKey } from './device-identity.js';

/** A device's Ed25519 identity as a client keeps it. */
export interface DeviceKeys {
  deviceId: string;
  /** Raw 32-byte public key, base64url. */
  publicKey: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

/** Make a fresh Ed25519 identity. */
export function generateDeviceKeys(): DeviceKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = fromBase64Url(jwk.x as string)!;
  return {
    deviceId: deviceIdFromPublicKey(raw),
    publicKey: jwk.x as string,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Sign the connect payload (v3 by default) and return the `device` field for `connect`. */
export function signDeviceProof(
  keys: DeviceKeys,
  input: Omit<DeviceAuthPayloadInput, 'deviceId'>,
  version: 'v3' | 'v2' = 'v3',
): DeviceProof {
  const full = { ...input, deviceId: keys.deviceId };
  const payload = version === 'v3' ? buildDeviceAuthPayloadV3(full) : buildDeviceAuthPayloadV2(full);
  const signature = sign(null, Buffer.from(payload, 'utf8'), createPrivateKey(keys.privateKeyPem)).toString('base64url');
  return { id: keys.deviceId, publicKey: keys.publicKey, signature, signedAt: input.signedAtMs, nonce: input.nonce };
}

/** Load a persisted identity, or create and persist one (file mode 0600). */
export function loadOrCreateDeviceKeys(file: string): DeviceKeys {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as DeviceKeys;
    if (parsed.deviceId && parsed.publicKey && parsed.privateKeyPem) return parsed;
  } catch {
    // missing or unreadable: make a new identity below
  }
  const keys = generateDeviceKeys();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify({ version: 1, ...keys }, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}
