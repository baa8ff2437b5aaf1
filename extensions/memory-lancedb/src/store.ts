/**
 * Memories in an embedded LanceDB under the plugin's data folder: one table per agent and embedding
 * model (`mem_<agent>_<model hash>`), so vectors of two models never share a table. When the
 * configured model changes, the first use of an agent copies its memories into the new model's table,
 * embedding every text again, and only then drops the old table: a failure part-way leaves the old
 * table as it was, and the next use tries again.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection, Table } from '@lancedb/lancedb';
import type { Embedder } from './embeddings.js';

/** One stored memory as callers see it. */
export interface MemoryRecord {
  id: string;
  agentId: string;
  owner: string;
  shared: boolean;
  text: string;
  createdAt: number;
  /** Session the memory came from. */
  source: string;
  /** How it got here: `tool`, `capture`, or `cli`. */
  origin: string;
}

export interface ScoredMemory extends MemoryRecord {
  /** Cosine similarity, 1 = same direction. */
  score: number;
}

interface Row {
  id: string;
  owner: string;
  shared: boolean;
  text: string;
  created_at: number;
  source: string;
  origin: string;
  vector: number[];
}

/** What `tables.json` records about each table: its agent, and the model and vector size it was embedded with. */
interface TableMeta {
  agentId: string;
  model: string;
  dimensions?: number;
}

const COLUMNS = ['id', 'owner', 'shared', 'text', 'created_at', 'source', 'origin'];

/** Single quotes doubled: values go into LanceDB's SQL filters. */
const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A filter for memories `owner` may see: their own, and (unless `ownOnly`) those shared by the owner. */
export function visibleTo(owner: string | undefined, ownOnly = false): string | undefined {
  if (owner === undefined) return undefined;
  return ownOnly ? `owner = ${sql(owner)}` : `(owner = ${sql(owner)} OR shared = true)`;
}

const agentPart = (agentId: string) => agentId.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 64);

export interface MemoryStoreOptions {
  dir: string;
  embedder: Embedder;
  /** Requested vector size, part of the table identity. */
  dimensions?: number;
  /** Load the LanceDB module (lazily, so the plugin's registration never waits on the native addon). */
  connect(dir: string): Promise<Connection>;
  onReembed?(e: { agentId: string; from: string; to: string; count: number }): void;
}

export interface StoreStats {
  model: string;
  agents: { agentId: string; table: string; model: string; dimensions?: number; count: number; owners: number; shared: number }[];
}

export interface MemoryStore {
  add(e: { agentId: string; owner: string; text: string; source: string; origin: string; shared?: boolean; vector?: number[] }): Promise<MemoryRecord>;
  /** Bulk import of memories whose vectors are already computed with the current model. */
  addMany(agentId: string, entries: { owner: string; text: string; source: string; origin: string; vector: number[]; createdAt?: number }[]): Promise<string[]>;
  /** Nearest memories by meaning; `owner` limits the search to what that person may see (undefined: everything, for the operator). */
  search(q: { agentId: string; text?: string; vector?: number[]; owner?: string; ownOnly?: boolean; limit: number; minScore?: number }): Promise<ScoredMemory[]>;
  embed(text: string): Promise<number[]>;
  list(q: { agentId: string; owner?: string; limit: number; offset?: number }): Promise<{ total: number; items: MemoryRecord[] }>;
  get(id: string, agentId?: string): Promise<MemoryRecord | undefined>;
  /** Removes a memory; with `owner`, only one of theirs. */
  remove(id: string, opts?: { agentId?: string; owner?: string }): Promise<MemoryRecord | undefined>;
  setShared(id: string, shared: boolean, agentId?: string): Promise<MemoryRecord | undefined>;
  /** How many memories `owner` has with one agent (shared ones included). */
  countOwner(agentId: string, owner: string): Promise<number>;
  /** Deletes every memory of `owner` with one agent (shared ones included); returns how many went. */
  removeOwner(agentId: string, owner: string): Promise<number>;
  /** The owners an agent has memories of, with counts, most memories first. */
  people(agentId: string): Promise<{ owner: string; count: number; shared: number }[]>;
  /** Agents with a memory table for the current model. */
  agents(): Promise<string[]>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}

