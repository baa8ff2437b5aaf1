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

/** Replies to one chat go out in order: they share a key. */
export function outboxTargetKey(r: OutboundReply): string {
  return [r.channel, r.accountId, r.to.kind, r.to.id, r.threadId ?? r.topicId ?? ''].join('\u0000');
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
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: OutboxOptions) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Something was added: look again soon (after the current transaction commits). */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Resolves when nothing is being sent and nothing is due now. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inflight.values()]);
  }

  counts(): { pending: number; failed: number } {
    return this.opts.store.outbox.counts();
  }

  private isIdle(): boolean {
    if (this.inflight.size || this.scheduled) return false;
    const now = Date.now();
    return !this.opts.store.outbox.heads(1000).some((h) => h.nextAttemptAtMs <= now);
  }

  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    let nextDue = Infinity;
    for (const item of this.opts.store.outbox.heads(1000)) {
      if (this.inflight.has(item.targetKey)) continue;
      if (item.nextAttemptAtMs > now) {
        nextDue = Math.min(nextDue, item.nextAttemptAtMs);
        continue;
      }
      const p = this.send(item).finally(() => {
        this.inflight.delete(item.targetKey);
        this.kick();
      });
      this.inflight.set(item.targetKey, p);
    }
    clearTimeout(this.timer);
    if (nextDue !== Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, nextDue - now));
      this.timer.unref?.();
    }
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async send(item: OutboxItem): Promise<void> {
    const { store, log } = this.opts;
    const reply = item.reply as OutboundReply;
    try {
      await this.opts.deliver(reply, { fromChunk: item.sentChunks });
      store.outbox.markSent(item.id, Date.now());
    } catch (err) {
      const now = Date.now();
      const sentChunks = item.sentChunks + (err instanceof DeliveryError ? err.sent.length : 0);
      const message = (err as Error).message;
      const tooOld = now - item.createdAtMs > (this.opts.maxAgeMs ?? 24 * 60 * 60_000);
      if ((err instanceof DeliveryError && err.permanent) || tooOld) {
        store.outbox.markFailed(item.id, { sentChunks, nowMs: now, error: message });
        log.error('reply could not be delivered; giving up', { channel: reply.channel, sessionKey: item.sessionKey, error: message });
        return;
      }
      const delay = Math.min(this.opts.maxDelayMs ?? 60_000, (this.opts.initialDelayMs ?? 1000) * 2 ** item.attempts);
      store.outbox.retryLater(item.id, { sentChunks, nextAttemptAtMs: now + delay, error: message });
      log.warn('reply delivery failed; will retry', { channel: reply.channel, sessionKey: item.sessionKey, attempt: item.attempts + 1, retryInMs: delay, error: message });
    }
  }
}
