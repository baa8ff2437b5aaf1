import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion } from '../migrate.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, { targetVersion: 5 }); // the version before 006
});
afterEach(() => db.close());

const addDevice = (id: string) =>
  db.prepare("INSERT INTO devices (device_id, public_key, role, created_at_ms, approved_at_ms) VALUES (?, 'pk', 'node', 1, 1)").run(id);

describe('migration 006-node-approvals', () => {
  it('keeps paired devices and their tokens from version 5', () => {
    addDevice('n1');
    db.prepare("INSERT INTO device_tokens (device_id, role, token_hash, issued_at_ms) VALUES ('n1', 'node', x'00', 1)").run();
    expect(migrate(db, { targetVersion: 6 })).toMatchObject({ from: 5, applied: [6] });
    expect(readSchemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT device_id FROM devices').all()).toEqual([{ device_id: 'n1' }]);
    expect(db.prepare('SELECT role FROM device_tokens').all()).toEqual([{ role: 'node' }]);
  });

  it('holds one request per node, and approvals and requests go with the device', () => {
    migrate(db, { targetVersion: 6 });
    addDevice('n1');
    const req = db.prepare("INSERT INTO node_pair_requests (request_id, node_id, commands_json, created_at_ms) VALUES (?, 'n1', '[]', 1)");
    req.run('r1');
    expect(() => req.run('r2')).toThrow(/UNIQUE/);
    db.prepare("INSERT INTO node_command_approvals (node_id, command, approved_at_ms) VALUES ('n1', 'system.notify', 1)").run();
    expect(() => db.prepare("INSERT INTO node_command_approvals (node_id, command, approved_at_ms) VALUES ('ghost', 'x', 1)").run()).toThrow(/FOREIGN KEY/);
    db.prepare("DELETE FROM devices WHERE device_id = 'n1'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM node_command_approvals').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM node_pair_requests').get()).toEqual({ n: 0 });
  });
});
