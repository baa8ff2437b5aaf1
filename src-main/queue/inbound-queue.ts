import { isQueueClaimLost, type QueueItem, type Store, type StoreCoordination } from '../store/types.js';
import type { Logger } from '../logging/index.js';

/** Where gateways share the database: how often work is looked for besides the notes (a peer that died leaves no note). */
export const CLAIM_INTERVAL_MS = 1000;

/** A turn the shared database failed under runs again after this pause. */
const STORE_RETRY_MS = 1000;

/** The database could not serve (recognised by name: a storage plugin bundles its own copy of the class). */
const isStoreUnavailable = (err: unknown): boolean => {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'StoreUnavailableError') return true;
  }
  return false;
};

/** How long finished items stay for dedupe (platform redelivery, repeated idempotency keys). */
export const FINISHED_RETENTION_MS = 24 * 60 * 60_000;

/** How a message that arrives while its session is busy is handled. */
export type QueueMode = 'followup' | 'collect' | 'steer' | 'interrupt';

/** One session's turn in progress, as the processor sees it. */
export interface ActiveRun<P extends QueuePayload = QueuePayload> {
  readonly runId: string;
  readonly sessionKey: string;
  readonly signal: AbortSignal;
  /** Messages sent with `steer` while this run is going; taking them removes them from the queue. */
  takeSteer(): QueueItem<P>[];
}

/** What the queue itself reads from a payload; the rest is the processor's. */
export interface QueuePayload {
  queueMode?: QueueMode;
}

/**
 * Processes a batch (one item, or several for `collect` and taken steer
 * messages) and records the outcome durably itself, in the same transaction as
 * the transcript, so that a crash can neither lose nor double a reply.
 */
export type QueueProcessor<P extends QueuePayload = QueuePayload> = (batch: QueueItem<P>[], run: ActiveRun<P>) => Promise<void>;

export interface IngestRequest<P extends QueuePayload = QueuePayload> {
  dedupeKey: string;
  sessionKey: string;
  agentId: string;
  runId: string;
  /** Stored as JSON; only `queueMode` matters to the queue itself. */
  payload: P;
}

export interface IngestResult {
  id: number;
  runId: string;
  duplicate: boolean;
  /** The session was busy, so the message waits (or steers). */
  queued: boolean;
}

interface Running<P extends QueuePayload> {
  run: ActiveRun<P>;
  controller: AbortController;
  batch: QueueItem<P>[];
  done: Promise<void>;
}

/**
 * The durable inbound queue: a message is written to the store before the
 * caller is answered, processed one at a time per session and in parallel
 * across sessions, and picked up again after a crash or restart.
 *
 * Where several gateways share the database (`store.coordination`), a message
 * is processed by the gateway that owns its session: each gateway claims the
 * sessions nobody works on (including those of a gateway that died) when it is
 * told that messages arrived and every second, and lets a session go when it has
 * nothing left to do. A turn whose messages were taken over records nothing.
 */
/** The queue's lanes right now (see `InboundQueue.lanes`). */
export interface QueueLanes {
  maxConcurrent: number;
  running: number;
  waitingForSlot: number;
  /** Stopping: no new turns start. */
  draining: boolean;
  /** Per-session lanes: sessions with work, turns running, messages waiting, and sessions with messages waiting. */
  sessions: { lanes: number; running: number; queued: number; queuedLanes: number };
}

export class InboundQueue<P extends QueuePayload = QueuePayload> {
  private readonly pending = new Map<string, QueueItem<P>[]>();
  private readonly active = new Map<string, Running<P>>();
  private readonly ready: string[] = [];
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  private pruneTimer?: NodeJS.Timeout;
  private claimTimer?: NodeJS.Timeout;
  private unlisten?: () => void;
  private pulling?: Promise<void>;
  private pullAgain = false;
  private readonly toRelease = new Set<string>();
  private claimFailureLogged = false;
  private readonly coord?: StoreCoordination;

  constructor(
    private readonly store: Store,
    private readonly processor: QueueProcessor<P>,
    private readonly log: Logger,
    private readonly concurrency = 32,
  ) {
    this.coord = store.coordination;
  }

  /** Resume after a restart: items that were running when the process died run again. */
  async start(): Promise<{ resumed: number }> {
    const resumed = this.coord ? await this.startShared(this.coord) : await this.resumeAlone();
    // Finished items are kept a day (platforms redeliver within hours), then forgotten.
    const prune = async () => {
      try {
        const removed = await this.store.queue.prune(Date.now() - FINISHED_RETENTION_MS);
        if (removed) this.log.debug('pruned finished queue items', { removed });
      } catch (err) {
        this.log.warn('pruning the queue failed', { err });
      }
    };
    await prune();
    this.pruneTimer = setInterval(() => void prune(), 10 * 60_000);
    this.pruneTimer.unref();
    this.pump();
    return { resumed };
  }

