import type Database from 'better-sqlite3';
import { CRON_JOB_COLUMNS, fromCronJob, toCronJob, toCronRun, type CronJobRow, type CronRunRow } from '../../src-shared/store/rows.js';
import type { CronRepo } from './types.js';
import type { SyncOf } from './sync.js';

/** Scheduled jobs and their runs in SQLite. */
export function createCronRepo(db: Database.Database): SyncOf<CronRepo> {
  const q = {
    list: db.prepare<[], CronJobRow>('SELECT * FROM cron_jobs ORDER BY next_run_at_ms IS NULL, next_run_at_ms, name, id'),
    get: db.prepare<[string], CronJobRow>('SELECT * FROM cron_jobs WHERE id = ?'),
    put: db.prepare(`INSERT OR REPLACE INTO cron_jobs (${CRON_JOB_COLUMNS.join(', ')}) VALUES (${CRON_JOB_COLUMNS.map((c) => '@' + c).join(', ')})`),
    remove: db.prepare('DELETE FROM cron_jobs WHERE id = ?'),
    removeRuns: db.prepare('DELETE FROM cron_runs WHERE job_id = ?'),
    startRun: db.prepare(
      `INSERT INTO cron_runs (job_id, run_id, session_key, trigger, scheduled_at_ms, started_at_ms, status, delivery_status)
       VALUES (@jobId, @runId, @sessionKey, @trigger, @scheduledAtMs, @startedAtMs, 'running', @deliveryStatus) ON CONFLICT (run_id) DO NOTHING`,
    ),
    finishRun: db.prepare(
      "UPDATE cron_runs SET status = @status, finished_at_ms = @finishedAtMs, summary = @summary, error = @error, delivery_status = COALESCE(@deliveryStatus, delivery_status) WHERE run_id = @runId AND status = 'running'",
    ),
    getRun: db.prepare<[string], CronRunRow>('SELECT * FROM cron_runs WHERE run_id = ?'),
    openRuns: db.prepare<[], CronRunRow>("SELECT * FROM cron_runs WHERE status = 'running' ORDER BY id"),
  };
  const filter = '(@jobId IS NULL OR job_id = @jobId) AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))';
  const runsAsc = db.prepare<Record<string, unknown>, CronRunRow>(`SELECT * FROM cron_runs WHERE ${filter} ORDER BY started_at_ms, id LIMIT @limit OFFSET @offset`);
  const runsDesc = db.prepare<Record<string, unknown>, CronRunRow>(`SELECT * FROM cron_runs WHERE ${filter} ORDER BY started_at_ms DESC, id DESC LIMIT @limit OFFSET @offset`);
  const runsCount = db.prepare<Record<string, unknown>, { n: number }>(`SELECT COUNT(*) AS n FROM cron_runs WHERE ${filter}`);
  const remove = db.transaction((id: string) => {
    q.removeRuns.run(id);
    return q.remove.run(id).changes > 0;
  });
  return {
    list: () => q.list.all().map(toCronJob),
    get: (id) => {
      const r = q.get.get(id);
      return r ? toCronJob(r) : undefined;
    },
    put: (job) => void q.put.run(fromCronJob(job)),
    remove: (id) => remove(id),
    startRun: (run) => q.startRun.run(run).changes > 0,
    finishRun: (runId, end) =>
      q.finishRun.run({ runId, status: end.status, finishedAtMs: end.finishedAtMs, summary: end.summary ?? null, error: end.error ?? null, deliveryStatus: end.deliveryStatus ?? null }).changes > 0,
    getRun: (runId) => {
      const r = q.getRun.get(runId);
      return r ? toCronRun(r) : undefined;
    },
    runs: ({ jobId, statuses, limit, offset = 0, sortDir = 'desc' }) => {
      const p = { jobId: jobId ?? null, statuses: statuses?.length ? JSON.stringify(statuses) : null };
      const rows = (sortDir === 'asc' ? runsAsc : runsDesc).all({ ...p, limit, offset });
      return { runs: rows.map(toCronRun), total: runsCount.get(p)!.n };
    },
    openRuns: () => q.openRuns.all().map(toCronRun),
  };
}
