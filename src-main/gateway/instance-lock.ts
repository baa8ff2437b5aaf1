/**
 * One gateway per state directory: `<stateDir>/gateway.lock` names the process
 * that owns the directory, so a second start fails fast and says who holds it
 * instead of fighting over the port and the database.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Contents of the lock file. */
export interface LockHolder {
  pid: number;
  port?: number;
  startedAtMs: number;
  hostname: string;
}

/** A held lock. */
export interface InstanceLock {
  lockPath: string;
  /** Removes the lock file if it is still ours; idempotent. */
  release(): void;
  /** Records the port once it is known (e.g. after binding port 0). */
  update(port: number): void;
}

/** Another live process holds the state dir. */
export class InstanceLockedError extends Error {
  override readonly name = 'InstanceLockedError';
  constructor(
    readonly holder: LockHolder,
    readonly lockPath: string,
  ) {
    const port = holder.port === undefined ? '' : `, port ${holder.port}`;
    const started = Number.isFinite(holder.startedAtMs) ? new Date(holder.startedAtMs).toISOString() : 'at an unknown time';
    super(`another gateway is running on this state dir (pid ${holder.pid}${port}, started ${started}); stop it first or use --profile <name>`);
  }
}

const LOCK_FILE = 'gateway.lock';
const MAX_ATTEMPTS = 100;
const CONTENDED_WAIT_MS = 10;
// A breaker finishes in microseconds; an older break file means its owner died mid-break.
const STALE_BREAK_MS = 10_000;

// Lock paths this process holds: tells "our own pid because we hold it" from
// "our own pid reused" (a container restart where the gateway is always pid 1).
const heldByThisProcess = new Set<string>();

/**
 * Takes the gateway lock for `stateDir` (created 0700 if missing). A lock left
 * by a dead process, or an unreadable one, is replaced.
 * @throws {InstanceLockedError} when a live process holds it
 */
export function acquireInstanceLock(opts: { stateDir: string; port?: number }): InstanceLock {
  const stateDir = path.resolve(opts.stateDir);
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const lockPath = path.join(stateDir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, startedAtMs: Date.now(), hostname: os.hostname() };
  if (opts.port !== undefined) holder.port = opts.port;

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (tryCreateLock(lockPath, JSON.stringify(holder))) {
      heldByThisProcess.add(lockPath);
      return makeHandle(lockPath, holder);
    }
    const raw = readRaw(lockPath);
    if (raw === undefined) continue; // released between our create and our read
    const existing = parseHolder(raw);
    if (existing && isLive(existing, lockPath)) throw new InstanceLockedError(existing, lockPath);
    breakStaleLock(lockPath, raw);
  }
  throw new Error(`could not acquire ${lockPath}: too much contention`);
}

/**
 * The gateway that holds `stateDir` now, read from its lock (pid and port), or undefined when none runs:
 * a lock whose process is gone is ignored. Clients use it to find a gateway started with `--port`.
 */
export function readLiveGateway(stateDir: string): LockHolder | undefined {
  const lockPath = path.join(path.resolve(stateDir), LOCK_FILE);
  let raw: string | undefined;
  try {
    raw = readRaw(lockPath);
  } catch {
    return undefined;
  }
  const holder = raw === undefined ? undefined : parseHolder(raw);
  return holder && isLive(holder, lockPath) ? holder : undefined;
}

function makeHandle(lockPath: string, holder: LockHolder): InstanceLock {
  const isStillOurs = () => {
    const current = parseHolder(readRaw(lockPath) ?? '');
    return current?.pid === holder.pid && current.startedAtMs === holder.startedAtMs;
  };
  return {
    lockPath,
    release() {
      if (!heldByThisProcess.has(lockPath)) return;
      heldByThisProcess.delete(lockPath);
      if (isStillOurs()) fs.rmSync(lockPath, { force: true });
    },
    update(port: number) {
      if (!heldByThisProcess.has(lockPath) || !isStillOurs()) return;
      holder.port = port;
      // Rename over the lock so a concurrent reader never sees a half-written file.
      const tmp = tempPathFor(lockPath);
      fs.writeFileSync(tmp, JSON.stringify(holder), { mode: 0o600 });
      fs.renameSync(tmp, lockPath);
    },
  };
}

/**
 * Creates the lock file exclusively with its full contents. The contents go to
 * a temp file first and are hard-linked into place (link fails if the target
 * exists, like O_EXCL), so no reader ever sees an empty lock and mistakes it
 * for garbage. Where hard links are unsupported it falls back to `wx`.
 */
function tryCreateLock(lockPath: string, content: string): boolean {
  const tmp = tempPathFor(lockPath);
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  try {
    fs.linkSync(tmp, lockPath);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw err;
    return createExclusive(lockPath, content);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function createExclusive(lockPath: string, content: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Removes a lock judged stale, but only if it still holds exactly what was
 * judged: two starters may both see the same stale lock, and without this the
 * slower one would delete the faster one's fresh lock and both would run.
 */
function breakStaleLock(lockPath: string, staleContent: string): void {
  const breakPath = `${lockPath}.break`;
  let fd: number;
  try {
    fd = fs.openSync(breakPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (isOlderThan(breakPath, STALE_BREAK_MS)) fs.rmSync(breakPath, { force: true });
    else sleepSync(CONTENDED_WAIT_MS);
    return;
  }
  try {
    if (readRaw(lockPath) === staleContent) fs.rmSync(lockPath, { force: true });
  } finally {
    fs.closeSync(fd);
    fs.rmSync(breakPath, { force: true });
  }
}

// The hostname is only shown, never compared: macOS hostnames change with the
// network, and trusting them would strand a lock forever.
function isLive(holder: LockHolder, lockPath: string): boolean {
  if (holder.pid === process.pid) return heldByThisProcess.has(lockPath);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder> | null;
    // pid 0 or negative would make kill() probe a process group.
    if (!value || !Number.isInteger(value.pid) || (value.pid as number) <= 0) return undefined;
    return {
      pid: value.pid as number,
      ...(typeof value.port === 'number' ? { port: value.port } : {}),
      startedAtMs: typeof value.startedAtMs === 'number' ? value.startedAtMs : Number.NaN,
      hostname: typeof value.hostname === 'string' ? value.hostname : '',
    };
  } catch {
    return undefined;
  }
}

function readRaw(lockPath: string): string | undefined {
  try {
    return fs.readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isOlderThan(p: string, ms: number): boolean {
  try {
    return Date.now() - fs.statSync(p).mtimeMs > ms;
  } catch {
    return false; // gone already: the caller just retries
  }
}

function tempPathFor(lockPath: string): string {
  return `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

// Acquiring happens once at startup and contention lasts microseconds, so a
// short synchronous wait keeps the API synchronous without spinning the CPU.
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
