import { createLogger, type Logger } from '../logging/index.js';
import { addressBucket } from './origin.js';

/** Failed-auth limits per source. */
export interface RateLimitSettings {
  maxAttempts: number;
  windowMs: number;
  lockoutMs: number;
}

/**
 * Whose failures count together. A `deviceId` is given only for a device that
 * is already paired and proved its key on this very connect (an attacker
 * cannot forge that), so the owner's devices are not locked out by strangers'
 * failures at the same address. Everything else counts by network address.
 */
export type RateLimitSubject = { address: string; deviceId?: undefined } | { deviceId: string; address?: string };

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/**
 * Counts failed authentications per source and locks a source out after too
 * many. Sources are buckets, not raw addresses: all of loopback is one (any
 * local process can pick any 127.x address), IPv6 counts per /64, and
 * IPv4-mapped IPv6 is its IPv4 address; a paired device with a valid proof has
 * its own bucket. The check runs before any credential is looked at, so no
 * combination of handshake fields skips it, and a lockout outlives the socket
 * it was earned on.
 */
export class AuthRateLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private settings: () => RateLimitSettings,
    private readonly log: Logger = createLogger('gateway/auth'),
  ) {}

  /** Milliseconds until `subject` may try again, or 0. */
  retryAfterMs(subject: RateLimitSubject, now = Date.now()): number {
    const e = this.entries.get(bucketOf(subject));
    if (!e) return 0;
    return e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  /** Record a failure; returns the lockout length when this failure triggered one. */
  recordFailure(subject: RateLimitSubject, now = Date.now()): number {
    const { maxAttempts, windowMs, lockoutMs } = this.settings();
    const bucket = bucketOf(subject);
    const e = this.entries.get(bucket) ?? { failures: [], lockedUntil: 0 };
    e.failures = e.failures.filter((t) => now - t < windowMs);
    e.failures.push(now);
    if (e.failures.length >= maxAttempts) {
      e.lockedUntil = now + lockoutMs;
      e.failures = [];
      if (lockoutMs > 0) {
        this.log.warn('authentication locked out after repeated failures', { source: bucket, address: subject.address, attempts: maxAttempts, windowMs, lockoutMs });
      }
    }
    this.entries.set(bucket, e);
    this.prune(now);
    return e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  /**
   * A device's success clears its failure count (not an active lockout). An
   * address bucket is shared (loopback, a /64, a NAT), so one client's success
   * says nothing about another's failures: those age out with the window.
   */
  recordSuccess(subject: RateLimitSubject, now = Date.now()): void {
    if (subject.deviceId === undefined) return;
    const bucket = bucketOf(subject);
    const e = this.entries.get(bucket);
    if (e && e.lockedUntil <= now) this.entries.delete(bucket);
  }

  /** Keep the table bounded under a spray of addresses. */
  private prune(now: number): void {
    if (this.entries.size < 10_000) return;
    const { windowMs } = this.settings();
    for (const [k, e] of this.entries) {
      if (e.lockedUntil <= now && e.failures.every((t) => now - t >= windowMs)) this.entries.delete(k);
    }
  }
}

function bucketOf(subject: RateLimitSubject): string {
  return subject.deviceId !== undefined ? `device:${subject.deviceId}` : `addr:${addressBucket(subject.address)}`;
}
