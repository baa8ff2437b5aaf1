import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion } from '../migrate.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, { targetVersion: 1 }); // the version before 002
});
afterEach(() => db.close());

describe('migration 002-sessions-queue', () => {
  it('keeps paired devices and their tokens from version 1', () => {
    db.prepare("INSERT INTO devices (device_id, public_key, role, created_at_ms, approved_at_ms) VALUES ('d1', 'pk', 'operator', 1, 2)").run();
    db.prepare("INSERT INTO device_tokens (device_id, role, token_hash, issued_at_ms) VALUES ('d1', 'operator', ?, 3)").run(Buffer.alloc(32, 7));
    db.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run();
    expect(migrate(db)).toMatchObject({ from: 1, applied: expect.arrayContaining([2]) });
    expect(readSchemaVersion(db)).toBeGreaterThanOrEqual(2);
    expect(db.prepare('SELECT device_id FROM devices').all()).toEqual([{ device_id: 'd1' }]);
    expect((db.prepare('SELECT token_hash FROM device_tokens').get() as { token_hash: Buffer }).token_hash).toEqual(Buffer.alloc(32, 7));
    expect(db.prepare("SELECT value FROM meta WHERE key = 'k'").get()).toEqual({ value: 'v' });
  });

  it('dedupes the inbound queue and keeps one transcript row per queue item', () => {
    migrate(db, { targetVersion: 2 });
    const enqueue = db.prepare(
      "INSERT INTO inbound_queue (dedupe_key, session_key, agent_id, run_id, payload_json, status, enqueued_at_ms) VALUES (?, 'agent:main:main', 'main', 'r', '{}', 'pending', 1)",
    );
    enqueue.run('telegram:default:1');
    expect(() => enqueue.run('telegram:default:1')).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE inbound_queue SET status = 'weird'").run()).toThrow(/CHECK/);
    const row = db.prepare("INSERT INTO transcript (session_id, seq, role, content_json, queue_id, created_at_ms) VALUES ('s', ?, 'user', '[]', ?, 1)");
    row.run(1, 1);
    expect(() => row.run(2, 1)).toThrow(/UNIQUE/);
  });

  it('reads a history page through the primary key, not a scan', () => {
    migrate(db, { targetVersion: 2 });
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM transcript WHERE session_id = 's' AND seq < 100 ORDER BY seq DESC LIMIT 50").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/SEARCH transcript USING PRIMARY KEY/);
  });
});
