import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createQueueRepo, createSessionsRepo, createTranscriptRepo } from './conversation-repos.js';
import { migrate, readSchemaVersion } from './migrate.js';
import { createChannelPairingRepo } from './pairing-repo.js';
import { createOutboxRepo } from './outbox-repo.js';
import { createChannelStateRepo } from './channel-state-repo.js';
import { createCronRepo } from './cron-repo.js';
import { sqliteTables } from './sqlite-tables.js';
import { createUsageRepo } from './usage-repo.js';
import { createNodeApprovalsRepo } from './node-approvals-repo.js';
import type { SyncOf } from './sync.js';
import { parseScopes, toDevice as rowToDevice, type DeviceRow } from '../../src-shared/store/rows.js';
import {
  UnknownDeviceError,
  type DevicesRepo,
  type DeviceTokenInfo,
  type DeviceTokensRepo,
  type Store,
  type StoreRepos,
  type StoreTx,
} from './types.js';


interface TokenRow {
  token_hash: Buffer;
  scopes_json: string;
  issued_at_ms: number;
}

/**
 * Opens (creating if needed) the SQLite state database at `filePath`, or an
 * in-memory one for `':memory:'`, and migrates it to the latest schema.
 * @throws {SchemaTooNewError} when the file was written by a newer build
 */
