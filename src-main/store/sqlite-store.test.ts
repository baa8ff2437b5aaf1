import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestVersion } from './migrate.js';
import { openSqliteStore } from './sqlite-store.js';
import { SchemaTooNewError, UnknownDeviceError, type DeviceRecord, type Store } from './types.js';

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

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-store-'));
  dbPath = path.join(dir, 'state', 'openclaw.sqlite');
  store = openSqliteStore(dbPath);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('opening', () => {
  it('creates the parent dir and a 0600 database in WAL mode at the latest schema', () => {
    expect(store.path).toBe(dbPath);
    expect(store.schemaVersion()).toBe(latestVersion());
    store.setMeta('k', 'v'); // forces the -wal file into existence
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

  it('keeps data across close and reopen', () => {
    store.setMeta('gateway.token.created', '123');
    store.devices.upsert(device());
    const { token } = store.deviceTokens.issue('dev-1', 'operator', ['operator.read'], 5000);
    store.close();
    store.close(); // idempotent
    store = openSqliteStore(dbPath);
    expect(store.getMeta('gateway.token.created')).toBe('123');
    expect(store.devices.get('dev-1')).toEqual(device());
    expect(store.deviceTokens.verify('dev-1', 'operator', token)).toBeDefined();
  });

  it('refuses a database written by a newer build', () => {
    store.close();
    const raw = new Database(dbPath);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => (store = openSqliteStore(dbPath))).toThrow(SchemaTooNewError);
    expect(() => openSqliteStore(dbPath)).toThrow(new RegExp(`version 999.*\\(${latestVersion()}\\)`));
    store = openSqliteStore(':memory:'); // something for afterEach to close
  });

  it('works in memory', () => {
    const mem = openSqliteStore(':memory:');
    mem.setMeta('a', 'b');
    expect(mem.getMeta('a')).toBe('b');
    expect(mem.path).toBe(':memory:');
    mem.close();
  });
});

describe('meta', () => {
  it('returns undefined for a missing key and overwrites on set', () => {
    expect(store.getMeta('nope')).toBeUndefined();
    store.setMeta('a', '1');
    store.setMeta('a', '2');
    expect(store.getMeta('a')).toBe('2');
  });
});

describe('devices', () => {
  it('round-trips optional fields and lists oldest first', () => {
    const full = device({ deviceId: 'dev-2', clientId: 'cli', clientMode: 'cli', platform: 'linux', deviceFamily: 'desktop', displayName: 'Laptop', lastSeenAtMs: 3000, createdAtMs: 500 });
    store.devices.upsert(device());
    store.devices.upsert(full);
    expect(store.devices.get('dev-2')).toEqual(full);
    expect(store.devices.list().map((d) => d.deviceId)).toEqual(['dev-2', 'dev-1']);
  });

  it('replaces the whole record on upsert', () => {
    store.devices.upsert(device({ displayName: 'Old' }));
    store.devices.upsert(device({ scopes: ['operator.admin'] }));
    const got = store.devices.get('dev-1');
    expect(got?.scopes).toEqual(['operator.admin']);
    expect(got?.displayName).toBeUndefined();
  });

  it('touches last-seen and ignores unknown devices', () => {
    store.devices.upsert(device());
    store.devices.touch('dev-1', 9999);
    store.devices.touch('ghost', 1);
    expect(store.devices.get('dev-1')?.lastSeenAtMs).toBe(9999);
    expect(store.devices.get('ghost')).toBeUndefined();
  });

  it('removes a device together with its tokens', () => {
    store.devices.upsert(device());
    const { token } = store.deviceTokens.issue('dev-1', 'operator', [], 1);
    store.deviceTokens.issue('dev-1', 'node', [], 1);
    expect(store.devices.remove('dev-1')).toBe(true);
    expect(store.devices.remove('dev-1')).toBe(false);
    expect(store.deviceTokens.verify('dev-1', 'operator', token)).toBeUndefined();
    // Re-pairing the same id must not resurrect old tokens.
    store.devices.upsert(device());
    expect(store.deviceTokens.verify('dev-1', 'operator', token)).toBeUndefined();
    expect(store.deviceTokens.revoke('dev-1')).toBe(0);
  });
});

describe('device tokens', () => {
  beforeEach(() => store.devices.upsert(device()));

  it('issues a 32-byte base64url token that verifies with its scopes', () => {
    const { token, issuedAtMs } = store.deviceTokens.issue('dev-1', 'operator', ['operator.read'], 4242);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issuedAtMs).toBe(4242);
    expect(store.deviceTokens.verify('dev-1', 'operator', token)).toEqual({ deviceId: 'dev-1', role: 'operator', scopes: ['operator.read'], issuedAtMs: 4242 });
  });

  it('rejects a wrong token, role or device', () => {
    const { token } = store.deviceTokens.issue('dev-1', 'operator', [], 1);
    expect(store.deviceTokens.verify('dev-1', 'operator', `${token}x`)).toBeUndefined();
    expect(store.deviceTokens.verify('dev-1', 'operator', '')).toBeUndefined();
    expect(store.deviceTokens.verify('dev-1', 'node', token)).toBeUndefined();
    expect(store.deviceTokens.verify('dev-2', 'operator', token)).toBeUndefined();
  });

  it('stores only the hash of the token', () => {
    const { token } = store.deviceTokens.issue('dev-1', 'operator', [], 1);
    store.close();
    const bytes = fs.readFileSync(dbPath).toString('latin1') + (fs.existsSync(`${dbPath}-wal`) ? fs.readFileSync(`${dbPath}-wal`).toString('latin1') : '');
    expect(bytes).not.toContain(token);
    store = openSqliteStore(dbPath);
  });

  it('replaces the older token for the same device and role', () => {
    const first = store.deviceTokens.issue('dev-1', 'operator', ['a'], 1);
    const second = store.deviceTokens.issue('dev-1', 'operator', ['b'], 2);
    expect(store.deviceTokens.verify('dev-1', 'operator', first.token)).toBeUndefined();
    expect(store.deviceTokens.verify('dev-1', 'operator', second.token)?.scopes).toEqual(['b']);
  });

  it('revokes one role or all of them', () => {
    const op = store.deviceTokens.issue('dev-1', 'operator', [], 1);
    const node = store.deviceTokens.issue('dev-1', 'node', [], 1);
    expect(store.deviceTokens.revoke('dev-1', 'operator')).toBe(1);
    expect(store.deviceTokens.verify('dev-1', 'operator', op.token)).toBeUndefined();
    expect(store.deviceTokens.verify('dev-1', 'node', node.token)).toBeDefined();
    store.deviceTokens.issue('dev-1', 'operator', [], 2);
    expect(store.deviceTokens.revoke('dev-1')).toBe(2);
    expect(store.deviceTokens.revoke('dev-1')).toBe(0);
  });

  it('refuses to issue for an unknown device', () => {
    expect(() => store.deviceTokens.issue('ghost', 'operator', [], 1)).toThrow(UnknownDeviceError);
  });
});

describe('transaction', () => {
  it('rolls back every write when the function throws', () => {
    expect(() =>
      store.transaction(() => {
        store.setMeta('a', '1');
        store.devices.upsert(device());
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.getMeta('a')).toBeUndefined();
    expect(store.devices.list()).toEqual([]);
  });

  it('returns the function result and nests', () => {
    const result = store.transaction(() => {
      store.setMeta('a', '1');
      return store.transaction(() => store.getMeta('a'));
    });
    expect(result).toBe('1');
  });
});
