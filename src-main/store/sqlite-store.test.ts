import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestVersion } from './migrate.js';
import { openSqliteStore } from './sqlite-store.js';
import { SchemaTooNewError, type DeviceRecord, type Store } from './types.js';

const isPosix = process.platform !== 'win32';
let dir: string;
let dbPath: string;
let store: Store;

const device = (overrides: Partial<DeviceRecord> = {}): DeviceRecord => ({
  deviceId: 'dev-1',
  publicKey: 'pk-1',
  role: 'operator',
  scopes: ['operator.read', 'operator.write'],
  createdAtMs: 1000,
  approvedAtMs: 2000,
  ...overrides,
});

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-store-'));
  dbPath = path.join(dir, 'state', 'openclaw.sqlite');
  store = openSqliteStore(dbPath);
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('opening', () => {
  it('creates the parent dir and a 0600 database in WAL mode at the latest schema', async () => {
    expect(store.path).toBe(dbPath);
    expect(await store.schemaVersion()).toBe(latestVersion());
    (await store.setMeta('k', 'v')); // forces the -wal file into existence
    if (isPosix) {
      expect(fs.statSync(path.dirname(dbPath)).mode & 0o777).toBe(0o700);
      expect(fs.statSync(dbPath).mode & 0o777).toBe(0o600);
      expect(fs.statSync(`${dbPath}-wal`).mode & 0o777).toBe(0o600);
    }
    const raw = new Database(dbPath, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('keeps data across close and reopen', async () => {
    await store.setMeta('gateway.token.created', '123');
    await store.devices.upsert(device());
    const { token } = await store.deviceTokens.issue('dev-1', 'operator', ['operator.read'], 5000);
    await store.close();
    (await store.close()); // idempotent
    store = openSqliteStore(dbPath);
    expect(await store.getMeta('gateway.token.created')).toBe('123');
    expect(await store.devices.get('dev-1')).toEqual(device());
    expect(await store.deviceTokens.verify('dev-1', 'operator', token)).toBeDefined();
  });

  it('refuses a database written by a newer build', async () => {
    await store.close();
    const raw = new Database(dbPath);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => (store = openSqliteStore(dbPath))).toThrow(SchemaTooNewError);
    expect(() => openSqliteStore(dbPath)).toThrow(new RegExp(`version 999.*\\(${latestVersion()}\\)`));
    store = openSqliteStore(':memory:'); // something for afterEach to close
  });

  it('works in memory', async () => {
    const mem = openSqliteStore(':memory:');
    await mem.setMeta('a', 'b');
    expect(await mem.getMeta('a')).toBe('b');
    expect(mem.path).toBe(':memory:');
    await mem.close();
  });
});

describe('device tokens', () => {
  beforeEach(async () => await store.devices.upsert(device()));

  it('stores only the hash of the token', async () => {
    const { token } = await store.deviceTokens.issue('dev-1', 'operator', [], 1);
    await store.close();
    const bytes = fs.readFileSync(dbPath).toString('latin1') + (fs.existsSync(`${dbPath}-wal`) ? fs.readFileSync(`${dbPath}-wal`).toString('latin1') : '');
    expect(bytes).not.toContain(token);
    store = openSqliteStore(dbPath);
  });
});
