/** Failed-auth limits per remote address. */
export interface RateLimitSettings {
  maxAttempts: number;
  windowMs: number;
  lockoutMs: number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/**
 * Counts failed handshakes per remote address. The check runs before any
 * credential is looked at, so no combination of handshake fields skips it,
 * and a lockout outlives the socket it was earned on.
 */
export class AuthRateLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(private settings: () => RateLimitSettings) {}

  /** Milliseconds until `addr` may try again, or 0. */
  retryAfterMs(addr: string, now = Date.now()): number {
    const e = this.entries.get(addr);
    if (!e) return 0;
    return e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  /** Record a failure; returns the lockout length when this failure triggered one. */
  recordFailure(addr: string, now = Date.now()): number {
    const { maxAttempts, windowMs, lockoutMs } = this.settings();
    const e = this.entries.get(addr) ?? { failures: [], lockedUntil: 0 };
    e.failures = e.failures.filter((t) => now - t < windowMs);
    e.failures.push(now);
    if (e.failures.length >= maxAttempts) {
      e.lockedUntil = now + lockoutMs;
      e.failures = [];
    }
    this.entries.set(addr, e);
    this.prune(now);
    return e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  /** A success clears the failure count, not an active lockout. */
  recordSuccess(addr: string, now = Date.now()): void {
    const e = this.entries.get(addr);
    if (e && e.lockedUntil <= now) this.entries.delete(addr);
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
