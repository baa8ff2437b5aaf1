import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Waiters } from '../../test-support/wait-until.js';
import { openSqliteStore } from './sqlite-store.js';
import { guardStore, StoreUnavailableError, type GuardedStore } from './store-guard.js';
import { UnknownDeviceError, type Store } from './types.js';

let dir: string;
let dbPath: string;
let raw: Store;
let guarded: GuardedStore;
const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
let healthChanges = 0;
const changes = new Waiters();
/** Event-driven: the guard calls onHealthChange, so wait for its report rather than poll. */
const waitFor = <T>(check: () => T | undefined, what: string) => changes.until(check, 5000, what);

function open(busyTimeoutMs = 5000): void {
  raw = openSqliteStore(dbPath, { busyTimeoutMs });
  guarded = guardStore(raw, {
    log: { error: (msg, fields) => lines.push({ level: 'error', msg, fields }), warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }) },
    backup: raw.backup?.bind(raw),
    onHealthChange: () => {
      healthChanges++;
      changes.notify();
    },
    checkIntervalMs: 50,
  });
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-guard-'));
  dbPath = path.join(dir, 'state', 'openclaw.sqlite');
  lines.length = 0;
  healthChanges = 0;
});
afterEach(async () => {
  guarded.dispose();
  await raw.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('guardStore', () => {
  it('passes calls and a caller’s own errors through unchanged', async () => {
    open();
    const s = guarded.store;
    const session = await s.sessions.ensure('agent:main:main', 'main', 1, () => 'sid-1');
    expect((await s.sessions.ensure('agent:main:main', 'main', 2, () => 'other')).sessionId).toBe(session.sessionId);
    await expect(s.deviceTokens.issue('nobody', 'operator', [], 1)).rejects.toThrow(UnknownDeviceError);
    expect(guarded.health()).toEqual({ ok: true, path: dbPath });
    expect(lines).toEqual([]);
  });

  it('refuses every call once the database file is deleted, turns health red and saves the data', async () => {
    open();
    const s = guarded.store;
    const session = await s.sessions.ensure('agent:main:main', 'main', 1, () => 'sid-1');
    await s.setMeta('canary', 'kept');
    fs.rmSync(dbPath);
    await waitFor(() => (guarded.health().ok ? undefined : true), 'health to notice the deleted file');
    await expect(s.sessions.ensure('agent:main:other', 'main', 2, () => 'sid-2')).rejects.toThrow(StoreUnavailableError);
    await expect(s.getMeta('canary')).rejects.toThrow(/storage unavailable: the database file .* was deleted while the gateway was running/);
    await waitFor(() => guarded.health().recoveredCopy, 'the recovered copy');
    const copy = new Database(guarded.health().recoveredCopy!, { readonly: true });
    expect(copy.prepare("SELECT value FROM meta WHERE key = 'canary'").get()).toEqual({ value: 'kept' });
    expect(copy.prepare('SELECT count(*) AS n FROM sessions WHERE session_id = ?').get(session.sessionId)).toEqual({ n: 1 });
    copy.close();
    expect(lines.filter((l) => l.msg.startsWith('storage lost its database file'))).toHaveLength(1);
    expect(healthChanges).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(dbPath)).toBe(false); // nothing wrote a fresh, empty database in its place
  });

  it('notices a database file replaced by another one', async () => {
    open();
    fs.renameSync(dbPath, `${dbPath}.old`);
    fs.writeFileSync(dbPath, '');
    await waitFor(() => (guarded.health().ok ? undefined : true), 'health to notice the replaced file');
    expect(guarded.health().error).toMatch(/was replaced while the gateway was running/);
    await expect(guarded.store.setMeta('a', 'b')).rejects.toThrow(StoreUnavailableError);
  });

  it('logs an engine failure once with its cause, says it plainly, and recovers', async () => {
    open(50);
    const other = new Database(dbPath);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    try {
      for (let i = 0; i < 3; i++) {
        await expect(guarded.store.setMeta('k', String(i))).rejects.toThrow(/storage unavailable: the database is locked by another process/);
      }
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const failures = lines.filter((l) => l.msg === 'storage failure');
    expect(failures).toHaveLength(1);
    expect(failures[0].fields).toMatchObject({ op: 'setMeta', code: 'SQLITE_BUSY' });
    expect(guarded.health()).toMatchObject({ ok: false, error: expect.stringMatching(/database is locked \(SQLITE_BUSY\)/) });
    await guarded.store.setMeta('k', 'after');
    expect(await guarded.store.getMeta('k')).toBe('after');
  });
});
