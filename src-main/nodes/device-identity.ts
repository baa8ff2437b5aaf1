import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  ConnectErrorDetailCodes,
  DEVICE_SIGNATURE_SKEW_MS,
  buildDeviceAuthPayloadV2,
  buildDeviceAuthPayloadV3,
  fromBase64Url,
  type ConnectErrorDetailCode,
  type DeviceProof,
} from '../../src-shared/protocol/index.js';

/** What the signed payload must bind, taken from the connect params and the challenge. */
export interface DeviceProofContext {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  token: string;
  platform?: string;
  deviceFamily?: string;
  challengeNonce: string;
  nowMs: number;
}

export type DeviceProofResult =
  | { ok: true; deviceId: string; publicKey: string; version: 'v3' | 'v2' }
  | { ok: false; code: ConnectErrorDetailCode; message: string };

/** Device id = lowercase hex SHA-256 of the raw 32-byte public key. */
export function deviceIdFromPublicKey(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** Build a Node key object from a raw Ed25519 public key. */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

const fail = (code: ConnectErrorDetailCode, message: string): DeviceProofResult => ({ ok: false, code, message });

/**
 * Verify an Ed25519 device proof: id matches the key, the nonce matches the
 * challenge, the signing time is within ±120 s, and the signature covers the
 * v3 payload (or the older v2 payload).
 */
export function verifyDeviceProof(device: DeviceProof, ctx: DeviceProofContext): DeviceProofResult {
  const raw = fromBase64Url(device.publicKey);
  if (!raw || raw.length !== 32) return fail(ConnectErrorDetailCodes.DEVICE_AUTH_PUBLIC_KEY_INVALID, 'device public key must be 32 raw bytes in base64url');
  if (deviceIdFromPublicKey(raw) !== device.id.toLowerCase()) {
    return fail(ConnectErrorDetailCodes.DEVICE_AUTH_DEVICE_ID_MISMATCH, 'device id does not match its public key');
  }
  if (!device.nonce) return fail(ConnectErrorDetailCodes.DEVICE_AUTH_NONCE_REQUIRED, 'device nonce required (sign the connect.challenge nonce)');
  if (device.nonce !== ctx.challengeNonce) return fail(ConnectErrorDetailCodes.DEVICE_AUTH_NONCE_MISMATCH, 'device nonce does not match the challenge');
  if (Math.abs(ctx.nowMs - device.signedAt) > DEVICE_SIGNATURE_SKEW_MS) {
    return fail(ConnectErrorDetailCodes.DEVICE_AUTH_SIGNATURE_EXPIRED, 'device signature expired (signedAt is more than 120 s from server time)');
  }
  const sig = fromBase64Url(device.signature);
  if (!sig || sig.length !== 64) return fail(ConnectErrorDetailCodes.DEVICE_AUTH_SIGNATURE_INVALID, 'device signature is not a 64-byte Ed25519 signature');
  let key: KeyObject;
  try {
    key = ed25519PublicKeyFromRaw(raw);
  } catch {
    return fail(ConnectErrorDetailCodes.DEVICE_AUTH_PUBLIC_KEY_INVALID, 'device public key is not a valid Ed25519 key');
  }
  const input = {
    deviceId: device.id.toLowerCase(),
    clientId: ctx.clientId,
    clientMode: ctx.clientMode,
    role: ctx.role,
    scopes: ctx.scopes,
    signedAtMs: device.signedAt,
    token: ctx.token,
    nonce: device.nonce,
    platform: ctx.platform,
    deviceFamily: ctx.deviceFamily,
  };
  if (verify(null, Buffer.from(buildDeviceAuthPayloadV3(input), 'utf8'), key, sig)) {
    return { ok: true, deviceId: input.deviceId, publicKey: device.publicKey, version: 'v3' };
  }
  if (verify(null, Buffer.from(buildDeviceAuthPayloadV2(input), 'utf8'), key, sig)) {
    return { ok: true, deviceId: input.deviceId, publicKey: device.publicKey, version: 'v2' };
  }
  return fail(ConnectErrorDetailCodes.DEVICE_AUTH_SIGNATURE_INVALID, 'device signature does not verify');
}
