import type { StoredRow, StoreTables } from '../../../src-shared/store/types.js';
import type { Atomic, Queryable } from './repos.js';

/** The gateway's tables in PostgreSQL, read and written whole (`openclaw storage migrate`). */
export function postgresTables(pool: Queryable, atomic: Atomic): StoreTables {
  const names = async () =>
    (
      await pool.query<{ name: string }>(
        // Creation order: a table's oid grows with each CREATE; the schema bookkeeping table is not the gateway's data.
        "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname <> 'openclaw_schema' ORDER BY c.oid",
      )
    ).rows.map((r) => r.name);
  // Names come from the schema, never from a caller: checked before they reach SQL.
  const checked = async (table: string) => {
    if (!(await names()).includes(table)) throw new Error(`no table ${table} in the PostgreSQL database`);
    return `"${table}"`;
  };
  const quote = (column: string) => `"${column.replace(/"/g, '""')}"`;
  return {
    names,
    async count(table) {
      return (await pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${await checked(table)}`)).rows[0]!.n;
    },
    async *read(table, batchSize) {
      const name = await checked(table);
      for (let offset = 0; ; offset += batchSize) {
        const rows = (await pool.query<StoredRow>(`SELECT * FROM ${name} ORDER BY ctid LIMIT $1 OFFSET $2`, [batchSize, offset])).rows;
        if (!rows.length) return;
        yield rows;
        if (rows.length < batchSize) return;
      }
    },
    async write(table, rows) {
      if (!rows.length) return;
      const name = await checked(table);
      const columns = Object.keys(rows[0]!);
      await atomic(async (db) => {
        // At most 60,000 parameters per statement (the protocol allows 65,535).
        const perStatement = Math.max(1, Math.floor(60_000 / columns.length));
        for (let i = 0; i < rows.length; i += perStatement) {
          const chunk = rows.slice(i, i + perStatement);
          const values = chunk.map((_, r) => `(${columns.map((_c, k) => `$${r * columns.length + k + 1}`).join(', ')})`).join(', ');
          // A row a trigger already wrote (session_ids follows sessions) is the same row: kept, not doubled.
          await db.query(`INSERT INTO ${name} (${columns.map(quote).join(', ')}) VALUES ${values} ON CONFLICT DO NOTHING`, chunk.flatMap((row) => columns.map((c) => row[c] ?? null)));
        }
        // Generated ids go on after the highest one copied.
        if (columns.includes('id')) {
          const seq = (await db.query<{ seq: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS seq', [table, 'id'])).rows[0]?.seq;
          if (seq) await db.query(`SELECT setval($1, (SELECT COALESCE(MAX(id), 0) + 1 FROM ${name}), false)`, [seq]);
        }
      });
    },
  };
}
