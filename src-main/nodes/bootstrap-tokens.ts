import { createHash, randomBytes } from 'node:crypto';

/** A setup code's token is good for one connect within this window. */
export const BOOTSTRAP_TTL_MS = 10 * 60_000;

const hash = (t: string) => createHash('sha256').update(t).digest('hex');

/**
 * Single-use bootstrap tokens for setup codes (QR). Only hashes are kept; a
 * token is consumed by the first connect that presents it, expired or not.
 */
export class BootstrapTokens {
  private readonly tokens = new Map<string, { expiresAtMs: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(): { token: string; expiresAtMs: number } {
    this.prune();
    const token = randomBytes(24).toString('base64url');
    const expiresAtMs = this.now() + BOOTSTRAP_TTL_MS;
    this.tokens.set(hash(token), { expiresAtMs });
    return { token, expiresAtMs };
  }

  /** True once per token, within its lifetime. */
  consume(token: string): boolean {
    const key = hash(token);
    const entry = this.tokens.get(key);
    this.tokens.delete(key);
    return entry !== undefined && entry.expiresAtMs > this.now();
  }

  private prune(): void {
    const now = this.now();
    for (const [k, v] of this.tokens) if (v.expiresAtMs <= now) this.tokens.delete(k);
  }
}

/** The setup code a phone scans: base64 JSON with the gateway URL(s) and a bootstrap token. */
export interface SetupPayload {
  url: string;
  urls: string[];
  bootstrapToken: string;
  expiresAtMs: number;
}

export function encodeSetupCode(p: SetupPayload): string {
  return Buffer.from(JSON.stringify(p), 'utf8').toString('base64url');
}

export function decodeSetupCode(code: string): SetupPayload {
  const text = code.trim().replace(/^oc-pair:\/\//, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw new Error('not a setup code: expected the base64 text from `openclaw qr`');
  }
  const p = parsed as Partial<SetupPayload>;
  if (typeof p.url !== 'string' || typeof p.bootstrapToken !== 'string') throw new Error('setup code is missing url or bootstrapToken');
  return { url: p.url, urls: Array.isArray(p.urls) ? p.urls.filter((u): u is string => typeof u === 'string') : [p.url], bootstrapToken: p.bootstrapToken, expiresAtMs: Number(p.expiresAtMs ?? 0) };
}
