import type { Store } from './types.js';

/** One table's rows in the source and, after the copy, in the destination. */
export interface TableCount {
  table: string;
  source: number;
  destination: number;
}

/** The destination already holds a gateway's data: copying into it would mix two installs. */
export class DestinationNotEmptyError extends Error {
  override readonly name = 'DestinationNotEmptyError';
  constructor(readonly tables: TableCount[]) {
    super(`the destination already holds data (${tables.map((t) => `${t.table}: ${t.destination} rows`).join(', ')}); copy into an empty database`);
  }
}

/**
 * Copies every table of `from` into `to`, both at the same schema version, then counts each table on
 * both sides. The destination must be empty: nothing is merged or overwritten. The source is only read.
 * @throws {DestinationNotEmptyError}, or an Error naming a schema mismatch or a count that differs
 */
export async function transferStore(from: Store, to: Store, opts: { batchSize?: number; onTable?(table: string, rows: number): void } = {}): Promise<TableCount[]> {
  if (!from.tables || !to.tables) throw new Error(`the ${from.tables ? to.backend : from.backend} store cannot copy whole tables`);
  const [fromVersion, toVersion] = await Promise.all([from.schemaVersion(), to.schemaVersion()]);
  if (fromVersion !== toVersion) throw new Error(`the two databases are at different schema versions (${from.backend} ${fromVersion}, ${to.backend} ${toVersion}); open both with this build first`);
  const names = await from.tables.names();
  const destinationNames = new Set(await to.tables.names());
  const missing = names.filter((n) => !destinationNames.has(n));
  if (missing.length) throw new Error(`the ${to.backend} database has no table ${missing.join(', ')}`);
  const occupied: TableCount[] = [];
  for (const table of names) {
    const n = await to.tables.count(table);
    if (n) occupied.push({ table, source: await from.tables.count(table), destination: n });
  }
  if (occupied.length) throw new DestinationNotEmptyError(occupied);
  for (const table of names) {
    let copied = 0;
    for await (const rows of from.tables.read(table, opts.batchSize ?? 2000)) {
      await to.tables.write(table, rows);
      copied += rows.length;
    }
    opts.onTable?.(table, copied);
  }
  const counts: TableCount[] = [];
  for (const table of names) counts.push({ table, source: await from.tables.count(table), destination: await to.tables.count(table) });
  const differ = counts.filter((c) => c.source !== c.destination);
  if (differ.length) throw new Error(`copied, but the counts differ: ${differ.map((c) => `${c.table} ${c.source} → ${c.destination}`).join(', ')}`);
  return counts;
}
