import type Database from 'better-sqlite3';
import type { StoredRow, StoreTables } from './types.js';

/** The gateway's tables of a SQLite state database, read and written whole (`openclaw storage migrate`). */
export function sqliteTables(db: Database.Database): StoreTables {
  const known = () => new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[]));
  // Names come from the schema, never from a caller: checked before they reach SQL.
  const checked = (table: string) => {
    if (!known().has(table)) throw new Error(`no table ${table} in the state database`);
    return `"${table}"`;
  };
  return {
    async names() {
      return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").pluck().all() as string[];
    },
    async count(table) {
      return db.prepare(`SELECT COUNT(*) FROM ${checked(table)}`).pluck().get() as number;
    },
    async *read(table, batchSize) {
      const name = checked(table);
      const withoutRowid = /WITHOUT ROWID/i.test((db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").pluck().get(table) as string) ?? '');
      if (withoutRowid) {
        yield db.prepare(`SELECT * FROM ${name}`).all() as StoredRow[];
        return;
      }
      let after = -Infinity;
      for (;;) {
        const rows = db.prepare(`SELECT rowid AS __rowid, * FROM ${name} WHERE rowid > ? ORDER BY rowid LIMIT ?`).all(after === -Infinity ? -9007199254740991 : after, batchSize) as (StoredRow & { __rowid: number })[];
        if (!rows.length) return;
        after = rows.at(-1)!.__rowid;
        yield rows.map(({ __rowid: _, ...row }) => row);
        if (rows.length < batchSize) return;
      }
    },
    async write(table, rows) {
      if (!rows.length) return;
      const name = checked(table);
      const columns = Object.keys(rows[0]!);
      // A row a trigger already wrote (session_ids follows sessions) is the same row: kept, not doubled.
      const insert = db.prepare(`INSERT OR IGNORE INTO ${name} (${columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      db.transaction(() => {
        for (const row of rows) insert.run(...columns.map((c) => row[c]));
      })();
    },
  };
}
