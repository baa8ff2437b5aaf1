import fs from 'node:fs';
import path from 'node:path';
import { StoreUnavailableError, type Store } from './types.js';

export { StoreUnavailableError };

/** What `health` says about the store. */
export interface StoreHealth {
  ok: boolean;
  path: string;
  /** Plain words: what is wrong and what to do. */
  error?: string;
  /** Where the data was saved when the database file vanished under the running gateway. */
  recoveredCopy?: string;
  lastErrorAtMs?: number;
}

export interface StoreGuardLogger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface GuardedStore {
  store: Store;
  health(): StoreHealth;
  /** Stops the file check; the store itself is closed by its owner. */
  dispose(): void;
}

export interface StoreGuardOptions {
  log: StoreGuardLogger;
  /** Called when health changes (to push a health event). */
  onHealthChange?(): void;
  /** How often an idle gateway looks at its database file (default 2 s). Busy ones look on use, at most every 250 ms. */
  checkIntervalMs?: number;
  /** The same failure is logged again only after this long (default 60 s). */
  relogAfterMs?: number;
  /** A storage error keeps health red for this long (default 60 s). */
  errorHoldMs?: number;
  /** Saves the open database elsewhere (SQLite's online backup); used when the file vanished. */
  backup?(destination: string): Promise<void>;
}

const CHECK_ON_USE_MS = 250;
// Errors that come from the database engine carry a SQLITE_* code; anything else is a caller's own error.
const isEngineError = (err: unknown): err is Error & { code: string } => {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
};

/**
 * Wraps every store call in one guard: the database file is checked (on use, throttled, and on a timer while
 * idle) and once it was deleted or replaced under the running gateway every call is refused, instead of writing
 * into a file nobody will read again; each engine failure (locked, full, corrupt) is logged once with its cause
 * and shows in health, and turned into a {@link StoreUnavailableError} with plain words.
 */
