import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion } from '../migrate.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, { targetVersion: 2 }); // the version before 003
});
afterEach(() => db.close());

describe('migration 003-channel-pairing', () => {
  it('keeps sessions and queued messages from version 2', () => {
    db.prepare("INSERT INTO sessions (session_key, session_id, agent_id, created_at_ms, updated_at_ms) VALUES ('agent:main:main', 's1', 'main', 1, 2)").run();
    db.prepare("INSERT INTO inbound_queue (dedupe_key, session_key, agent_id, run_id, payload_json, status, enqueued_at_ms) VALUES ('k', 'agent:main:main', 'main', 'r', '{}', 'pending', 1)").run();
    expect(migrate(db, { targetVersion: 3 })).toMatchObject({ from: 2, applied: [3] });
    expect(readSchemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT session_id FROM sessions').all()).toEqual([{ session_id: 's1' }]);
    expect(db.prepare('SELECT status FROM inbound_queue').all()).toEqual([{ status: 'pending' }]);
  });

  it('holds one request per sender and unique codes', () => {
    migrate(db);
    const ins = db.prepare("INSERT INTO channel_pairing_requests (channel, account_id, sender_id, code, peer_json, created_at_ms, last_seen_at_ms, expires_at_ms) VALUES ('telegram', 'default', ?, ?, '{}', 1, 1, 2)");
    ins.run('1', 'ABCDEFGH');
    expect(() => ins.run('1', 'ABCDEFGJ')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => ins.run('2', 'ABCDEFGH')).toThrow(/UNIQUE/);
  });
});
