import { fromBase64Url, toBase64Url } from './device-auth.js';
import { formatFingerprint } from './tls-fingerprint.js';

/**
 * The setup code a phone scans (`openclaw qr`, `device.pair.setupCode`): base64url JSON with the
 * gateway URL(s), a single-use bootstrap token and, when known, the gateway's node page.
 */
export interface SetupPayload {
  url: string;
  urls: string[];
  bootstrapToken: string;
  expiresAtMs: number;
  /** The gateway's browser node page for phones, when the gateway can tell where a phone reaches it. */
  pageUrl?: string;
  /** SHA-256 fingerprint of the self-signed certificate `url` serves (`wss://`), for the device to pin. */
  tlsFingerprint?: string;
}

/** A malformed setup code. */
export class SetupCodeError extends Error {
  override readonly name = 'SetupCodeError';
}

export function encodeSetupCode(p: SetupPayload): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(p)));
}

/**
 * Decode a setup code. Accepts the bare code, `oc-pair://<code>`, and the node page link from the QR
 * (`https://host/node/#setup=<code>`); base64 or base64url, padded or not.
 */
export function decodeSetupCode(code: string): SetupPayload {
  const text = code.trim().replace(/^.*#setup=/, '').replace(/^oc-pair:\/\//, '').replace(/\+/g, '-').replace(/\//g, '_');
  const bytes = fromBase64Url(text);
  let parsed: unknown;
  try {
    if (!bytes) throw new Error('not base64');
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new SetupCodeError('not a setup code: expected the base64 text from `openclaw qr`');
  }
  const p = (parsed ?? {}) as Partial<SetupPayload>;
  if (typeof p.url !== 'string' || typeof p.bootstrapToken !== 'string') throw new SetupCodeError('setup code is missing url or bootstrapToken');
  return {
    url: p.url,
    urls: Array.isArray(p.urls) ? p.urls.filter((u): u is string => typeof u === 'string') : [p.url],
    bootstrapToken: p.bootstrapToken,
    expiresAtMs: Number(p.expiresAtMs ?? 0),
    ...(typeof p.pageUrl === 'string' ? { pageUrl: p.pageUrl } : {}),
    ...(p.tlsFingerprint !== undefined ? { tlsFingerprint: setupFingerprint(p.tlsFingerprint) } : {}),
  };
}

function setupFingerprint(value: unknown): string {
  try {
    return formatFingerprint(String(value));
  } catch {
    throw new SetupCodeError('setup code has a malformed tlsFingerprint');
  }
}
