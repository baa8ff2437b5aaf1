import { randomUUID } from 'node:crypto';
import type { RunOutcome } from '../agents/run-tracker.js';
import type { Logger } from '../logging/index.js';
import type { IngestRequest, IngestResult } from '../queue/inbound-queue.js';
import type { QueuedInbound, ReplyTarget } from '../routing/inbound-pipeline.js';
import { textOf } from '../sessions/transcript-messages.js';
import type { CronDeliveryRecord, CronJobRecord, CronRunRecord, Store } from '../store/types.js';
import { nextOccurrence } from './schedule.js';
import { createDueLoop } from './due-loop.js';

/** The longest the timer sleeps: jobs added through another gateway sharing the database are seen within it. */
export const MAX_SLEEP_MS = 30_000;
/** How often a run whose turn another gateway (or an earlier process) works on is looked up in the store. */
const SETTLE_POLL_MS = 5_000;
/** An occurrence recorded but never queued (a crash in between) is queued again if it is this recent. */
const REQUEUE_WINDOW_MS = 60 * 60_000;
const SUMMARY_CHARS = 500;

/** The delivery channel that means "the chat the agent was last written to from". */
export const LAST_CHAT = 'last';

/** What a job event tells clients (`cron` event). */
export interface CronEvent {
  jobId: string;
  action: 'added' | 'updated' | 'removed' | 'started' | 'finished';
  runId?: string;
  status?: CronRunRecord['status'];
  summary?: string;
  error?: string;
  nextRunAtMs?: number;
}

export interface CronSchedulerDeps {
  store: Store;
  /** The gateway's durable queue: a run is an agent turn like any other message. */
  ingest(req: IngestRequest<QueuedInbound>): Promise<IngestResult>;
  /** Waits for a turn's outcome in this process (undefined after `timeoutMs`). */
  waitForRun(runId: string, timeoutMs: number): Promise<RunOutcome | undefined>;
  /** The chat a job's reply goes to, checked against the channel's access policy (or, for {@link LAST_CHAT}, the agent's last chat); absent without channels. */
  resolveTarget?(d: CronDeliveryRecord, agentId: string): Promise<ReplyTarget>;
  emit(event: CronEvent): void;
  log: Logger;
  now?(): number;
}

/** Runs due jobs: one timer to the earliest next run, each occurrence queued once as an agent turn. */
export interface CronScheduler {
  /** Starts the timer (on the gateway that runs the scheduler) and runs what was missed, once per job. */
  start(): void;
  /** Stops the timer; runs already queued finish and are recorded. */
  stop(): void;
  /** Stops the timer and stops following runs (the gateway is shutting down; a restart follows them again). */
  close(): void;
  /** Whether this gateway runs the timer. */
  active(): boolean;
  /** Jobs changed: look again. */
  poke(): void;
  /** Queues a run of the job now, whatever its schedule. */
  runNow(job: CronJobRecord): Promise<{ runId: string; sessionKey: string }>;
  /** Records the outcome of runs left running by an earlier process (or queued on this one). */
  recover(): Promise<void>;
  /** When the timer fires next. */
  nextWakeAtMs(): number | undefined;
  /** Resolves when every run this process follows is recorded (tests, shutdown). */
  idle(): Promise<void>;
}

/** The session a job's turns run in: its own, so they never mix with a conversation. */
export function cronSessionKey(job: Pick<CronJobRecord, 'agentId' | 'id'>): string {
  return `agent:${job.agentId}:cron:${job.id}`;
}

