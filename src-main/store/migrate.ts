import type Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { SchemaTooNewError } from './types.js';

/** What {@link migrate} did. */
export interface MigrateResult {
  from: number;
  to: number;
  applied: number[];
}

/** Highest schema version known to this build. */
export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
}

/** Reads `PRAGMA user_version`, where the schema version is kept. */
export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to `targetVersion` (default: the latest), each
 * migration in its own transaction together with the `user_version` bump, so a
 * crash leaves the database at a whole version. Refuses a database newer than
 * the code.
 */
export function migrate(
  db: Database.Database,
  opts: { migrations?: readonly Migration[]; targetVersion?: number } = {},
): MigrateResult {
  const migrations = opts.migrations ?? MIGRATIONS;
  assertContiguous(migrations);
  const latest = latestVersion(migrations);
  const target = opts.targetVersion ?? latest;
  if (target > latest || target < 0) throw new Error(`no migration to schema version ${target} (latest is ${latest})`);

  const from = readSchemaVersion(db);
  if (from > latest) throw new SchemaTooNewError(from, latest, db.name);
  const pending = migrations.filter((m) => m.version > from && m.version <= target);
  if (pending.length === 0) return { from, to: from, applied: [] };

  // Table rebuilds (the SQLite way to alter columns) need foreign keys off,
  // and the pragma is a no-op inside a transaction; each step re-checks them.
  const fkWasOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (fkWasOn) db.pragma('foreign_keys = OFF');
  try {
    for (const m of pending) {
      db.transaction(() => {
        db.exec(m.sqlite);
        const violations = db.pragma('foreign_key_check') as unknown[];
        if (violations.length > 0) throw new Error(`migration ${m.version}-${m.name} left ${violations.length} foreign key violations`);
        db.pragma(`user_version = ${m.version}`);
      })();
    }
  } finally {
    if (fkWasOn) db.pragma('foreign_keys = ON');
  }
  return { from, to: readSchemaVersion(db), applied: pending.map((m) => m.version) };
}

function assertContiguous(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: position ${i + 1} holds version ${m.version} (${m.name})`);
  });
}
