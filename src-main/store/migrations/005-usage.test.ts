import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion } from '../migrate.js';
import { createUsageRepo } from '../usage-repo.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, { targetVersion: 4 }); // the version before 005
});
afterEach(() => db.close());

const DAY = 86_400_000;
const usage = (input: number, output: number, cost: number, model = 'fake/m') => JSON.stringify({ inputTokens: input, outputTokens: output, costUsd: cost, model });

describe('migration 005-usage', () => {
  it('keeps transcripts from version 4 and attributes current and queue-known archived sessions to their agent', () => {
    db.prepare("INSERT INTO sessions (session_key, session_id, agent_id, created_at_ms, updated_at_ms) VALUES ('agent:ops:main', 's-now', 'ops', 1, 2)").run();
    const t = db.prepare("INSERT INTO transcript (session_id, seq, role, content_json, run_id, usage_json, created_at_ms) VALUES (?, ?, 'assistant', '[]', ?, ?, ?)");
    t.run('s-now', 1, 'r1', usage(10, 5, 0.01), 2 * DAY + 10);
    // Archived by a reset before this version; the queue still knows its run.
    t.run('s-old', 1, 'r0', usage(7, 3, 0.02), DAY + 10);
    db.prepare("INSERT INTO inbound_queue (dedupe_key, session_key, agent_id, run_id, payload_json, status, enqueued_at_ms) VALUES ('k', 'agent:ops:main', 'ops', 'r0', '{}', 'done', 1)").run();
    // Archived, and the queue has forgotten it.
    t.run('s-lost', 1, 'r9', usage(1, 1, 0), DAY + 20);

    expect(migrate(db, { targetVersion: 5 })).toMatchObject({ from: 4, applied: [5] });
    expect(readSchemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT COUNT(*) AS n FROM transcript').get()).toEqual({ n: 3 });
    const rows = createUsageRepo(db).byDay({ sinceMs: 0, untilMs: 10 * DAY, utcOffsetMinutes: 0 });
    expect(rows).toEqual([
      { day: 1, agentId: '', model: 'fake/m', turns: 1, inputTokens: 1, outputTokens: 1, costUsd: 0 },
      { day: 1, agentId: 'ops', model: 'fake/m', turns: 1, inputTokens: 7, outputTokens: 3, costUsd: 0.02 },
      { day: 2, agentId: 'ops', model: 'fake/m', turns: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.01 },
    ]);
  });

  it('remembers every id a session has had, whoever creates or resets it', () => {
    migrate(db);
    db.prepare("INSERT INTO sessions (session_key, session_id, agent_id, created_at_ms, updated_at_ms) VALUES ('agent:main:x', 'a', 'main', 1, 1)").run();
    db.prepare("UPDATE sessions SET session_id = 'b' WHERE session_key = 'agent:main:x'").run();
    db.prepare("UPDATE sessions SET label = 'no id change' WHERE session_key = 'agent:main:x'").run();
    expect(db.prepare('SELECT session_id, agent_id FROM session_ids ORDER BY session_id').all()).toEqual([
      { session_id: 'a', agent_id: 'main' },
      { session_id: 'b', agent_id: 'main' },
    ]);
  });

  it('reads a report window through the partial index', () => {
    migrate(db);
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM transcript WHERE usage_json IS NOT NULL AND created_at_ms >= 0 AND created_at_ms < 1")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/transcript_usage_time/);
  });
});