export function guardStore(inner: Store, opts: StoreGuardOptions): GuardedStore {
  const file = inner.backend !== 'sqlite' || inner.path === ':memory:' ? undefined : path.resolve(inner.path);
  const identity = file ? fileIdentity(file) : undefined;
  const relogAfterMs = opts.relogAfterMs ?? 60_000;
  const errorHoldMs = opts.errorHoldMs ?? 60_000;
  let gone: string | undefined;
  let recoveredCopy: string | undefined;
  let lastError: { message: string; atMs: number } | undefined;
  const logged = new Map<string, number>();
  let lastCheckMs = Date.now();

  const checkFile = (): void => {
    lastCheckMs = Date.now();
    if (!file || !identity || gone) return;
    const now = fileIdentity(file);
    if (now && now.dev === identity.dev && now.ino === identity.ino) return;
    gone = now
      ? `the database file ${file} was replaced while the gateway was running`
      : `the database file ${file} was deleted while the gateway was running`;
    opts.log.error('storage lost its database file; new work is refused', { path: file, reason: gone });
    void saveCopy(file);
    opts.onHealthChange?.();
  };

  // The open connection still reads the old file: keep what it holds before anything else can go wrong.
  const saveCopy = async (dbFile: string): Promise<void> => {
    if (!opts.backup) return;
    const dest = `${dbFile}.recovered-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await opts.backup(dest);
      recoveredCopy = dest;
      opts.log.warn('saved the data of the lost database file', { path: dest });
      opts.onHealthChange?.();
    } catch (err) {
      opts.log.error('could not save the data of the lost database file', { path: dest, err });
    }
  };

  const failed = (): StoreUnavailableError =>
    new StoreUnavailableError(`storage unavailable: ${gone}; restart the gateway once the file is back${recoveredCopy ? ` (a copy of its data is at ${recoveredCopy})` : ''}`);

  const onEngineError = (err: Error & { code: string }, op: string): StoreUnavailableError => {
    const now = Date.now();
    const key = `${err.code}:${err.message}`;
    const wasRed = lastError !== undefined && now - lastError.atMs < errorHoldMs;
    lastError = { message: `${err.message} (${err.code})`, atMs: now };
    if ((logged.get(key) ?? -Infinity) + relogAfterMs <= now) {
      logged.set(key, now);
      if (logged.size > 100) logged.clear();
      opts.log.error('storage failure', { op, code: err.code, err, path: file ?? inner.path });
    }
    if (!wasRed) opts.onHealthChange?.();
    return new StoreUnavailableError(`storage unavailable: ${explain(err)}`, { cause: err });
  };

  // A backend that is not SQLite (PostgreSQL) reports an unreachable database as StoreUnavailableError itself.
  const onUnavailable = (err: StoreUnavailableError, op: string): StoreUnavailableError => {
    const code = (err.cause as { code?: unknown } | undefined)?.code;
    onEngineError(Object.assign(new Error(err.message), { code: typeof code === 'string' ? code : err.code }), op);
    return err;
  };

  const guard = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, op: string) =>
    async function guarded(this: unknown, ...args: A): Promise<R> {
      if (Date.now() - lastCheckMs >= CHECK_ON_USE_MS) checkFile();
      if (gone) throw failed();
      try {
        return await fn.apply(this, args);
      } catch (err) {
        if (err instanceof StoreUnavailableError) throw onUnavailable(err, op);
        throw isEngineError(err) ? onEngineError(err, op) : err;
      }
    };

  const wrapRepo = <T extends object>(repo: T, name: string): T => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(repo)) {
      out[key] = typeof value === 'function' ? guard(value.bind(repo) as (...a: unknown[]) => Promise<unknown>, `${name}.${key}`) : value;
    }
    return out as T;
  };

  const store: Store = {
    backend: inner.backend,
    path: inner.path,
    schemaVersion: guard(() => inner.schemaVersion(), 'schemaVersion'),
    getMeta: guard((k: string) => inner.getMeta(k), 'getMeta'),
    setMeta: guard((k: string, v: string) => inner.setMeta(k, v), 'setMeta'),
    transaction: guard((fn: Parameters<Store['transaction']>[0]) => inner.transaction(fn), 'transaction') as Store['transaction'],
    close: () => inner.close(),
    backup: inner.backup?.bind(inner),
    ...(inner.lease ? { lease: inner.lease.bind(inner) } : {}),
    ...(inner.coordination ? { coordination: inner.coordination } : {}),
    ...(inner.tables ? { tables: inner.tables } : {}),
    devices: wrapRepo(inner.devices, 'devices'),
    deviceTokens: wrapRepo(inner.deviceTokens, 'deviceTokens'),
    sessions: wrapRepo(inner.sessions, 'sessions'),
    transcript: wrapRepo(inner.transcript, 'transcript'),
    queue: wrapRepo(inner.queue, 'queue'),
    channelPairing: wrapRepo(inner.channelPairing, 'channelPairing'),
    outbox: wrapRepo(inner.outbox, 'outbox'),
    usage: wrapRepo(inner.usage, 'usage'),
    nodeApprovals: wrapRepo(inner.nodeApprovals, 'nodeApprovals'),
    channelState: wrapRepo(inner.channelState, 'channelState'),
    cron: wrapRepo(inner.cron, 'cron'),
  };

  const timer = file ? setInterval(checkFile, opts.checkIntervalMs ?? 2000) : undefined;
  timer?.unref();

  return {
    store,
    health() {
      if (Date.now() - lastCheckMs >= CHECK_ON_USE_MS) checkFile();
      const h: StoreHealth = { ok: true, path: file ?? inner.path };
      if (gone) {
        h.ok = false;
        h.error = failed().message;
        if (recoveredCopy) h.recoveredCopy = recoveredCopy;
      } else if (lastError && Date.now() - lastError.atMs < errorHoldMs) {
        h.ok = false;
        h.error = `storage failed ${Math.round((Date.now() - lastError.atMs) / 1000)} s ago: ${lastError.message}`;
      }
      if (lastError) h.lastErrorAtMs = lastError.atMs;
      return h;
    },
    dispose() {
      if (timer) clearInterval(timer);
    },
  };
}

function fileIdentity(file: string): { dev: number; ino: number } | undefined {
  try {
    const st = fs.statSync(file);
    return { dev: st.dev, ino: st.ino };
  } catch {
    return undefined;
  }
}

/** The engine's error in words a person can act on. */
function explain(err: Error & { code: string }): string {
  if (err.code === 'SQLITE_BUSY' || err.code.startsWith('SQLITE_BUSY_') || err.code === 'SQLITE_LOCKED') {
    return 'the database is locked by another process (is another program holding openclaw.sqlite open?)';
  }
  if (err.code === 'SQLITE_FULL') return 'the disk is full';
  if (err.code === 'SQLITE_READONLY' || err.code.startsWith('SQLITE_READONLY_')) return 'the database file is read-only';
  if (err.code === 'SQLITE_CORRUPT' || err.code === 'SQLITE_NOTADB') return 'the database file is damaged';
  if (err.code.startsWith('SQLITE_IOERR')) return `the database could not be read or written (${err.message})`;
  return `${err.message} (${err.code})`;
}