  /** This gateway alone on its database: everything open is its own. */
  private async resumeAlone(): Promise<number> {
    const requeued = await this.store.queue.requeueRunning();
    let resumed = 0;
    for (;;) {
      const batch = (await this.store.queue.open<P>(1000)).filter((i) => !this.isKnown(i));
      if (!batch.length) break;
      for (const item of batch) this.addPending(item);
      resumed += batch.length;
      if (batch.length < 1000) break;
    }
    if (resumed) this.log.info('resuming queued messages', { resumed, wereRunning: requeued });
    return resumed;
  }

  /** Sharing the database: work is what this gateway claims, now, when told, and every second. */
  private async startShared(coord: StoreCoordination): Promise<number> {
    this.unlisten = coord.onNotice((topic) => {
      if (topic === 'queue' || topic === 'live') void this.pull();
    });
    this.claimTimer = setInterval(() => void this.pull(), CLAIM_INTERVAL_MS);
    this.claimTimer.unref();
    const before = this.pendingCount();
    await this.pull();
    const resumed = this.pendingCount() - before;
    if (resumed) this.log.info('took up queued messages', { resumed });
    return resumed;
  }

  /** Claims what this gateway may work on (one claim at a time; asked again while running, it runs once more). */
  private pull(): Promise<void> {
    const coord = this.coord;
    if (!coord || this.stopped) return Promise.resolve();
    if (this.pulling) {
      this.pullAgain = true;
      return this.pulling;
    }
    this.pulling = (async () => {
      do {
        this.pullAgain = false;
        try {
          // Sessions go back in the claim's own transaction: a claim never skips a row a release of this gateway holds.
          const releasing = [...this.toRelease].filter((k) => !this.active.has(k) && !this.pending.has(k));
          this.toRelease.clear();
          const items = await coord.claim<P>(200, releasing);
          for (const item of items) if (!this.isKnown(item)) this.accept(item);
          if (items.length >= 200) this.pullAgain = true;
          this.claimFailureLogged = false;
        } catch (err) {
          if (!this.claimFailureLogged) this.log.warn('could not look for queued messages in the shared database; trying again', { err });
          this.claimFailureLogged = true;
        }
      } while (this.pullAgain && !this.stopped);
    })().finally(() => {
      this.pulling = undefined;
      this.pump();
    });
    return this.pulling;
  }

  /** Schedules an item this gateway is to process; `interrupt` aborts the session's running turn. */
  private accept(item: QueueItem<P>): void {
    const running = this.active.get(item.sessionKey);
    if (running && item.payload.queueMode === 'interrupt') {
      this.addPending(item, true);
      running.controller.abort(new Error('interrupted by a newer message'));
    } else this.addPending(item);
  }

  /** Write the message durably, then schedule it. Duplicates (same dedupe key) are not run twice. */
  async ingest(req: IngestRequest<P>, nowMs = Date.now()): Promise<IngestResult> {
    const r = await this.store.queue.enqueue({ ...req, enqueuedAtMs: nowMs });
    if (r.duplicate) return { id: r.id, runId: r.existing!.runId, duplicate: true, queued: false };
    const busy = this.active.has(req.sessionKey);
    if (this.coord) {
      // Whoever owns the session takes it (this gateway, if nobody does).
      await this.pull();
      return { id: r.id, runId: req.runId, duplicate: false, queued: busy };
    }
    // Exactly the row just written: no need to read it back.
    this.accept({ ...req, id: r.id, status: 'pending', attempts: 0, enqueuedAtMs: nowMs });
    this.pump();
    return { id: r.id, runId: req.runId, duplicate: false, queued: busy };
  }

  /** Abort the running turn of a session (optionally only if it is `runId`). */
  abort(sessionKey: string, runId?: string): number {
    const a = this.active.get(sessionKey);
    if (!a || (runId && a.run.runId !== runId && !a.batch.some((i) => i.runId === runId))) return 0;
    a.controller.abort(new Error('aborted by request'));
    return 1;
  }

  isRunning(sessionKey: string): boolean {
    return this.active.has(sessionKey);
  }

  /** Whether the session has a turn running or messages waiting on this gateway. */
  isBusy(sessionKey: string): boolean {
    return this.active.has(sessionKey) || (this.pending.get(sessionKey)?.length ?? 0) > 0;
  }

  /** Session keys with a turn running right now. */
  runningSessions(): string[] {
    return [...this.active.keys()];
  }

  /** Pending (not yet started) items across sessions. */
  pendingCount(): number {
    let n = 0;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }

  /**
   * Work in hand as lanes: turns run one at a time per session, and at most `maxConcurrent` sessions at once.
   * `waitingForSlot`: sessions with work ready that wait for one of those slots.
   */
  lanes(): QueueLanes {
    let queued = 0;
    for (const list of this.pending.values()) queued += list.length;
    const sessions = new Set([...this.active.keys(), ...this.pending.keys()]);
    return {
      maxConcurrent: this.concurrency,
      running: this.active.size,
      waitingForSlot: this.ready.filter((k) => !this.active.has(k)).length,
      draining: this.stopped,
      sessions: { lanes: sessions.size, running: this.active.size, queued, queuedLanes: this.pending.size },
    };
  }

