import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import pg from 'pg';
import type { PluginLogger } from '../../../src-shared/plugin/api.js';
import { SchemaTooNewError, StoreOpenError, type Store, type StoreCoordination, type StoreLease, type StoreMigration, type StoreRepos, type StoreTx } from '../../../src-shared/store/types.js';
import { isConnectionFailure, toOpenError, toRequestError } from './pg-errors.js';
import { createCoordination, type Query } from './coordination.js';
import { createAdvisoryLease } from './lease.js';
import { createRepos, type Atomic, type Queryable } from './repos.js';
import { postgresTables } from './tables.js';

/** `storage.postgres`, as the config schema and the plugin manifest describe it. */
export interface PostgresStoreConfig {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  tls?: { mode?: 'disable' | 'require' | 'verify-full'; ca?: string; cert?: string; key?: string };
}

/** Oldest server the schema and its SQL are written for. */
export const MIN_SERVER_VERSION = { num: 130000, label: '13' };

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Where the database is, for people: the URL without its password. */
export function describeUrl(url: string): { where: string; user: string; database: string; redacted: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StoreOpenError('storage.postgres.url is not a URL: write it as postgres://user:password@host:5432/database', 'config');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new StoreOpenError(`storage.postgres.url must start with postgres:// (it starts with ${u.protocol}//)`, 'config');
  const where = `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  const user = decodeURIComponent(u.username) || 'postgres';
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || user;
  return { where, user, database, redacted: `postgres://${encodeURIComponent(user)}@${where}/${encodeURIComponent(database)}` };
}

function tlsOptions(tls: PostgresStoreConfig['tls']): pg.PoolConfig['ssl'] {
  const mode = tls?.mode ?? 'disable';
  if (mode === 'disable') return false;
  const read = (file: string | undefined, what: string) => {
    if (!file) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new StoreOpenError(`cannot read storage.postgres.tls.${what} (${file}): ${(err as Error).message}`, 'config', { cause: err });
    }
  };
  return { rejectUnauthorized: mode === 'verify-full', ca: read(tls?.ca, 'ca'), cert: read(tls?.cert, 'cert'), key: read(tls?.key, 'key') };
}

/**
 * Opens the pool, checks the server (reachable, the password, the database, version 13 or later) and
 * brings the schema to the latest of `migrations`. Every failure is a {@link StoreOpenError} that names
 * the cause and the fix.
 */
