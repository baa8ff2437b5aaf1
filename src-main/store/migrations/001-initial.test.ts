import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion } from '../migrate.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, { targetVersion: 0 }); // the version before 001: an empty database
});
afterEach(() => db.close());

function columns(table: string): string[] {
  return (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
}

describe('migration 001-initial', () => {
  it('creates meta, devices and device_tokens from an empty database', () => {
    expect(readSchemaVersion(db)).toBe(0);
    const result = migrate(db, { targetVersion: 1 });
    expect(result).toEqual({ from: 0, to: 1, applied: [1] });
    expect(columns('meta')).toEqual(['key', 'value']);
    expect(columns('devices')).toEqual([
      'device_id',
      'public_key',
      'role',
      'scopes_json',
      'client_id',
      'client_mode',
      'platform',
      'device_family',
      'display_name',
      'created_at_ms',
      'approved_at_ms',
      'last_seen_at_ms',
    ]);
    expect(columns('device_tokens')).toEqual(['device_id', 'role', 'token_hash', 'scopes_json', 'issued_at_ms']);
  });

  it('keys tokens by device and role and cascades device deletes', () => {
    migrate(db, { targetVersion: 1 });
    db.prepare("INSERT INTO devices (device_id, public_key, role, created_at_ms, approved_at_ms) VALUES ('d1', 'pk', 'operator', 1, 2)").run();
    const insertToken = db.prepare('INSERT INTO device_tokens (device_id, role, token_hash, issued_at_ms) VALUES (?, ?, ?, 3)');
    insertToken.run('d1', 'operator', Buffer.alloc(32));
    expect(() => insertToken.run('d1', 'operator', Buffer.alloc(32))).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insertToken.run('ghost', 'operator', Buffer.alloc(32))).toThrow(/FOREIGN KEY/);
    db.prepare("DELETE FROM devices WHERE device_id = 'd1'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM device_tokens').get()).toEqual({ n: 0 });
  });

  it('rolls back entirely when a later step of the same migration fails', () => {
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY)'); // collides with 001's first table
    expect(() => migrate(db, { targetVersion: 1 })).toThrow(/already exists/);
    expect(readSchemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'devices'").get()).toBeUndefined();
  });
});
