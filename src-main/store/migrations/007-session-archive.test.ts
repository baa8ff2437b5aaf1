import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion } from '../migrate.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, { targetVersion: 6 }); // the version before 007
});
afterEach(() => db.close());

describe('migration 007-session-archive', () => {
  it('keeps sessions and transcripts from version 6 and adds the archive', () => {
    db.prepare("INSERT INTO sessions (session_key, session_id, agent_id, created_at_ms, updated_at_ms) VALUES ('agent:main:main', 's2', 'main', 1, 2)").run();
    db.prepare("INSERT INTO transcript (session_id, seq, role, content_json, created_at_ms) VALUES ('s1', 1, 'user', '[]', 1)").run();
    expect(migrate(db, { targetVersion: 7 })).toMatchObject({ from: 6, applied: [7] });
    expect(readSchemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT session_id FROM sessions').all()).toEqual([{ session_id: 's2' }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM transcript').get()).toEqual({ n: 1 });
    db.prepare("INSERT INTO session_archive (session_id, session_key, agent_id, started_at_ms, ended_at_ms, message_count) VALUES ('s1', 'agent:main:main', 'main', 1, 2, 1)").run();
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM session_archive WHERE session_key = 'k' ORDER BY ended_at_ms DESC").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX session_archive_key/);
  });
});
