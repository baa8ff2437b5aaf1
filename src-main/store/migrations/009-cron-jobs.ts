import type { Migration } from './types.js';

/**
 * Scheduled jobs (`cron.*`): each job runs an agent turn on a schedule (`cron` expression with its time
 * zone, one time `at`, or `every` interval) and may deliver the reply to a channel target. `cron_runs`
 * keeps each occurrence once: its `run_id` is the queue's run id and dedupe key, so an occurrence that
 * two gateways (or a restart) reach is recorded and run only once.
 */
export const migration009: Migration = {
  version: 9,
  name: 'cron-jobs',
  sqlite: `
      CREATE TABLE cron_jobs (
        id               TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        description      TEXT,
        agent_id         TEXT NOT NULL,
        schedule_kind    TEXT NOT NULL,
        cron_expr        TEXT,
        cron_tz          TEXT,
        at_ms            INTEGER,
        every_ms         INTEGER,
        anchor_ms        INTEGER,
        message          TEXT NOT NULL,
        deliver_channel  TEXT,
        deliver_account  TEXT,
        deliver_to       TEXT,
        enabled          INTEGER NOT NULL,
        delete_after_run INTEGER NOT NULL,
        created_at_ms    INTEGER NOT NULL,
        updated_at_ms    INTEGER NOT NULL,
        next_run_at_ms   INTEGER,
        last_run_at_ms   INTEGER,
        last_run_status  TEXT,
        last_error       TEXT
      ) STRICT;
      CREATE TABLE cron_runs (
        id               INTEGER PRIMARY KEY,
        job_id           TEXT NOT NULL,
        run_id           TEXT NOT NULL UNIQUE,
        session_key      TEXT NOT NULL,
        trigger          TEXT NOT NULL,
        scheduled_at_ms  INTEGER NOT NULL,
        started_at_ms    INTEGER NOT NULL,
        finished_at_ms   INTEGER,
        status           TEXT NOT NULL,
        summary          TEXT,
        error            TEXT,
        delivery_status  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX cron_runs_job ON cron_runs (job_id, started_at_ms);
      CREATE INDEX cron_runs_open ON cron_runs (status) WHERE status = 'running';
    `,
  postgres: `
      CREATE TABLE cron_jobs (
        id               TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        description      TEXT,
        agent_id         TEXT NOT NULL,
        schedule_kind    TEXT NOT NULL,
        cron_expr        TEXT,
        cron_tz          TEXT,
        at_ms            BIGINT,
        every_ms         BIGINT,
        anchor_ms        BIGINT,
        message          TEXT NOT NULL,
        deliver_channel  TEXT,
        deliver_account  TEXT,
        deliver_to       TEXT,
        enabled          INTEGER NOT NULL,
        delete_after_run INTEGER NOT NULL,
        created_at_ms    BIGINT NOT NULL,
        updated_at_ms    BIGINT NOT NULL,
        next_run_at_ms   BIGINT,
        last_run_at_ms   BIGINT,
        last_run_status  TEXT,
        last_error       TEXT
      );
      CREATE TABLE cron_runs (
        id               BIGSERIAL PRIMARY KEY,
        job_id           TEXT NOT NULL,
        run_id           TEXT NOT NULL UNIQUE,
        session_key      TEXT NOT NULL,
        trigger          TEXT NOT NULL,
        scheduled_at_ms  BIGINT NOT NULL,
        started_at_ms    BIGINT NOT NULL,
        finished_at_ms   BIGINT,
        status           TEXT NOT NULL,
        summary          TEXT,
        error            TEXT,
        delivery_status  TEXT NOT NULL
      );
      CREATE INDEX cron_runs_job ON cron_runs (job_id, started_at_ms);
      CREATE INDEX cron_runs_open ON cron_runs (status) WHERE status = 'running';
    `,
};
