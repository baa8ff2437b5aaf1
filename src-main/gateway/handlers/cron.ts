import { createHash } from 'node:crypto';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { CronJobs } from '../../cron/jobs.js';
import type { CronScheduler } from '../../cron/scheduler.js';
import { toCompactJob, toWireJob, toWireRun } from '../../cron/wire.js';
import type { CronJobRecord, CronRunStatus, Store } from '../../store/types.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';

export interface CronHandlerDeps {
  store: Store;
  jobs: CronJobs;
  scheduler: Pick<CronScheduler, 'active' | 'nextWakeAtMs'>;
}

type ListParams = MethodParams<'cron.list'>;
type RunsParams = MethodParams<'cron.runs'>;
const FINISHED: CronRunStatus[] = ['ok', 'error', 'skipped'];
/** Filters the store cannot apply are applied to at most this many runs. */
const RUNS_SCAN = 5000;

const idOf = (p: { id: string } | { jobId: string }) => ('id' in p ? p.id : p.jobId);

function page<T>(items: T[], total: number, offset: number, limit: number) {
  const next = offset + items.length;
  return { total, offset, limit, hasMore: next < total, nextOffset: next < total ? next : null };
}

function matchesList(job: CronJobRecord, p: ListParams): boolean {
  const enabled = p.enabled ?? (p.includeDisabled ? 'all' : 'enabled');
  if (enabled === 'enabled' && !job.enabled) return false;
  if (enabled === 'disabled' && job.enabled) return false;
  if (p.scheduleKind && p.scheduleKind !== 'all' && job.schedule.kind !== p.scheduleKind) return false;
  if (p.lastRunStatus && p.lastRunStatus !== 'all') {
    const last = job.lastRunStatus === 'running' ? undefined : job.lastRunStatus;
    if ((last ?? 'unknown') !== p.lastRunStatus) return false;
  }
  if (p.trigger === 'conditional') return false;
  if (p.agentId && job.agentId !== p.agentId) return false;
  if (p.sessionKey && `agent:${job.agentId}:cron:${job.id}` !== p.sessionKey) return false;
  if (p.query) {
    const q = p.query.toLowerCase();
    if (![job.name, job.description ?? '', job.message].some((t) => t.toLowerCase().includes(q))) return false;
  }
  return true;
}

function sortJobs(jobs: CronJobRecord[], by: NonNullable<ListParams['sortBy']>, dir: 'asc' | 'desc'): CronJobRecord[] {
  const sign = dir === 'desc' ? -1 : 1;
  const key = (j: CronJobRecord): number | string => (by === 'name' ? j.name.toLowerCase() : by === 'updatedAtMs' ? j.updatedAtMs : (j.nextRunAtMs ?? Number.MAX_SAFE_INTEGER));
  return [...jobs].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return (ka < kb ? -1 : ka > kb ? 1 : 0) * sign || a.id.localeCompare(b.id);
  });
}

/** `cron.*`: scheduled jobs over the store, the job rules and the scheduler. */
export function cronHandlers(deps: CronHandlerDeps): Handlers {
  const runningSince = async () => new Map((await deps.store.cron.openRuns()).map((r) => [r.jobId, r.startedAtMs]));
  const wire = async (job: CronJobRecord) => toWireJob(job, (await runningSince()).get(job.id));

  const runs = async (p: RunsParams): Promise<MethodResult<'cron.runs'>> => {
    const jobId = p.id ?? p.jobId;
    const scope = p.scope ?? (jobId ? 'job' : 'all');
    if (scope === 'job' && !jobId) throw new InvalidRequestError('cron.runs with scope "job" needs the job id ("id")');
    const jobs = await deps.store.cron.list();
    const names = new Map(jobs.map((j) => [j.id, j.name]));
    if (scope === 'job' && !names.has(jobId!)) await deps.jobs.get(jobId!);
    const limit = p.limit ?? 50;
    const offset = p.offset ?? 0;
    const statuses = p.statuses ?? (p.status && p.status !== 'all' ? [p.status] : FINISHED);
    const q = { ...(scope === 'job' ? { jobId: jobId! } : {}), statuses, sortDir: p.sortDir ?? 'desc' };
    const deliveries = p.deliveryStatuses ?? (p.deliveryStatus ? [p.deliveryStatus] : undefined);
    const agentJobs = p.agentId ? new Set(jobs.filter((j) => j.agentId === p.agentId).map((j) => j.id)) : undefined;
    if (!deliveries && !p.query && !p.runId && !agentJobs) {
      const r = await deps.store.cron.runs({ ...q, limit, offset });
      const entries = r.runs.map((run) => toWireRun(run, names.get(run.jobId)));
      return { entries, ...page(entries, r.total, offset, limit) };
    }
    const query = p.query?.toLowerCase();
    const all = (await deps.store.cron.runs({ ...q, limit: RUNS_SCAN })).runs
      .filter((r) => !deliveries || deliveries.includes(r.deliveryStatus))
      .filter((r) => !p.runId || r.runId === p.runId)
      .filter((r) => !agentJobs || agentJobs.has(r.jobId))
      .filter((r) => !query || [names.get(r.jobId) ?? '', r.summary ?? '', r.error ?? ''].some((t) => t.toLowerCase().includes(query)));
    const entries = all.slice(offset, offset + limit).map((run) => toWireRun(run, names.get(run.jobId)));
    return { entries, ...page(entries, all.length, Math.min(offset, all.length), limit) };
  };

  return {
    'cron.list': async (p) => {
      const limit = p.limit ?? 50;
      const offset = p.offset ?? 0;
      const inventory = await deps.store.cron.list();
      const snapshotRevision = createHash('sha256').update(JSON.stringify(inventory.map((j) => [j.id, j.updatedAtMs, j.nextRunAtMs ?? null]))).digest('base64url').slice(0, 22);
      let jobs = inventory.filter((j) => matchesList(j, p));
      if (p.sortBy || p.sortDir) jobs = sortJobs(jobs, p.sortBy ?? 'nextRunAtMs', p.sortDir ?? 'asc');
      const running = await runningSince();
      const shown = jobs.slice(offset, offset + limit).map((j) => (p.compact ? toCompactJob(j, running.get(j.id)) : toWireJob(j, running.get(j.id))));
      return { jobs: shown, ...page(shown, jobs.length, Math.min(offset, jobs.length), limit), snapshotRevision };
    },
    'cron.status': async () => {
      const jobs = await deps.store.cron.list();
      const enabled = jobs.filter((j) => j.enabled);
      const active = deps.scheduler.active();
      const next = enabled.map((j) => j.nextRunAtMs).find((t) => t !== undefined);
      return {
        enabled: true,
        scheduler: active ? 'running' : 'standby',
        storage: deps.store.backend,
        storePath: deps.store.path,
        jobs: jobs.length,
        enabledJobs: enabled.length,
        nextWakeAtMs: next ?? null,
      };
    },
    'cron.get': async (p) => wire(await deps.jobs.get(idOf(p))),
    'cron.runs': runs,
    'cron.add': async (p) => wire(await deps.jobs.add(p)),
    'cron.update': async (p) => wire(await deps.jobs.update(idOf(p), p.patch)),
    'cron.remove': async (p) => {
      await deps.jobs.remove(idOf(p));
      return { ok: true, removed: true };
    },
    'cron.run': async (p) => {
      const r = await deps.jobs.run(idOf(p), p.mode ?? 'force');
      return r.ran ? { ok: true, enqueued: true, runId: r.runId, sessionKey: r.sessionKey } : { ok: true, ran: false, reason: r.reason };
    },
  };
}
