import type { MethodResult } from '../../src-shared/protocol/index.js';
import type { CronJobRecord, CronRunRecord } from '../store/types.js';
import { toWireSchedule } from './schedule.js';
import { cronSessionKey } from './scheduler.js';

type WireJob = MethodResult<'cron.get'>;
type CompactJob = Extract<MethodResult<'cron.list'>['jobs'][number], { scheduleKind: string }>;
type WireRun = MethodResult<'cron.runs'>['entries'][number];

/** A stored job as clients see it (the reference gateway's shape); `runningAtMs` when a run is under way. */
export function toWireJob(job: CronJobRecord, runningAtMs?: number): WireJob {
  const lastStatus = job.lastRunStatus === 'running' ? undefined : job.lastRunStatus;
  const state: WireJob['state'] = {
    ...(job.nextRunAtMs !== undefined ? { nextRunAtMs: job.nextRunAtMs } : {}),
    ...(runningAtMs !== undefined ? { runningAtMs } : {}),
    ...(job.lastRunAtMs !== undefined ? { lastRunAtMs: job.lastRunAtMs } : {}),
    ...(lastStatus ? { lastRunStatus: lastStatus } : {}),
    ...(job.lastError ? { lastError: job.lastError } : {}),
  };
  return {
    id: job.id,
    name: job.name,
    ...(job.description ? { description: job.description } : {}),
    agentId: job.agentId,
    sessionKey: cronSessionKey(job),
    enabled: job.enabled,
    deleteAfterRun: job.deleteAfterRun,
    createdAtMs: job.createdAtMs,
    updatedAtMs: job.updatedAtMs,
    schedule: toWireSchedule(job.schedule),
    sessionTarget: 'isolated',
    wakeMode: 'now',
    payload: { kind: 'agentTurn', message: job.message },
    delivery: job.delivery ? { mode: 'announce', channel: job.delivery.channel, ...(job.delivery.to ? { to: job.delivery.to } : {}), ...(job.delivery.accountId ? { accountId: job.delivery.accountId } : {}) } : { mode: 'none' },
    state,
    ...(state.nextRunAtMs !== undefined ? { nextRunAtMs: state.nextRunAtMs } : {}),
    ...(state.lastRunAtMs !== undefined ? { lastRunAtMs: state.lastRunAtMs } : {}),
    ...(state.lastRunStatus ? { lastRunStatus: state.lastRunStatus } : {}),
    ...(state.lastError ? { lastRunError: state.lastError } : {}),
  };
}

/** A finished run as a history entry. */
export function toWireRun(run: CronRunRecord, jobName?: string): WireRun {
  const end = run.finishedAtMs ?? run.startedAtMs;
  return {
    ts: end,
    jobId: run.jobId,
    ...(jobName ? { jobName } : {}),
    action: 'finished',
    ...(run.status !== 'running' ? { status: run.status } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.summary ? { summary: run.summary } : {}),
    ...(run.deliveryStatus !== 'not-requested' ? { delivered: run.deliveryStatus === 'delivered' } : {}),
    deliveryStatus: run.deliveryStatus,
    sessionKey: run.sessionKey,
    runId: run.runId,
    runAtMs: run.startedAtMs,
    trigger: run.trigger,
    durationMs: Math.max(0, end - run.startedAtMs),
  };
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** A job as a compact list row (`cron.list` with `compact: true`). */
export function toCompactJob(job: CronJobRecord, runningAtMs?: number): CompactJob {
  const lastStatus = job.lastRunStatus === 'running' ? undefined : job.lastRunStatus;
  return {
    id: job.id,
    name: job.name,
    agentId: job.agentId,
    enabled: job.enabled,
    updatedAtMs: job.updatedAtMs,
    scheduleKind: job.schedule.kind,
    schedule: toWireSchedule(job.schedule),
    nextRunAt: iso(job.nextRunAtMs),
    nextRunAtMs: job.nextRunAtMs ?? null,
    lastRunAt: iso(job.lastRunAtMs),
    lastRunAtMs: job.lastRunAtMs ?? null,
    lastRunStatus: lastStatus ?? null,
    lastRunError: job.lastError ?? null,
    ...(runningAtMs !== undefined ? { runningAtMs } : {}),
  };
}
