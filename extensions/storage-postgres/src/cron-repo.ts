import { CRON_JOB_COLUMNS, fromCronJob, toCronJob, toCronRun, type CronJobRow, type CronRunRow } from '../../../src-shared/store/rows.js';
import type { CronRepo } from '../../../src-shared/store/types.js';
import type { Atomic, Queryable } from './repos.js';

const FILTER = '($1::text IS NULL OR job_id = $1) AND ($2::text[] IS NULL OR status = ANY($2::text[]))';

/** Scheduled jobs and their runs in PostgreSQL (the rows and records are the shared ones). */
export function createCronRepo(db: Queryable, atomic: Atomic): CronRepo {
  const put = `INSERT INTO cron_jobs (${CRON_JOB_COLUMNS.join(', ')}) VALUES (${CRON_JOB_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
    ON CONFLICT (id) DO UPDATE SET ${CRON_JOB_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
  return {
    list: async () => (await db.query<CronJobRow>('SELECT * FROM cron_jobs ORDER BY next_run_at_ms NULLS LAST, name COLLATE "C", id COLLATE "C"')).rows.map(toCronJob),
    get: async (id) => {
      const r = (await db.query<CronJobRow>('SELECT * FROM cron_jobs WHERE id = $1', [id])).rows[0];
      return r ? toCronJob(r) : undefined;
    },
    put: async (job) => {
      const row = fromCronJob(job);
      await db.query(put, CRON_JOB_COLUMNS.map((c) => row[c]));
    },
    remove: (id) =>
      atomic(async (tx) => {
        await tx.query('DELETE FROM cron_runs WHERE job_id = $1', [id]);
        return ((await tx.query('DELETE FROM cron_jobs WHERE id = $1', [id])).rowCount ?? 0) > 0;
      }),
    startRun: async (run) =>
      ((
        await db.query(
          `INSERT INTO cron_runs (job_id, run_id, session_key, trigger, scheduled_at_ms, started_at_ms, status, delivery_status)
           VALUES ($1, $2, $3, $4, $5, $6, 'running', $7) ON CONFLICT (run_id) DO NOTHING`,
          [run.jobId, run.runId, run.sessionKey, run.trigger, run.scheduledAtMs, run.startedAtMs, run.deliveryStatus],
        )
      ).rowCount ?? 0) > 0,
    finishRun: async (runId, end) =>
      ((
        await db.query(
          "UPDATE cron_runs SET status = $2, finished_at_ms = $3, summary = $4, error = $5, delivery_status = COALESCE($6, delivery_status) WHERE run_id = $1 AND status = 'running'",
          [runId, end.status, end.finishedAtMs, end.summary ?? null, end.error ?? null, end.deliveryStatus ?? null],
        )
      ).rowCount ?? 0) > 0,
    getRun: async (runId) => {
      const r = (await db.query<CronRunRow>('SELECT * FROM cron_runs WHERE run_id = $1', [runId])).rows[0];
      return r ? toCronRun(r) : undefined;
    },
    runs: async ({ jobId, statuses, limit, offset = 0, sortDir = 'desc' }) => {
      const p = [jobId ?? null, statuses?.length ? statuses : null];
      const order = sortDir === 'asc' ? 'started_at_ms, id' : 'started_at_ms DESC, id DESC';
      const rows = (await db.query<CronRunRow>(`SELECT * FROM cron_runs WHERE ${FILTER} ORDER BY ${order} LIMIT $3 OFFSET $4`, [...p, limit, offset])).rows;
      const total = Number((await db.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM cron_runs WHERE ${FILTER}`, p)).rows[0]!.n);
      return { runs: rows.map(toCronRun), total };
    },
    openRuns: async () => (await db.query<CronRunRow>("SELECT * FROM cron_runs WHERE status = 'running' ORDER BY id")).rows.map(toCronRun),
  };
}
