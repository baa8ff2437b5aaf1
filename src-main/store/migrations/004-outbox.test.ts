import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion } from '../migrate.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, { targetVersion: 3 }); // the version before 004
});
afterEach(() => db.close());

describe('migration 004-outbox', () => {
  it('keeps pairing data from version 3 and adds the outbox', () => {
    db.prepare("INSERT INTO channel_pairing_allow_entries (channel, account_id, sender_id, approved_at_ms) VALUES ('telegram', 'default', '42', 1)").run();
    expect(migrate(db, { targetVersion: 4 })).toMatchObject({ from: 3, applied: [4] });
    expect(readSchemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT sender_id FROM channel_pairing_allow_entries').all()).toEqual([{ sender_id: '42' }]);
    db.prepare("INSERT INTO outbox (target_key, reply_json, status, next_attempt_at_ms, created_at_ms) VALUES ('k', '{}', 'pending', 0, 0)").run();
    expect(() => db.prepare("UPDATE outbox SET status = 'lost'").run()).toThrow(/CHECK/);
  });
});
