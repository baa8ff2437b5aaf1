import type { Api } from 'grammy';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';
import { classifyPollError, describeTelegramError } from './errors.js';
import { updateIdOf } from './normalize.js';

/** Updates the adapter turns into messages; the rest are never fetched. */
export const ALLOWED_UPDATES = ['message', 'channel_post'] as const;

/** Failed cycles in a row (network, 5xx, queue refusing) before the supervisor is asked to restart us. */
export const MAX_CONSECUTIVE_FAILURES = 5;

export interface PollerDeps {
  api: Api;
  token: string;
  pollTimeoutSeconds: number;
  livenessMs: number;
  log: ChannelLogger;
  /** Normalise and hand one update to core; resolves once it is queued (or deliberately skipped). */
  onUpdate(update: unknown): Promise<void>;
  heartbeat(): void;
  fail(err: Error): void;
}

/** grammY types its signals with the `abort-controller` polyfill; the platform one works the same at run time. */
export type GrammySignal = Parameters<Api['getMe']>[0];
/** Passes a platform `AbortSignal` to grammY. */
export const grammySignal = (signal: AbortSignal): GrammySignal => signal as unknown as GrammySignal;

/** Resolves after `ms`, or rejects at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Lets the loop leave an emit that core is slow to finish; the update stays unconfirmed. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Long polling with at-least-once delivery. The offset (which confirms
 * updates to Telegram) moves past an update only after `onUpdate` resolved,
 * so a crash or a refusing queue gets the update redelivered; core dedupes
 * by message id. Every returned poll is a heartbeat; transient failures are
 * retried with a short capped backoff, and after several in a row the
 * supervisor is told, so it can restart the adapter.
 */
export class TelegramPoller {
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private offset: number | undefined;
  /** The offset Telegram has been told about, to confirm the rest on stop. */
  private confirmedOffset: number | undefined;
  private failures = 0;
  /** When the last poll came back, for `describe()`. */
  lastPollAt: number | undefined;

  constructor(private readonly deps: PollerDeps) {}

  start(): void {
    this.loop ??= this.run().catch((err: unknown) => {
      // Only a bug gets here; report it instead of dying silently.
      if (!this.abort.signal.aborted) this.deps.fail(err instanceof Error ? err : new Error(String(err)));
    });
  }

  /** Ends the loop; in-flight emits are left to finish on their own, unconfirmed. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('stopped'));
    await this.loop;
    await this.confirmProcessed();
  }

  /** A stalled server must not hold the loop forever: give up a little after the long-poll timeout. */
  private requestDeadlineMs(): number {
    return this.deps.pollTimeoutSeconds * 1000 + Math.max(2000, Math.round(this.deps.livenessMs / 3));
  }

  private async run(): Promise<void> {
    const { api, log } = this.deps;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let updates: unknown;
      try {
        const timeoutSignal = AbortSignal.timeout(this.requestDeadlineMs());
        updates = await api.getUpdates(
          { offset: this.offset, timeout: this.deps.pollTimeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] },
          grammySignal(AbortSignal.any([signal, timeoutSignal])),
        );
        this.confirmedOffset = this.offset;
      } catch (err) {
        if (signal.aborted) return;
        const verdict = classifyPollError(err, this.deps.token);
        if (verdict.kind === 'fatal') {
          log.error('telegram polling stopped', { error: verdict.error.message });
          this.abort.abort(verdict.error);
          this.deps.fail(verdict.error);
          return;
        }
        if (!(await this.backOff(`getUpdates failed: ${verdict.reason}`, verdict.retryAfterMs))) return;
        continue;
      }
      this.lastPollAt = Date.now();
      this.deps.heartbeat();
      if (!Array.isArray(updates)) {
        if (!(await this.backOff('getUpdates returned something other than a list'))) return;
        continue;
      }
      if (await this.process(updates)) this.failures = 0;
    }
  }

  /** Hands each update on, in order. False when one was refused (it will come again). */
  private async process(updates: unknown[]): Promise<boolean> {
    const signal = this.abort.signal;
    for (const update of updates) {
      const id = updateIdOf(update);
      if (id === undefined) {
        // Without an id it cannot be confirmed either; Telegram never sends one like that.
        this.deps.log.warn('telegram update without update_id skipped');
        continue;
      }
      if (this.offset !== undefined && id < this.offset) continue;
      try {
        await untilAborted(this.deps.onUpdate(update), signal);
      } catch (err) {
        if (signal.aborted) return false;
        await this.backOff(`could not queue update ${id}: ${describeTelegramError(err, this.deps.token)}`);
        return false;
      }
      this.offset = id + 1;
    }
    return true;
  }

  /**
   * Counts a failure and waits before the next try (250 ms doubling, capped
   * by the liveness bound). False when the loop must end: stopped, or failing
   * for too long, in which case the supervisor has been told.
   */
  private async backOff(reason: string, retryAfterMs?: number): Promise<boolean> {
    this.failures++;
    if (this.failures >= MAX_CONSECUTIVE_FAILURES) {
      const err = new Error(`Telegram polling failed ${this.failures} times in a row; last: ${reason}`);
      this.deps.log.error('telegram polling gave up', { error: err.message });
      this.abort.abort(err);
      this.deps.fail(err);
      return false;
    }
    const cap = Math.min(5000, Math.max(1000, Math.round(this.deps.livenessMs / 4)));
    const delay = retryAfterMs ?? Math.min(cap, 250 * 2 ** (this.failures - 1));
    this.deps.log.warn('telegram poll failed; retrying', { reason, attempt: this.failures, retryInMs: delay });
    try {
      await sleep(delay, this.abort.signal);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Telegram learns about processed updates only from the next `getUpdates`;
   * tell it now, so a restart does not redeliver what core already has.
   * Best effort: a failure here just means a deduped redelivery later.
   */
  private async confirmProcessed(): Promise<void> {
    if (this.offset === undefined || this.offset === this.confirmedOffset) return;
    try {
      await this.deps.api.getUpdates({ offset: this.offset, limit: 1, timeout: 0, allowed_updates: [...ALLOWED_UPDATES] }, grammySignal(AbortSignal.timeout(1000)));
      this.confirmedOffset = this.offset;
    } catch (err) {
      this.deps.log.debug('telegram offset not confirmed on stop', { error: describeTelegramError(err, this.deps.token) });
    }
  }
}
