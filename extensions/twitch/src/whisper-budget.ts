/**
 * Twitch's whisper limits, as its API reference states them: at most 3
 * whispers a second and 100 a minute, to at most 40 different people a day.
 * Kept here so a reply waits (a rate-limit error with the time to wait)
 * instead of being refused by Twitch; the API's own 429 still counts too.
 */
import type { BudgetDecision } from './rate-budget.js';

const LIMITS = [
  { windowMs: 1_000, max: 3 },
  { windowMs: 60_000, max: 100 },
];
export const RECIPIENTS_PER_DAY = 40;
const DAY_MS = 24 * 60 * 60_000;

export class WhisperBudget {
  private sent: number[] = [];
  /** Recipient → when the bot first whispered them in the current day window. */
  private readonly recipients = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Take one whisper to `to` from the budget. */
  take(to: string): BudgetDecision {
    const now = this.now();
    this.sent = this.sent.filter((t) => t > now - 60_000);
    for (const [who, at] of this.recipients) if (at <= now - DAY_MS) this.recipients.delete(who);
    let waitMs = 0;
    for (const { windowMs, max } of LIMITS) {
      const recent = this.sent.filter((t) => t > now - windowMs);
      if (recent.length >= max) waitMs = Math.max(waitMs, recent[recent.length - max]! + windowMs - now);
    }
    if (!this.recipients.has(to) && this.recipients.size >= RECIPIENTS_PER_DAY) {
      waitMs = Math.max(waitMs, Math.min(...this.recipients.values()) + DAY_MS - now);
    }
    if (waitMs > 0) return { ok: false, retryAfterMs: waitMs };
    this.sent.push(now);
    if (!this.recipients.has(to)) this.recipients.set(to, now);
    return { ok: true };
  }
}