export function openSqliteStore(filePath: string, opts: { busyTimeoutMs?: number } = {}): Store {
  const inMemory = filePath === ':memory:';
  const dbPath = inMemory ? filePath : path.resolve(filePath);
  if (!inMemory) prepareDatabaseFile(dbPath);

  const db = new Database(dbPath);
  try {
    // busy_timeout first, so the switch to WAL waits for another connection's lock.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a committed transaction survives a crash or kill -9 of the process (tested); only an OS
    // crash or power cut can roll back the last commits. FULL would fsync every turn's three commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteStore(db, dbPath, createSyncRepos(db));
}

// The database holds device token hashes and, later, transcripts: keep it private.
function prepareDatabaseFile(dbPath: string): void {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  // Create it ourselves with 0600: SQLite would use 0644, and its -wal/-shm files copy the main file's mode.
  fs.closeSync(fs.openSync(dbPath, 'a', 0o600));
  if (process.platform !== 'win32') fs.chmodSync(dbPath, 0o600);
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}


/** The repositories as better-sqlite3 runs them: synchronous, on the one connection. */
type SyncRepos = {
  [K in keyof StoreRepos]: StoreRepos[K] extends (...args: never[]) => unknown ? SyncOf<Pick<StoreRepos, K>>[K] : SyncOf<StoreRepos[K]>;
};

function createSyncRepos(db: Database.Database): SyncRepos {
  const s = {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    getDevice: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE device_id = ?'),
    listDevices: db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY created_at_ms, device_id'),
    upsertDevice: db.prepare(`
      INSERT INTO devices (device_id, public_key, role, scopes_json, client_id, client_mode, platform, device_family,
                           display_name, created_at_ms, approved_at_ms, last_seen_at_ms)
      VALUES (@device_id, @public_key, @role, @scopes_json, @client_id, @client_mode, @platform, @device_family,
              @display_name, @created_at_ms, @approved_at_ms, @last_seen_at_ms)
      ON CONFLICT (device_id) DO UPDATE SET
        public_key = excluded.public_key, role = excluded.role, scopes_json = excluded.scopes_json,
        client_id = excluded.client_id, client_mode = excluded.client_mode, platform = excluded.platform,
        device_family = excluded.device_family, display_name = excluded.display_name,
        created_at_ms = excluded.created_at_ms, approved_at_ms = excluded.approved_at_ms,
        last_seen_at_ms = excluded.last_seen_at_ms`),
    removeDevice: db.prepare('DELETE FROM devices WHERE device_id = ?'),
    touchDevice: db.prepare('UPDATE devices SET last_seen_at_ms = ? WHERE device_id = ?'),
    deviceExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM devices WHERE device_id = ?'),
    upsertToken: db.prepare(`
      INSERT INTO device_tokens (device_id, role, token_hash, scopes_json, issued_at_ms) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (device_id, role) DO UPDATE SET
        token_hash = excluded.token_hash, scopes_json = excluded.scopes_json, issued_at_ms = excluded.issued_at_ms`),
    getToken: db.prepare<[string, string], TokenRow>(
      'SELECT token_hash, scopes_json, issued_at_ms FROM device_tokens WHERE device_id = ? AND role = ?',
    ),
    revokeRole: db.prepare('DELETE FROM device_tokens WHERE device_id = ? AND role = ?'),
    revokeAll: db.prepare('DELETE FROM device_tokens WHERE device_id = ?'),
  };

  const devices: SyncOf<DevicesRepo> = {
    get: (deviceId) => {
      const row = s.getDevice.get(deviceId);
      return row ? rowToDevice(row) : undefined;
    },
    list: () => s.listDevices.all().map(rowToDevice),
    upsert: (rec) => {
      s.upsertDevice.run({
        device_id: rec.deviceId,
        public_key: rec.publicKey,
        role: rec.role,
        scopes_json: JSON.stringify(rec.scopes),
        client_id: rec.clientId ?? null,
        client_mode: rec.clientMode ?? null,
        platform: rec.platform ?? null,
        device_family: rec.deviceFamily ?? null,
        display_name: rec.displayName ?? null,
        created_at_ms: rec.createdAtMs,
        approved_at_ms: rec.approvedAtMs,
        last_seen_at_ms: rec.lastSeenAtMs ?? null,
      });
    },
    // Tokens go with the device through ON DELETE CASCADE.
    remove: (deviceId) => s.removeDevice.run(deviceId).changes > 0,
    touch: (deviceId, atMs) => {
      s.touchDevice.run(atMs, deviceId);
    },
  };

  const deviceTokens: SyncOf<DeviceTokensRepo> = {
    issue: (deviceId, role, scopes, nowMs) =>
      db.transaction(() => {
        if (!s.deviceExists.get(deviceId)) throw new UnknownDeviceError(deviceId);
        const token = randomBytes(32).toString('base64url');
        s.upsertToken.run(deviceId, role, hashToken(token), JSON.stringify(scopes), nowMs);
        return { token, issuedAtMs: nowMs };
      })(),
    verify: (deviceId, role, token) => {
      const row = s.getToken.get(deviceId, role);
      const candidate = hashToken(token);
      if (!row || row.token_hash.length !== candidate.length) return undefined;
      if (!timingSafeEqual(row.token_hash, candidate)) return undefined;
      const info: DeviceTokenInfo = { deviceId, role, scopes: parseScopes(row.scopes_json), issuedAtMs: row.issued_at_ms };
      return info;
    },
    revoke: (deviceId, role) =>
      role === undefined ? s.revokeAll.run(deviceId).changes : s.revokeRole.run(deviceId, role).changes,
  };

  return {
    getMeta: (key) => s.getMeta.get(key)?.value,
    setMeta: (key, value) => void s.setMeta.run(key, value),
    devices,
    deviceTokens,
    sessions: createSessionsRepo(db),
    transcript: createTranscriptRepo(db),
    queue: createQueueRepo(db),
    channelPairing: createChannelPairingRepo(db),
    outbox: createOutboxRepo(db),
    channelState: createChannelStateRepo(db),
    usage: createUsageRepo(db),
    nodeApprovals: createNodeApprovalsRepo(db),
    cron: createCronRepo(db),
  };
}

type AnyFn = (...args: unknown[]) => unknown;

/**
 * The async store over the synchronous repositories. A transaction stays open across the awaits of its
 * callback, on the one connection, so while it is open every other call waits for it to end: otherwise
 * its statements would run inside the transaction and commit or roll back with it. When no transaction
 * is open (nearly always) a call runs at once.
 */
class SqliteStore implements Store {
  readonly backend = 'sqlite';
  readonly getMeta: Store['getMeta'];
  readonly setMeta: Store['setMeta'];
  readonly devices: Store['devices'];
  readonly deviceTokens: Store['deviceTokens'];
  readonly sessions: Store['sessions'];
  readonly transcript: Store['transcript'];
  readonly queue: Store['queue'];
  readonly channelPairing: Store['channelPairing'];
  readonly outbox: Store['outbox'];
  readonly channelState: Store['channelState'];
  readonly usage: Store['usage'];
  readonly nodeApprovals: Store['nodeApprovals'];
  readonly cron: Store['cron'];
  readonly tables: Store['tables'];
  /** Settles when the open transaction ends; undefined when none is open. */
  private txDone: Promise<void> | undefined;
  private readonly tx: StoreTx;
  private savepoints = 0;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    repos: SyncRepos,
  ) {
    const outside = this.asyncRepos(repos, true);
    const inside = this.asyncRepos(repos, false);
    this.getMeta = outside.getMeta;
    this.setMeta = outside.setMeta;
    this.devices = outside.devices;
    this.deviceTokens = outside.deviceTokens;
    this.sessions = outside.sessions;
    this.transcript = outside.transcript;
    this.queue = outside.queue;
    this.channelPairing = outside.channelPairing;
    this.outbox = outside.outbox;
    this.channelState = outside.channelState;
    this.usage = outside.usage;
    this.nodeApprovals = outside.nodeApprovals;
    this.cron = outside.cron;
    this.tables = sqliteTables(db);
    this.tx = { ...inside, transaction: (fn) => this.savepoint(fn) };
  }

  private asyncRepos(repos: SyncRepos, waitForTx: boolean): StoreRepos {
    const wrap = (fn: AnyFn): AnyFn =>
      waitForTx
        ? async (...args) => {
            while (this.txDone) await this.txDone;
            return fn(...args);
          }
        : async (...args) => fn(...args);
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(repos)) {
      if (typeof value === 'function') {
        out[name] = wrap(value as AnyFn);
        continue;
      }
      const repo: Record<string, AnyFn> = {};
      for (const [method, fn] of Object.entries(value as Record<string, AnyFn>)) repo[method] = wrap(fn);
      out[name] = repo;
    }
    return out as unknown as StoreRepos;
  }

  async schemaVersion(): Promise<number> {
    while (this.txDone) await this.txDone;
    return readSchemaVersion(this.db);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    while (this.txDone) await this.txDone;
    let end!: () => void;
    this.txDone = new Promise((resolve) => (end = resolve));
    try {
      this.db.exec('BEGIN');
      try {
        const result = await fn(this.tx);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.txDone = undefined;
      end();
    }
  }

  private async savepoint<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const name = `sp${++this.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this.tx);
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw err;
    } finally {
      this.savepoints--;
    }
  }

  async backup(destination: string): Promise<void> {
    await this.db.backup(destination);
    if (process.platform !== 'win32') fs.chmodSync(destination, 0o600);
  }

  async close(): Promise<void> {
    while (this.txDone) await this.txDone;
    if (this.db.open) this.db.close();
  }
}
