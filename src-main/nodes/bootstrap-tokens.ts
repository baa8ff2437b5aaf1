import { createHash, randomBytes } from 'node:crypto';

/** The operator scopes a setup-code connect hands out beside its node token (read-only: a phone sees, it does not steer). */
export const BOOTSTRAP_OPERATOR_SCOPES: readonly string[] = ['operator.read'];

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

export { decodeSetupCode, encodeSetupCode, SetupCodeError, type SetupPayload } from '../../src-shared/protocol/index.js';
