import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion } from '../migrate.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, { targetVersion: 7 }); // the version before 008
});
afterEach(() => db.close());

describe('migration 008-shared-queue', () => {
  it('keeps queued messages from version 7 (no owner yet) and adds the owners, gateways, notes and channel state', () => {
    db.prepare("INSERT INTO inbound_queue (dedupe_key, session_key, agent_id, run_id, payload_json, status, enqueued_at_ms) VALUES ('d1', 'agent:main:main', 'main', 'r1', '{}', 'pending', 1)").run();
    expect(migrate(db, { targetVersion: 8 })).toMatchObject({ from: 7, applied: [8] });
    expect(readSchemaVersion(db)).toBe(8);
    expect(db.prepare('SELECT run_id, owner FROM inbound_queue').all()).toEqual([{ run_id: 'r1', owner: null }]);
    db.prepare("INSERT INTO queue_session_owner (session_key) VALUES ('agent:main:main')").run();
    db.prepare("INSERT INTO gateway_instances (instance_id, host, pid, started_at_ms, seen_at_ms, role) VALUES ('a', 'h', 1, 1, 1, 'standby')").run();
    db.prepare("INSERT INTO gateway_events (payload_json, created_at_ms) VALUES ('{}', 1)").run();
    db.prepare("INSERT INTO channel_state (channel, account_id, key, value, updated_at_ms) VALUES ('whatsapp', 'default', 'creds', '{}', 1)").run();
    expect(() => db.prepare("INSERT INTO channel_state (channel, account_id, key, value, updated_at_ms) VALUES ('whatsapp', 'default', 'creds', '{}', 2)").run()).toThrow(/UNIQUE/);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM inbound_queue WHERE session_key = 'k' AND status IN ('pending', 'running') ORDER BY id").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX inbound_queue_session_open/);
  });
});
