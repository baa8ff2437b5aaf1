import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion } from '../migrate.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, { targetVersion: 8 }); // the version before 009
});
afterEach(() => db.close());

describe('migration 009-cron-jobs', () => {
  it('keeps the data of version 8 and adds jobs and runs, one run per occurrence', () => {
    db.prepare("INSERT INTO inbound_queue (dedupe_key, session_key, agent_id, run_id, payload_json, status, enqueued_at_ms) VALUES ('d1', 'agent:main:main', 'main', 'r1', '{}', 'pending', 1)").run();
    db.prepare("INSERT INTO channel_state (channel, account_id, key, value, updated_at_ms) VALUES ('whatsapp', 'default', 'creds', '{}', 1)").run();
    expect(migrate(db, { targetVersion: 9 })).toMatchObject({ from: 8, applied: [9] });
    expect(readSchemaVersion(db)).toBe(9);
    expect(db.prepare('SELECT run_id FROM inbound_queue').all()).toEqual([{ run_id: 'r1' }]);
    expect(db.prepare('SELECT value FROM channel_state').all()).toEqual([{ value: '{}' }]);
    db.prepare(
      "INSERT INTO cron_jobs (id, name, agent_id, schedule_kind, cron_expr, cron_tz, message, enabled, delete_after_run, created_at_ms, updated_at_ms) VALUES ('j1', 'standup', 'main', 'cron', '0 9 * * 1-5', 'Europe/Berlin', 'hi', 1, 0, 1, 1)",
    ).run();
    const run = db.prepare("INSERT INTO cron_runs (job_id, run_id, session_key, trigger, scheduled_at_ms, started_at_ms, status, delivery_status) VALUES ('j1', 'cron:j1:100', 'agent:main:cron:j1', 'schedule', 100, 100, 'running', 'not-requested')");
    run.run();
    expect(() => run.run()).toThrow(/UNIQUE/);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM cron_runs WHERE job_id = 'j1' ORDER BY started_at_ms").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/INDEX cron_runs_job/);
  });
});
