/**
 * Twitch's chat message budget, as Twitch documents it: an account may send
 * 20 messages per 30 seconds, or 100 per 30 seconds in rooms where it is the
 * broadcaster or a moderator. Twitch counts per account, across rooms, and
 * does not say when its bucket refills, so this is a sliding window: a send
 * is allowed only if it could not exceed the limit whatever the refill time.
 *
 * When the server still refuses a message (`msg_ratelimit`, e.g. another
 * client uses the same account), the wait comes from our own window when it
 * is full, else doubles from one second per refusal in a row, up to the window.
 */

export const WINDOW_MS = 30_000;
export const USER_LIMIT = 20;
export const MODERATOR_LIMIT = 100;
const FIRST_REFUSAL_WAIT_MS = 1_000;

/** Whether a send may go now, and how long to wait when not. */
export type BudgetDecision = { ok: true } | { ok: false; retryAfterMs: number };

export class ChatRateBudget {
  /** Times of the sends in the current window, oldest first. */
  private sent: number[] = [];
  private refusalsInRow = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Take one message from the budget for a room where the bot is (`privileged`) or is not a moderator/broadcaster. */
  take(privileged: boolean): BudgetDecision {
    const now = this.now();
    this.forget(now);
    const limit = privileged ? MODERATOR_LIMIT : USER_LIMIT;
    if (this.sent.length >= limit) {
      // The window frees a slot once the send that made it full is 30 s old.
      const blocking = this.sent[this.sent.length - limit]!;
      return { ok: false, retryAfterMs: Math.max(1, blocking + WINDOW_MS - now) };
    }
    this.sent.push(now);
    return { ok: true };
  }

  /** The server took the message: the refusal streak ends. */
  accepted(): void {
    this.refusalsInRow = 0;
  }

  /** The server refused the message as too fast; how long to wait before trying again. */
  refused(privileged: boolean): number {
    const now = this.now();
    this.forget(now);
    // The refused message was not sent, but Twitch counted it against the account all the same.
    this.refusalsInRow++;
    const backoff = Math.min(WINDOW_MS, FIRST_REFUSAL_WAIT_MS * 2 ** (this.refusalsInRow - 1));
    const limit = privileged ? MODERATOR_LIMIT : USER_LIMIT;
    const full = this.sent.length >= limit ? this.sent[this.sent.length - limit]! + WINDOW_MS - now : 0;
    return Math.max(backoff, full);
  }

  /** Messages counted in the current window. */
  used(): number {
    this.forget(this.now());
    return this.sent.length;
  }

  private forget(now: number): void {
    let i = 0;
    while (i < this.sent.length && this.sent[i]! <= now - WINDOW_MS) i++;
    if (i) this.sent = this.sent.slice(i);
  }
}