export function createCronScheduler(deps: CronSchedulerDeps): CronScheduler {
  const now = deps.now ?? Date.now;
  const log = deps.log;
  const following = new Map<string, Promise<void>>();
  /** Why a run's reply could not be delivered (kept until its end is recorded). */
  const deliveryProblems = new Map<string, string>();

  // Due jobs run; the loop wakes again at the earliest next run of an enabled job.
  const loop = createDueLoop({
    maxSleepMs: MAX_SLEEP_MS,
    now,
    onError: (err) => log.warn('looking for due jobs failed; trying again', { err }),
    pass: async (active) => {
      const t = now();
      for (const job of await deps.store.cron.list()) {
        if (!active()) return undefined;
        if (job.enabled && job.nextRunAtMs !== undefined && job.nextRunAtMs <= t) await fireScheduled(job, t);
      }
      return (await deps.store.cron.list()).filter((j) => j.enabled && j.nextRunAtMs !== undefined).map((j) => j.nextRunAtMs!)[0];
    },
  });

  /** One occurrence of a due job; missed ones in between are not run again (the next run counts from now). */
  const fireScheduled = async (job: CronJobRecord, t: number) => {
    const scheduledAtMs = job.nextRunAtMs!;
    const runId = `cron:${job.id}:${scheduledAtMs}`;
    // A run still going (a slow model, a short interval): this occurrence is skipped, not piled up behind it.
    const busy = (await deps.store.cron.openRuns()).find((r) => r.jobId === job.id && r.runId !== runId);
    if (busy) {
      const recorded = await deps.store.cron.startRun({ jobId: job.id, runId, sessionKey: cronSessionKey(job), trigger: 'schedule', scheduledAtMs, startedAtMs: t, deliveryStatus: 'not-requested' });
      if (recorded) {
        const error = `skipped: the run started ${new Date(busy.startedAtMs).toISOString()} was still going`;
        await deps.store.cron.finishRun(runId, { status: 'skipped', finishedAtMs: t, error });
        deps.emit({ jobId: job.id, action: 'finished', runId, status: 'skipped', error });
      }
    } else await fire(job, runId, scheduledAtMs, 'schedule');
    const next = nextOccurrence(job.schedule, Math.max(t, scheduledAtMs), job.createdAtMs);
    await patchJob(job.id, (j) => ({ ...j, nextRunAtMs: next, lastRunAtMs: t }), job.nextRunAtMs);
  };

  /** Applies `change` to the stored job (read again: a client may have changed it meanwhile), unless its next run moved. */
  const patchJob = async (id: string, change: (j: CronJobRecord) => CronJobRecord, expectNextRunAtMs?: number) => {
    const current = await deps.store.cron.get(id);
    if (!current) return;
    if (expectNextRunAtMs !== undefined && current.nextRunAtMs !== expectNextRunAtMs) return;
    const next = change(current);
    if (next.nextRunAtMs === undefined) delete next.nextRunAtMs;
    await deps.store.cron.put(next);
  };

  const fire = async (job: CronJobRecord, runId: string, scheduledAtMs: number, trigger: CronRunRecord['trigger']) => {
    const sessionKey = cronSessionKey(job);
    const t = now();
    const recorded = await deps.store.cron.startRun({ jobId: job.id, runId, sessionKey, trigger, scheduledAtMs, startedAtMs: t, deliveryStatus: job.delivery ? 'not-delivered' : 'not-requested' });
    // Recorded already: another gateway (or this one before a restart) has this occurrence.
    if (!recorded) return { runId, sessionKey };
    try {
      await queueTurn(job, runId, sessionKey, t);
    } catch (err) {
      // Not queued: recorded as failed now rather than left running until a restart finds it.
      await deps.store.cron.finishRun(runId, { status: 'error', finishedAtMs: now(), error: `the run could not be queued: ${(err as Error).message}` });
      throw err;
    }
    deps.emit({ jobId: job.id, action: 'started', runId, status: 'running' });
    log.info('job started', { jobId: job.id, name: job.name, runId, trigger });
    follow(job.id, runId, sessionKey);
    return { runId, sessionKey };
  };

  const queueTurn = async (job: CronJobRecord, runId: string, sessionKey: string, t: number) => {
    let deliverTo: ReplyTarget | undefined;
    if (job.delivery) {
      try {
        if (!deps.resolveTarget) throw new Error('no chat channels are running on this gateway');
        deliverTo = await deps.resolveTarget(job.delivery, job.agentId);
      } catch (err) {
        deliveryProblems.set(runId, `the reply was not delivered: ${(err as Error).message}`);
        log.warn('a job reply cannot be delivered', { jobId: job.id, channel: job.delivery.channel, err });
      }
    }
    const payload: QueuedInbound = {
      inbound: { channel: 'cron', accountId: 'default', messageId: runId, senderId: `cron:${job.id}`, senderName: job.name, peer: { kind: 'direct', id: `cron:${job.id}` }, text: job.message, timestampMs: t },
      origin: 'agent',
      ...(deliverTo ? { deliverTo } : {}),
    };
    await deps.ingest({ dedupeKey: runId, sessionKey, agentId: job.agentId, runId, payload });
  };

  /** Waits for the turn's end (here, or recorded by whichever gateway ran it) and records the run. */
  const follow = (jobId: string, runId: string, sessionKey: string) => {
    if (following.has(runId)) return;
    const p = (async () => {
      while (!loop.closed()) {
        const item = await deps.store.queue.byRunId(runId);
        // Its turn left the queue unrecorded (pruned long after a crash): nothing more will come of it.
        if (!item) return finish(jobId, runId, 'error', '', 'the turn of this run is no longer in the queue');
        if (item.status !== 'pending' && item.status !== 'running') {
          const status = item.status === 'done' ? 'ok' : item.status === 'dropped' ? 'skipped' : 'error';
          return finish(jobId, runId, status, await replyText(sessionKey, runId), item.error);
        }
        const outcome = await deps.waitForRun(runId, SETTLE_POLL_MS);
        if (outcome) return finish(jobId, runId, outcome.status === 'ok' ? 'ok' : outcome.status === 'dropped' ? 'skipped' : 'error', outcome.text, outcome.error ?? (outcome.status !== 'ok' ? outcome.status : undefined));
      }
    })()
      .catch((err: unknown) => log.warn('recording a job run failed', { jobId, runId, err }))
      .finally(() => following.delete(runId));
    following.set(runId, p);
  };

  const replyText = async (sessionKey: string, runId: string) => {
    const session = await deps.store.sessions.get(sessionKey);
    if (!session) return '';
    const entries = await deps.store.transcript.page(session.sessionId, { limit: 50 });
    const reply = entries.find((e) => e.role === 'assistant' && e.runId === runId);
    return reply ? textOf(reply.content) : '';
  };

  const finish = async (jobId: string, runId: string, status: 'ok' | 'error' | 'skipped', text: string, error?: string) => {
    const run = await deps.store.cron.getRun(runId);
    const problem = deliveryProblems.get(runId);
    deliveryProblems.delete(runId);
    const wanted = run?.deliveryStatus === 'not-delivered';
    const delivered = wanted && !problem && status === 'ok' && text.length > 0;
    const summary = text ? text.slice(0, SUMMARY_CHARS) : undefined;
    const err = [error, problem].filter(Boolean).join('; ') || undefined;
    const finishedAtMs = now();
    if (!(await deps.store.cron.finishRun(runId, { status, finishedAtMs, ...(summary ? { summary } : {}), ...(err ? { error: err } : {}), ...(delivered ? { deliveryStatus: 'delivered' } : {}) }))) return;
    deps.emit({ jobId, action: 'finished', runId, status, ...(summary ? { summary } : {}), ...(err ? { error: err } : {}) });
    log.info('job finished', { jobId, runId, status, ...(err ? { error: err } : {}) });
    const job = await deps.store.cron.get(jobId);
    if (job?.deleteAfterRun && job.schedule.kind === 'at' && job.nextRunAtMs === undefined) {
      await deps.store.cron.remove(jobId);
      deps.emit({ jobId, action: 'removed' });
    } else {
      await patchJob(jobId, (j) => {
        const next: CronJobRecord = { ...j, lastRunAtMs: run?.startedAtMs ?? finishedAtMs, lastRunStatus: status };
        if (err) next.lastError = err;
        else delete next.lastError;
        return next;
      });
    }
  };

  return {
    // Whatever came due while no gateway ran the scheduler runs at start, once per job.
    start: loop.start,
    stop: loop.stop,
    close: loop.close,
    active: loop.active,
    poke: loop.poke,
    async runNow(job) {
      const t = now();
      return fire(job, `cron:${job.id}:manual:${randomUUID()}`, t, 'manual');
    },
    async recover() {
      for (const run of await deps.store.cron.openRuns()) {
        if (following.has(run.runId)) continue;
        if (!(await deps.store.queue.byRunId(run.runId))) {
          const job = await deps.store.cron.get(run.jobId);
          if (!job || now() - run.startedAtMs > REQUEUE_WINDOW_MS) {
            await deps.store.cron.finishRun(run.runId, { status: 'error', finishedAtMs: now(), error: 'the gateway stopped before the run was queued' });
            continue;
          }
          await queueTurn(job, run.runId, run.sessionKey, now());
        }
        follow(run.jobId, run.runId, run.sessionKey);
      }
    },
    nextWakeAtMs: loop.nextWakeAtMs,
    async idle() {
      while (following.size || loop.running()) await Promise.all([...following.values(), loop.running()]);
    },
  };
}