  /** Resolves when nothing is pending or running. */
  idle(): Promise<void> {
    if (!this.active.size && !this.pendingCount() && !this.pulling) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop taking work; abort running turns and wait (bounded) for them to record their outcome. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    clearInterval(this.pruneTimer);
    clearInterval(this.claimTimer);
    this.unlisten?.();
    for (const a of this.active.values()) a.controller.abort(new Error('gateway stopping'));
    await Promise.race([Promise.allSettled([...this.active.values()].map((a) => a.done)), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private isKnown(item: QueueItem<P>): boolean {
    return (this.pending.get(item.sessionKey) ?? []).some((i) => i.id === item.id) || (this.active.get(item.sessionKey)?.batch.some((i) => i.id === item.id) ?? false);
  }

  private addPending(item: QueueItem<P>, front = false): void {
    const list = this.pending.get(item.sessionKey) ?? [];
    if (front) list.unshift(item);
    else list.push(item);
    this.pending.set(item.sessionKey, list);
    if (!this.active.has(item.sessionKey) && !this.ready.includes(item.sessionKey)) this.ready.push(item.sessionKey);
  }

  private takeBatch(sessionKey: string): QueueItem<P>[] {
    const list = this.pending.get(sessionKey) ?? [];
    const first = list.shift();
    if (!first) return [];
    const batch = [first];
    // `collect`: everything waiting in collect mode goes into one turn.
    if (first.payload.queueMode === 'collect') {
      while (list.length && list[0]!.payload.queueMode === 'collect') batch.push(list.shift()!);
    }
    if (!list.length) this.pending.delete(sessionKey);
    return batch;
  }

  private pump(): void {
    while (!this.stopped && this.active.size < this.concurrency && this.ready.length) {
      const sessionKey = this.ready.shift()!;
      if (this.active.has(sessionKey)) continue;
      const batch = this.takeBatch(sessionKey);
      if (!batch.length) continue;
      this.run(sessionKey, batch);
    }
    if (!this.active.size && !this.pendingCount() && !this.pulling) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private run(sessionKey: string, batch: QueueItem<P>[]): void {
    const controller = new AbortController();
    const run: ActiveRun<P> = {
      runId: batch[0]!.runId,
      sessionKey,
      signal: controller.signal,
      takeSteer: () => {
        const list = this.pending.get(sessionKey) ?? [];
        const steer = list.filter((i) => i.payload.queueMode === 'steer');
        if (steer.length) {
          const rest = list.filter((i) => !steer.includes(i));
          if (rest.length) this.pending.set(sessionKey, rest);
          else this.pending.delete(sessionKey);
          entry.batch.push(...steer);
        }
        return steer;
      },
    };
    const entry: Running<P> = { run, controller, batch, done: Promise.resolve() };
    this.active.set(sessionKey, entry);
    entry.done = (async () => {
      try {
        await this.processor(batch, run);
      } catch (err) {
        if (this.coord && isStoreUnavailable(err)) {
          // The shared database went away mid-turn (a restart, a network cut): nothing was recorded, so the
          // turn runs again once it is back, here or (if this gateway is taken for dead meanwhile) elsewhere.
          this.log.warn('the database was unavailable during a turn; it runs again when the database is back', { sessionKey, runId: run.runId, err });
          this.retryLater(entry.batch);
          return;
        }
        if (isQueueClaimLost(err)) {
          // Another gateway took this conversation over (this one was seen dead): it answers; nothing of ours was recorded.
          this.log.warn('another gateway took over this conversation; leaving it to that gateway', { sessionKey, runId: run.runId });
          this.pending.delete(sessionKey);
          return;
        }
        this.log.error('processing a queued message failed', { sessionKey, runId: run.runId, err });
        const now = Date.now();
        const message = err instanceof Error ? err.message : String(err);
        await Promise.all(entry.batch.map((item) => this.store.queue.finish(item.id, 'failed', now, message))).catch((finishErr: unknown) =>
          this.log.error('could not record the failure; the message runs again after a restart', { sessionKey, runId: run.runId, err: finishErr }),
        );
      } finally {
        this.active.delete(sessionKey);
        if (this.pending.has(sessionKey)) this.ready.push(sessionKey);
        else if (this.coord) this.letGo(sessionKey);
        this.pump();
      }
    })();
  }

  /** Puts a batch back after a pause (the items stay claimed by this gateway in the database meanwhile). */
  private retryLater(batch: QueueItem<P>[]): void {
    const timer = setTimeout(() => {
      if (this.stopped) return;
      for (const item of batch) if (!this.isKnown(item)) this.accept(item);
      this.pump();
    }, STORE_RETRY_MS);
    timer.unref();
  }

  /** Nothing left here for the session: let another gateway have it (unless messages arrived meanwhile: claimed right after). */
  private letGo(sessionKey: string): void {
    this.toRelease.add(sessionKey);
    void this.pull();
  }
}
