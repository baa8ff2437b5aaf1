/**
 * The bot-facing half of the fake Telegram: pending updates with the Bot
 * API's confirmation rules. An update stays pending until a `getUpdates`
 * call carries an offset above its id (long polling) or the webhook answered
 * 2xx; a faulted or restarted adapter therefore gets it again.
 */

/** One pending update. */
export interface PendingUpdate {
  update_id: number;
  update: Record<string, unknown>;
}

/** A registered webhook, as `setWebhook` left it. */
export interface FakeWebhook {
  url: string;
  secret?: string;
  allowedUpdates?: string[];
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Wakes everything waiting on a change (new update, webhook change, fault change). */
export class Notifier {
  private waiters = new Set<() => void>();

  notify(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  /** Resolves at the next `notify`, or after `ms` (false then). */
  wait(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (changed: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        resolve(changed);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      this.waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Pending updates, confirmation by offset, and webhook delivery. */
export class UpdateFeed {
  private readonly pending: PendingUpdate[] = [];
  webhook: FakeWebhook | undefined;
  private delivery?: AbortController;
  /** The POST in flight, so a `drop` can cut it. */
  private inFlight?: AbortController;

  constructor(
    private readonly changes: Notifier,
    /** Waits while the platform is stalled; false when the fake is closing. */
    private readonly unstalled: () => Promise<boolean>,
    private readonly closing: AbortSignal,
  ) {}

  add(update: PendingUpdate): void {
    this.pending.push(update);
    this.changes.notify();
  }

  /** Forgets updates below `offset`, as Telegram does once a poll confirms them. */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset <= 0) return;
    while (this.pending.length > 0 && this.pending[0].update_id < offset) this.pending.shift();
  }

  /** The next `limit` pending updates from `offset` on, left pending until confirmed. */
  peek(offset: number | undefined, limit: number): PendingUpdate[] {
    return this.pending.filter((u) => offset === undefined || offset <= 0 || u.update_id >= offset).slice(0, limit);
  }

  ids(): number[] {
    return this.pending.map((u) => u.update_id);
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** Replaces the webhook (or removes it with `undefined`) and (re)starts delivery. */
  setWebhook(hook: FakeWebhook | undefined): void {
    this.delivery?.abort();
    this.delivery = undefined;
    this.webhook = hook;
    if (hook) {
      const ctl = new AbortController();
      this.delivery = ctl;
      void this.deliver(hook, ctl.signal);
    }
    this.changes.notify();
  }

  /** Aborts the delivery in flight (a dropped connection); it is retried. */
  dropDelivery(): void {
    this.inFlight?.abort();
  }

  /**
   * Posts pending updates one at a time, oldest first, with the secret
   * header. Anything but 2xx keeps the update pending and records the error
   * for `getWebhookInfo`, then retries after a short, growing pause.
   */
  private async deliver(hook: FakeWebhook, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted && !this.closing.aborted) {
      if (!(await this.unstalled())) return;
      const next = this.pending[0];
      if (!next) {
        await this.changes.wait(1000, signal);
        continue;
      }
      const attempt = new AbortController();
      this.inFlight = attempt;
      let error: string | undefined;
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}) },
          body: JSON.stringify(next.update),
          signal: AbortSignal.any([signal, this.closing, attempt.signal, AbortSignal.timeout(10_000)]),
        });
        await res.arrayBuffer();
        if (!res.ok) error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
      } catch (err) {
        if (signal.aborted || this.closing.aborted) return;
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        error = cause === 'ECONNREFUSED' ? 'Connection refused' : `Connection failed: ${cause ?? (err as Error).message}`;
      } finally {
        this.inFlight = undefined;
      }
      if (error === undefined) {
        failures = 0;
        if (this.pending[0] === next) this.pending.shift();
        this.changes.notify();
        continue;
      }
      failures++;
      hook.lastErrorDate = Math.floor(Date.now() / 1000);
      hook.lastErrorMessage = error;
      this.changes.notify();
      // Telegram retries later with growing pauses; the fake keeps them short.
      await sleep(Math.min(1000, 50 * 2 ** failures), signal);
    }
  }
}
