import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestVersion, migrate, readSchemaVersion } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { SchemaTooNewError } from './types.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
});
afterEach(() => db.close());

const fake = (version: number, sql: string): Migration => ({ version, name: `m${version}`, sqlite: sql, postgres: sql });

describe('migrate', () => {
  it('numbers the shipped migrations 1..N in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(latestVersion()).toBe(MIGRATIONS.length);
  });

  it('applies only pending migrations and is idempotent', () => {
    const list = [fake(1, 'CREATE TABLE a (x)'), fake(2, 'CREATE TABLE b (x)')];
    expect(migrate(db, { migrations: list, targetVersion: 1 })).toEqual({ from: 0, to: 1, applied: [1] });
    expect(migrate(db, { migrations: list })).toEqual({ from: 1, to: 2, applied: [2] });
    expect(migrate(db, { migrations: list })).toEqual({ from: 2, to: 2, applied: [] });
  });

  it('keeps earlier versions when a later migration fails', () => {
    const list = [fake(1, 'CREATE TABLE a (x)'), fake(2, 'CREATE TABLE b (x); SELECT nonsense FROM nowhere')];
    expect(() => migrate(db, { migrations: list })).toThrow(/nowhere/);
    expect(readSchemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
  });

  it('refuses a database newer than the code, naming both versions', () => {
    db.pragma('user_version = 99');
    const run = () => migrate(db);
    expect(run).toThrow(SchemaTooNewError);
    expect(run).toThrow(new RegExp(`version 99.*\\(${latestVersion()}\\)`));
  });

  it('rejects a migration list with gaps', () => {
    expect(() => migrate(db, { migrations: [fake(1, ''), fake(3, '')] })).toThrow(/position 2 holds version 3/);
  });

  it('rejects a step that leaves dangling foreign keys', () => {
    const list = [
      fake(1, 'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (pid INTEGER REFERENCES p(id))'),
      fake(2, 'INSERT INTO c (pid) VALUES (42)'),
    ];
    db.pragma('foreign_keys = ON');
    expect(() => migrate(db, { migrations: list })).toThrow(/foreign key violations/);
    expect(readSchemaVersion(db)).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
