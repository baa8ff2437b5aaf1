/**
 * Strings a device signs during `connect`. Pure so that the gateway, the CLI,
 * the renderer and tests build byte-identical payloads.
 */
export interface DeviceAuthPayloadInput {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  /** The credential presented in `auth` (token, device token or bootstrap token), or empty. */
  token: string;
  nonce: string;
  platform?: string;
  deviceFamily?: string;
}

/** Trim and ASCII-lowercase, as the v3 payload requires for platform fields. */
export function normalizeDeviceField(value: string | undefined): string {
  return (value ?? '').trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** v3 payload: `v3|deviceId|clientId|clientMode|role|scopesCsv|signedAtMs|token|nonce|platform|deviceFamily`. */
export function buildDeviceAuthPayloadV3(p: DeviceAuthPayloadInput): string {
  return [
    'v3',
    p.deviceId,
    p.clientId,
    p.clientMode,
    p.role,
    p.scopes.join(','),
    String(p.signedAtMs),
    p.token,
    p.nonce,
    normalizeDeviceField(p.platform),
    normalizeDeviceField(p.deviceFamily),
  ].join('|');
}

/** v2 payload: the v3 list without platform and deviceFamily. Still accepted. */
export function buildDeviceAuthPayloadV2(p: DeviceAuthPayloadInput): string {
  return ['v2', p.deviceId, p.clientId, p.clientMode, p.role, p.scopes.join(','), String(p.signedAtMs), p.token, p.nonce].join('|');
}

/** base64url without padding, for raw key and signature bytes. */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decode base64url (padding optional). Returns undefined on malformed input. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return undefined;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}