export async function openPostgresStore(config: PostgresStoreConfig, migrations: readonly StoreMigration[], log: PluginLogger): Promise<Store> {
  const target = describeUrl(config.url);
  const connection: pg.ClientConfig = {
    connectionString: config.url,
    statement_timeout: config.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: config.connectTimeoutMs ?? 10_000,
    keepAlive: true,
    application_name: 'openclaw-gateway',
    ssl: tlsOptions(config.tls),
    // Counts and ids are bigints in SQL; the store speaks numbers (ms timestamps and counters fit in 2^53).
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID || oid === NUMERIC_OID ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  };
  const pool = new pg.Pool({ ...connection, max: config.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // An idle connection dropped by a restarting server: the pool forgets it and opens another when asked.
  pool.on('error', (err) => log.warn('a PostgreSQL connection was lost; the next request opens a new one', { err: err.message }));
  try {
    const client = await pool.connect();
    try {
      const version = Number((await client.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0]!.server_version_num);
      if (version < MIN_SERVER_VERSION.num) {
        throw new StoreOpenError(`the PostgreSQL server at ${target.where} is version ${Math.floor(version / 10000)}; OpenClaw needs ${MIN_SERVER_VERSION.label} or later`, 'server-too-old');
      }
      await migrate(client, migrations, target.redacted);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof SchemaTooNewError) throw err;
    throw toOpenError(err, target);
  }
  // This gateway among the others on the database, for as long as this process runs.
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return new PostgresStore(pool, target.redacted, target.where, instanceId, {
    newLease: (name, retryMs) => createAdvisoryLease(name, () => new pg.Client(connection), log, retryMs),
    coordination: (atomic, query) => createCoordination({ instanceId, client: () => new pg.Client(connection), atomic, query, log }),
  });
}

/**
 * Brings the schema up to date in one transaction, under an advisory lock so that gateways starting
 * together migrate once. The version is kept in `openclaw_schema`.
 */
async function migrate(client: pg.PoolClient, migrations: readonly StoreMigration[], where: string): Promise<void> {
  const latest = migrations.at(-1)?.version ?? 0;
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('openclaw.schema'))");
    await client.query('CREATE TABLE IF NOT EXISTS openclaw_schema (version integer NOT NULL)');
    const current = (await client.query<{ version: number }>('SELECT version FROM openclaw_schema')).rows[0]?.version;
    if (current === undefined) await client.query('INSERT INTO openclaw_schema (version) VALUES (0)');
    const from = current ?? 0;
    if (from > latest) throw new SchemaTooNewError(from, latest, where);
    for (const m of migrations) {
      if (m.version <= from) continue;
      await client.query(m.postgres);
      await client.query('UPDATE openclaw_schema SET version = $1', [m.version]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

type AnyFn = (...args: unknown[]) => Promise<unknown>;

/** Every repository call turns a lost server or a timeout into StoreUnavailableError. */
function translated(repos: StoreRepos, where: string): StoreRepos {
  const wrap = (fn: AnyFn): AnyFn =>
    async (...args) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toRequestError(err, where);
      }
    };
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(repos)) {
    if (typeof value === 'function') out[name] = wrap(value as AnyFn);
    else out[name] = Object.fromEntries(Object.entries(value as Record<string, AnyFn>).map(([k, f]) => [k, wrap(f)]));
  }
  return out as unknown as StoreRepos;
}

class PostgresStore implements Store {
  readonly backend = 'postgres';
  readonly getMeta: Store['getMeta'];
  readonly setMeta: Store['setMeta'];
  readonly devices: Store['devices'];
  readonly deviceTokens: Store['deviceTokens'];
  readonly sessions: Store['sessions'];
  readonly transcript: Store['transcript'];
  readonly queue: Store['queue'];
  readonly channelPairing: Store['channelPairing'];
  readonly outbox: Store['outbox'];
  readonly usage: Store['usage'];
  readonly nodeApprovals: Store['nodeApprovals'];
  readonly channelState: Store['channelState'];
  readonly cron: Store['cron'];
  readonly coordination: StoreCoordination;
  readonly tables: Store['tables'];
  private closed = false;
  private readonly leases = new Set<StoreLease>();
  private readonly newLease: (name: string, retryMs?: number) => StoreLease;

  constructor(
    private readonly pool: pg.Pool,
    readonly path: string,
    private readonly where: string,
    private readonly instanceId: string,
    parts: { newLease: (name: string, retryMs?: number) => StoreLease; coordination: (atomic: Atomic, query: Query) => StoreCoordination },
  ) {
    const atomic: Atomic = (fn) => this.inTransaction(fn);
    // Single statements also run on a connection this store watches, not through `pool.query` (see onConnection).
    const direct: Queryable = { query: (sql, params) => this.onConnection(false, (db) => db.query(sql, params)) };
    const repos = translated(createRepos(direct, atomic, instanceId), where);
    this.newLease = parts.newLease;
    this.coordination = parts.coordination(atomic, async (text, values) => void (await direct.query(text, values)));
    this.tables = postgresTables(pool, atomic);
    this.getMeta = repos.getMeta;
    this.setMeta = repos.setMeta;
    this.devices = repos.devices;
    this.deviceTokens = repos.deviceTokens;
    this.sessions = repos.sessions;
    this.transcript = repos.transcript;
    this.queue = repos.queue;
    this.channelPairing = repos.channelPairing;
    this.outbox = repos.outbox;
    this.usage = repos.usage;
    this.nodeApprovals = repos.nodeApprovals;
    this.channelState = repos.channelState;
    this.cron = repos.cron;
  }

  async schemaVersion(): Promise<number> {
    try {
      return (await this.pool.query<{ version: number }>('SELECT version FROM openclaw_schema')).rows[0]?.version ?? 0;
    } catch (err) {
      throw toRequestError(err, this.where);
    }
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.inTransaction((client) => fn(this.txView(client)));
  }

  /** The repositories on one transaction's client; nested transactions are savepoints on it. */
  private txView(client: Queryable): StoreTx {
    let depth = 0;
    const savepoint = async <T>(fn: (db: Queryable) => Promise<T>): Promise<T> => {
      const name = `sp${++depth}`;
      await client.query(`SAVEPOINT ${name}`);
      try {
        const result = await fn(client);
        await client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
        throw err;
      } finally {
        depth--;
      }
    };
    // Inside a transaction a repository's own multi-statement steps need no transaction of their own.
    const repos = translated(
      createRepos(client, (fn) => fn(client), this.instanceId),
      this.where,
    );
    const tx: StoreTx = { ...repos, transaction: (fn) => savepoint(() => fn(tx)) };
    return tx;
  }

  private inTransaction<T>(fn: (db: Queryable) => Promise<T>): Promise<T> {
    return this.onConnection(true, fn);
  }

  /** `fn` on a pooled connection, in a transaction or not (`pool.query` would leave a connection's second error unheard). */
  private async onConnection<T>(transaction: boolean, fn: (db: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toRequestError(err, this.where);
    }
    let broken: Error | undefined;
    // The server can end the connection between two statements (a restart): heard here, not as an uncaught error.
    const onError = (err: Error) => (broken = err);
    client.on('error', onError);
    try {
      if (transaction) await client.query('BEGIN');
      const result = await fn(client);
      if (transaction) await client.query('COMMIT');
      return result;
    } catch (err) {
      if (isConnectionFailure(err)) broken = err as Error;
      else if (transaction) await client.query('ROLLBACK').catch((e: unknown) => (broken = e as Error));
      throw toRequestError(err, this.where);
    } finally {
      // A connection that failed mid-transaction is dropped, not handed to the next request (and may still
      // report its end: it keeps the listener); a healthy one goes back to the pool, which listens while it idles.
      if (!broken) client.off('error', onError);
      client.release(broken);
    }
  }

  lease(name: string, opts: { retryMs?: number } = {}): StoreLease {
    const lease = this.newLease(name, opts.retryMs);
    this.leases.add(lease);
    return lease;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.leases].map((l) => l.release()));
    await this.coordination.close();
    await this.pool.end();
  }
}
