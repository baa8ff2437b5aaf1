import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createQueueRepo, createSessionsRepo, createTranscriptRepo } from './conversation-repos.js';
import { migrate, readSchemaVersion } from './migrate.js';
import { createChannelPairingRepo } from './pairing-repo.js';
import { createOutboxRepo } from './outbox-repo.js';
import { createUsageRepo } from './usage-repo.js';
import { createNodeApprovalsRepo } from './node-approvals-repo.js';
import { UnknownDeviceError, type DeviceRecord, type DeviceTokenInfo, type Store } from './types.js';

interface DeviceRow {
  device_id: string;
  public_key: string;
  role: string;
  scopes_json: string;
  client_id: string | null;
  client_mode: string | null;
  platform: string | null;
  device_family: string | null;
  display_name: string | null;
  created_at_ms: number;
  approved_at_ms: number;
  last_seen_at_ms: number | null;
}

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
  return new SqliteStore(db, dbPath);
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

function parseScopes(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
}

function rowToDevice(row: DeviceRow): DeviceRecord {
  const rec: DeviceRecord = {
    deviceId: row.device_id,
    publicKey: row.public_key,
    role: row.role,
    scopes: parseScopes(row.scopes_json),
    createdAtMs: row.created_at_ms,
    approvedAtMs: row.approved_at_ms,
  };
  if (row.client_id !== null) rec.clientId = row.client_id;
  if (row.client_mode !== null) rec.clientMode = row.client_mode;
  if (row.platform !== null) rec.platform = row.platform;
  if (row.device_family !== null) rec.deviceFamily = row.device_family;
  if (row.display_name !== null) rec.displayName = row.display_name;
  if (row.last_seen_at_ms !== null) rec.lastSeenAtMs = row.last_seen_at_ms;
  return rec;
}

class SqliteStore implements Store {
  readonly sessions: Store['sessions'];
  readonly transcript: Store['transcript'];
  readonly queue: Store['queue'];
  readonly channelPairing: Store['channelPairing'];
  readonly outbox: Store['outbox'];
  readonly usage: Store['usage'];
  readonly nodeApprovals: Store['nodeApprovals'];
  readonly devices: Store['devices'];
  readonly deviceTokens: Store['deviceTokens'];

  // Prepared once per connection: preparing is the expensive part of a query.
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.sessions = createSessionsRepo(db);
    this.transcript = createTranscriptRepo(db);
    this.queue = createQueueRepo(db);
    this.channelPairing = createChannelPairingRepo(db);
    this.outbox = createOutboxRepo(db);
    this.usage = createUsageRepo(db);
    this.nodeApprovals = createNodeApprovalsRepo(db);
    this.stmts = {
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
    const s = this.stmts;

    this.devices = {
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

    this.deviceTokens = {
      issue: (deviceId, role, scopes, nowMs) =>
        this.transaction(() => {
          if (!s.deviceExists.get(deviceId)) throw new UnknownDeviceError(deviceId);
          const token = randomBytes(32).toString('base64url');
          s.upsertToken.run(deviceId, role, hashToken(token), JSON.stringify(scopes), nowMs);
          return { token, issuedAtMs: nowMs };
        }),
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
  }

  schemaVersion(): number {
    return readSchemaVersion(this.db);
  }

  getMeta(key: string): string | undefined {
    return this.stmts.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmts.setMeta.run(key, value);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  async backup(destination: string): Promise<void> {
    await this.db.backup(destination);
    if (process.platform !== 'win32') fs.chmodSync(destination, 0o600);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
