import type { OutboundReply } from '../../src-shared/domain/inbound.js';
import type { Logger } from '../logging/index.js';
import type { OutboxItem, Store } from '../store/types.js';
import { DeliveryError, type Deliver } from './deliver.js';

export interface OutboxOptions {
  store: Store;
  deliver: Deliver;
  log: Logger;
  /** Wait before the first retry of a failed reply; doubles per attempt up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A reply still undelivered after this long is given up on. */
  maxAgeMs?: number;
}

/** Replies to one chat go out in order: they share a key (joined by the unit separator: PostgreSQL text cannot hold NUL). */
export function outboxTargetKey(r: OutboundReply): string {
  return [r.channel, r.accountId, r.to.kind, r.to.id, r.threadId ?? r.topicId ?? ''].join('\u001f');
}

/**
 * Sends the replies the pipeline wrote to the outbox. Each chat's replies go
 * in order; chats proceed in parallel. A reply that cannot go out now (the
 * platform is down, the channel is restarting) is retried with backoff, and
 * resumes after the chunks that already went out. It survives restarts,
 * because it lives in the store until it is sent.
 */
export class OutboxWorker {
  private readonly inflight = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private scheduled = false;
  private stopped = true;
  private pumping = false;
  private pumpAgain = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: OutboxOptions) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Something was added (call it after the transaction that added it commits): look again soon. */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  /** Resolves when nothing is being sent and nothing is due now. */
  async idle(): Promise<void> {
    if (!this.inflight.size && !this.scheduled && !this.pumping && !(await this.anyDue())) return;
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inflight.values()]);
  }

  counts(): Promise<{ pending: number; failed: number }> {
    return this.opts.store.outbox.counts();
  }

  private async anyDue(): Promise<boolean> {
    const now = Date.now();
    return (await this.opts.store.outbox.heads(1000)).some((h) => h.nextAttemptAtMs <= now);
  }

  // One pass at a time: two passes reading the same heads would send an item twice.
  private async pump(): Promise<void> {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      const heads = await this.opts.store.outbox.heads(1000);
      const now = Date.now();
      let nextDue = Infinity;
      for (const item of heads) {
        if (this.inflight.has(item.targetKey)) continue;
        if (item.nextAttemptAtMs > now) {
          nextDue = Math.min(nextDue, item.nextAttemptAtMs);
          continue;
        }
        // A store failure while recording the outcome leaves the item pending: it goes out again later.
        const p = this.send(item)
          .catch((err: unknown) => this.opts.log.warn('could not record a reply delivery', { sessionKey: item.sessionKey, err }))
          .finally(() => {
            this.inflight.delete(item.targetKey);
            this.kick();
          });
        this.inflight.set(item.targetKey, p);
      }
      clearTimeout(this.timer);
      if (nextDue !== Infinity) {
        this.timer = setTimeout(() => void this.pump(), Math.max(0, nextDue - now));
        this.timer.unref?.();
      }
    } catch (err) {
      // The store is unavailable: the next kick (a new reply, a send finishing) or the timer tries again.
      this.opts.log.warn('could not read the outbox', { err });
    } finally {
      this.pumping = false;
    }
    if (this.pumpAgain) {
      this.pumpAgain = false;
      return this.pump();
    }
    // Everything due was just handed out, so nothing in flight means nothing is due.
    if (!this.inflight.size && !this.scheduled) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async send(item: OutboxItem): Promise<void> {
    const { store, log } = this.opts;
    const reply = item.reply as OutboundReply;
    try {
      await this.opts.deliver(reply, { fromChunk: item.sentChunks });
      await store.outbox.markSent(item.id, Date.now());
    } catch (err) {
      const now = Date.now();
      const sentChunks = item.sentChunks + (err instanceof DeliveryError ? err.sent.length : 0);
      const message = (err as Error).message;
      const tooOld = now - item.createdAtMs > (this.opts.maxAgeMs ?? 24 * 60 * 60_000);
      if ((err instanceof DeliveryError && err.permanent) || tooOld) {
        await store.outbox.markFailed(item.id, { sentChunks, nowMs: now, error: message });
        log.error('reply could not be delivered; giving up', { channel: reply.channel, sessionKey: item.sessionKey, error: message });
        return;
      }
      const delay = Math.min(this.opts.maxDelayMs ?? 60_000, (this.opts.initialDelayMs ?? 1000) * 2 ** item.attempts);
      await store.outbox.retryLater(item.id, { sentChunks, nextAttemptAtMs: now + delay, error: message });
      log.warn('reply delivery failed; will retry', { channel: reply.channel, sessionKey: item.sessionKey, attempt: item.attempts + 1, retryInMs: delay, error: message });
    }
  }
}
