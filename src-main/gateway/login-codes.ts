import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LOGIN_LINK_TTL_MS } from '../../src-shared/protocol/index.js';

/** Why a code was refused, in words a person reads on the page. */
export type LoginCodeRefusal = 'used' | 'expired' | 'unknown';

export const LOGIN_CODE_MESSAGES: Record<LoginCodeRefusal, string> = {
  used: 'This sign-in link was already used. Links work once: open the Control UI from the app (or run openclaw dashboard) again.',
  expired: 'This sign-in link has expired (links work for one minute). Open the Control UI from the app (or run openclaw dashboard) again.',
  unknown: 'This sign-in link is not valid here. Open the Control UI from the app (or run openclaw dashboard) again.',
};

interface Entry {
  digest: Buffer;
  scopes: readonly string[];
  expiresAtMs: number;
  usedAtMs?: number;
}

/** Outstanding codes at most; the oldest goes first. A used or expired code is remembered this long, to say so. */
const MAX_CODES = 64;
const REMEMBER_MS = 10 * 60_000;

const digestOf = (code: string) => createHash('sha256').update(code, 'utf8').digest();

/**
 * One-time login codes for the Control UI, in memory only: 256 random bits each, kept as SHA-256
 * digests, compared in constant time, good once and for {@link LOGIN_LINK_TTL_MS}. A gateway restart
 * forgets them all, which is what a one-minute link wants.
 */
export class LoginCodes {
  private entries: Entry[] = [];

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly ttlMs = LOGIN_LINK_TTL_MS,
  ) {}

  /** A fresh code granting `scopes` to the device that presents it first. */
  issue(scopes: readonly string[]): { code: string; expiresAtMs: number } {
    this.prune();
    const code = randomBytes(32).toString('base64url');
    const expiresAtMs = this.now() + this.ttlMs;
    this.entries.push({ digest: digestOf(code), scopes: [...scopes], expiresAtMs });
    if (this.entries.length > MAX_CODES) this.entries.shift();
    return { code, expiresAtMs };
  }

  /** The scopes of a valid code, which is used up by this call; otherwise why not. */
  consume(code: string): { ok: true; scopes: readonly string[] } | { ok: false; reason: LoginCodeRefusal } {
    const digest = digestOf(code);
    // Every entry is compared (no early exit), so the time taken says nothing about which one matched.
    let found: Entry | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, digest)) found = e;
    const now = this.now();
    if (!found) return { ok: false, reason: 'unknown' };
    if (found.usedAtMs !== undefined) return { ok: false, reason: 'used' };
    found.usedAtMs = now;
    if (found.expiresAtMs <= now) return { ok: false, reason: 'expired' };
    return { ok: true, scopes: found.scopes };
  }

  private prune(): void {
    const now = this.now();
    this.entries = this.entries.filter((e) => (e.usedAtMs ?? e.expiresAtMs) + REMEMBER_MS > now);
  }
}