export function createMemoryStore(o: MemoryStoreOptions): MemoryStore {
  mkdirSync(o.dir, { recursive: true });
  const metaFile = join(o.dir, 'tables.json');
  const modelHash = createHash('sha256').update(`${o.embedder.model}\n${o.dimensions ?? ''}`).digest('hex').slice(0, 10);
  const tableName = (agentId: string) => `mem_${agentPart(agentId)}_${modelHash}`;
  const readMeta = (): Record<string, TableMeta> => {
    try {
      return JSON.parse(readFileSync(metaFile, 'utf8')) as Record<string, TableMeta>;
    } catch {
      return {};
    }
  };
  const writeMeta = (m: Record<string, TableMeta>) => {
    writeFileSync(`${metaFile}.tmp`, JSON.stringify(m, null, 2));
    renameSync(`${metaFile}.tmp`, metaFile);
  };
  let db: Promise<Connection> | undefined;
  const conn = () => (db ??= o.connect(o.dir).catch((err: unknown) => {
    db = undefined;
    throw err;
  }));
  // An agent's table for the current model, after any re-embedding; undefined until its first memory.
  const opening = new Map<string, Promise<Table | undefined>>();

  const reembed = async (c: Connection, agentId: string, name: string, olds: string[]): Promise<Table | undefined> => {
    const rows: Omit<Row, 'vector'>[] = [];
    const seen = new Set<string>();
    for (const old of olds) {
      const t = await c.openTable(old);
      for (const r of (await t.query().select(COLUMNS).toArray()) as Omit<Row, 'vector'>[]) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        rows.push({ id: r.id, owner: r.owner, shared: Boolean(r.shared), text: r.text, created_at: Number(r.created_at), source: r.source, origin: r.origin });
      }
      t.close();
    }
    if (rows.length === 0) {
      for (const old of olds) await c.dropTable(old);
      return undefined;
    }
    const vectors = await o.embedder.embed(rows.map((r) => r.text));
    const table = await c.createTable(name, rows.map((r, i) => ({ ...r, vector: vectors[i]! })));
    const meta = readMeta();
    meta[name] = { agentId, model: o.embedder.model, dimensions: vectors[0]!.length };
    for (const old of olds) {
      await c.dropTable(old);
      delete meta[old];
    }
    writeMeta(meta);
    o.onReembed?.({ agentId, from: olds.map((n) => readMetaModel(n)).join(', '), to: o.embedder.model, count: rows.length });
    return table;
  };
  let metaAtStart: Record<string, TableMeta> | undefined;
  const readMetaModel = (n: string) => (metaAtStart ??= readMeta())[n]?.model ?? n;

  const open = (agentId: string): Promise<Table | undefined> => {
    const key = agentPart(agentId);
    let p = opening.get(key);
    if (!p) {
      p = (async () => {
        const c = await conn();
        const name = tableName(agentId);
        const names = await c.tableNames();
        if (names.includes(name)) return c.openTable(name);
        metaAtStart = readMeta();
        const olds = names.filter((n) => n.startsWith(`mem_${key}_`) && n !== name);
        return olds.length ? reembed(c, agentId, name, olds) : undefined;
      })();
      // A failed open (server down during a re-embed) is tried again next time.
      p.catch(() => opening.delete(key));
      opening.set(key, p);
    }
    return p;
  };
  /** The table, created with its first row when the agent has none yet. */
  const openOrCreate = async (agentId: string, first: Row): Promise<{ table: Table; created: boolean }> => {
    const existing = await open(agentId);
    if (existing) return { table: existing, created: false };
    const c = await conn();
    const name = tableName(agentId);
    const table = await c.createTable(name, [{ ...first }], { existOk: false }).catch(async () => c.openTable(name));
    const meta = readMeta();
    meta[name] = { agentId, model: o.embedder.model, dimensions: first.vector.length };
    writeMeta(meta);
    opening.set(agentPart(agentId), Promise.resolve(table));
    return { table, created: true };
  };

  const toRecord = (agentId: string, r: Omit<Row, 'vector'>): MemoryRecord => ({
    id: r.id,
    agentId,
    owner: r.owner,
    shared: Boolean(r.shared),
    text: r.text,
    createdAt: Number(r.created_at),
    source: r.source,
    origin: r.origin,
  });
  const embed = async (text: string) => (await o.embedder.embed([text]))[0]!;
  const findTable = async (id: string, agentId?: string): Promise<{ agentId: string; table: Table; row: Omit<Row, 'vector'> } | undefined> => {
    const agents = agentId ? [agentId] : await listAgents();
    for (const a of agents) {
      const table = await open(a);
      if (!table) continue;
      const [row] = (await table.query().where(`id = ${sql(id)}`).select(COLUMNS).limit(1).toArray()) as Omit<Row, 'vector'>[];
      if (row) return { agentId: a, table, row };
    }
    return undefined;
  };
  const listAgents = async (): Promise<string[]> => {
    const c = await conn();
    const meta = readMeta();
    const byKey = new Map<string, string>();
    for (const n of await c.tableNames()) {
      const m = /^mem_(.+)_[0-9a-f]{10}$/.exec(n);
      if (m) byKey.set(m[1]!, meta[n]?.agentId ?? m[1]!);
    }
    return [...byKey.values()].sort();
  };

  return {
    embed,
    async add(e) {
      const vector = e.vector ?? (await embed(e.text));
      const row: Row = { id: randomUUID(), owner: e.owner, shared: e.shared ?? false, text: e.text, created_at: Date.now(), source: e.source, origin: e.origin, vector };
      const { table, created } = await openOrCreate(e.agentId, row);
      if (!created) await table.add([{ ...row }]);
      return toRecord(e.agentId, row);
    },
    async addMany(agentId, entries) {
      if (!entries.length) return [];
      const rows: Row[] = entries.map((e) => ({ id: randomUUID(), owner: e.owner, shared: false, text: e.text, created_at: e.createdAt ?? Date.now(), source: e.source, origin: e.origin, vector: e.vector }));
      const { table, created } = await openOrCreate(agentId, rows[0]!);
      const rest = created ? rows.slice(1) : rows;
      if (rest.length) await table.add(rest.map((r) => ({ ...r })));
      return rows.map((r) => r.id);
    },
    async search(q) {
      const table = await open(q.agentId);
      if (!table) return [];
      const vector = q.vector ?? (await embed(q.text ?? ''));
      let query = table.vectorSearch(vector).distanceType('cosine').select([...COLUMNS, '_distance']).limit(q.limit);
      const filter = visibleTo(q.owner, q.ownOnly);
      if (filter) query = query.where(filter);
      const rows = (await query.toArray()) as (Omit<Row, 'vector'> & { _distance: number })[];
      return rows
        .map((r) => ({ ...toRecord(q.agentId, r), score: Math.round((1 - r._distance) * 10_000) / 10_000 }))
        .filter((r) => q.minScore === undefined || r.score >= q.minScore);
    },
    async list(q) {
      const table = await open(q.agentId);
      if (!table) return { total: 0, items: [] };
      const filter = q.owner === undefined ? undefined : `owner = ${sql(q.owner)}`;
      const total = await table.countRows(filter);
      let query = table.query().select(COLUMNS);
      if (filter) query = query.where(filter);
      const rows = (await query.toArray()) as Omit<Row, 'vector'>[];
      rows.sort((a, b) => Number(b.created_at) - Number(a.created_at));
      const offset = q.offset ?? 0;
      return { total, items: rows.slice(offset, offset + q.limit).map((r) => toRecord(q.agentId, r)) };
    },
    async get(id, agentId) {
      const found = await findTable(id, agentId);
      return found && toRecord(found.agentId, found.row);
    },
    async remove(id, opts = {}) {
      const found = await findTable(id, opts.agentId);
      if (!found || (opts.owner !== undefined && found.row.owner !== opts.owner)) return undefined;
      await found.table.delete(`id = ${sql(id)}`);
      return toRecord(found.agentId, found.row);
    },
    async setShared(id, shared, agentId) {
      const found = await findTable(id, agentId);
      if (!found) return undefined;
      await found.table.update({ where: `id = ${sql(id)}`, values: { shared } });
      return { ...toRecord(found.agentId, found.row), shared };
    },
    async countOwner(agentId, owner) {
      const table = await open(agentId);
      return table ? table.countRows(`owner = ${sql(owner)}`) : 0;
    },
    async removeOwner(agentId, owner) {
      const table = await open(agentId);
      if (!table) return 0;
      const filter = `owner = ${sql(owner)}`;
      const n = await table.countRows(filter);
      if (n > 0) await table.delete(filter);
      return n;
    },
    agents: listAgents,
    async people(agentId) {
      const table = await open(agentId);
      if (!table) return [];
      const byOwner = new Map<string, { owner: string; count: number; shared: number }>();
      for (const r of (await table.query().select(['owner', 'shared']).toArray()) as { owner: string; shared: boolean }[]) {
        const e = byOwner.get(r.owner) ?? { owner: r.owner, count: 0, shared: 0 };
        e.count++;
        if (r.shared) e.shared++;
        byOwner.set(r.owner, e);
      }
      return [...byOwner.values()].sort((a, b) => b.count - a.count || a.owner.localeCompare(b.owner));
    },
    async stats() {
      const meta = readMeta();
      const out: StoreStats = { model: o.embedder.model, agents: [] };
      for (const agentId of await listAgents()) {
        const table = await open(agentId);
        if (!table) continue;
        const name = tableName(agentId);
        const rows = (await table.query().select(['owner', 'shared']).toArray()) as { owner: string; shared: boolean }[];
        out.agents.push({
          agentId,
          table: name,
          model: meta[name]?.model ?? o.embedder.model,
          ...(meta[name]?.dimensions ? { dimensions: meta[name].dimensions } : {}),
          count: rows.length,
          owners: new Set(rows.map((r) => r.owner)).size,
          shared: rows.filter((r) => r.shared).length,
        });
      }
      return out;
    },
    async close() {
      for (const p of opening.values()) (await p.catch(() => undefined))?.close();
      opening.clear();
      if (db) (await db.catch(() => undefined))?.close();
      db = undefined;
    },
  };
}
