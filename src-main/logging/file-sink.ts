import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where a log file goes: an explicit path, or a per-day name (optionally per profile). */
export interface LogFileTarget {
  file?: string;
  profile?: string;
}

/** Size-rotation limits. */
export interface RotationLimits {
  maxFileBytes: number;
  maxArchives: number;
}

/** Upstream's default directory; Windows has no /tmp, so it uses the temp dir there. */
export function defaultLogDir(): string {
  return process.platform === 'win32' ? path.join(os.tmpdir(), 'openclaw') : '/tmp/openclaw';
}

/**
 * Resolves the log file path: `logging.file` wins outright; otherwise
 * `<defaultLogDir>/openclaw[-<profile>]-YYYY-MM-DD.log` for the host-local date.
 */
export function resolveLogFilePath(opts: { file?: string; profile?: string; date?: Date }): string {
  if (opts.file) return path.resolve(expandHome(opts.file));
  const date = opts.date ?? new Date();
  const profile = opts.profile ? `-${opts.profile.replace(/[^A-Za-z0-9._-]/g, '_')}` : '';
  return path.join(defaultLogDir(), `openclaw${profile}-${localDateStamp(date)}.log`);
}

/** `x.log` → `x.<n>.log` (a name without extension just gets `.<n>`). */
export function archivePath(filePath: string, n: number): string {
  const ext = path.extname(filePath);
  return ext ? `${filePath.slice(0, -ext.length)}.${n}${ext}` : `${filePath}.${n}`;
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

function localDateStamp(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function nextLocalMidnightMs(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

/** How often a sink looks whether its file was rotated away by another process writing the same log. */
const SHARED_CHECK_MS = 1000;

/**
 * Appends lines to the current log file with one synchronous write each
 * (crash-safe: a line is in the kernel before the call returns). Opens
 * lazily, rolls to a new file at local midnight, and rotates by size using a
 * byte count it keeps itself rather than stat-ing on every line.
 *
 * Two processes may write one log (the desktop app and its gateway process):
 * about once a second, and before rotating, a sink reads the file's real size
 * (the other's lines count too) and checks the path still names the file it
 * holds open, so after the other rotated it writes to the new file, not into
 * the archive.
 */
export class FileSink {
  private fd: number | undefined;
  private openPath: string | undefined;
  private size = 0;
  private ino = 0;
  private sharedCheckAtMs = 0;
  private rolloverAtMs = 0;
  private failedPath: string | undefined;

  constructor(
    private target: LogFileTarget,
    private limits: RotationLimits,
    private readonly onError: (message: string) => void,
  ) {}

  /** Applies new settings; a different path takes effect on the next line. */
  reconfigure(target: LogFileTarget, limits: RotationLimits): void {
    this.target = target;
    this.limits = limits;
    this.rolloverAtMs = 0; // re-resolve the path on the next write
    this.failedPath = undefined;
  }

  /** Path the next line will be written to. */
  currentPath(now = new Date()): string {
    return resolveLogFilePath({ ...this.target, date: now });
  }

  write(line: string, now: Date): void {
    if (now.getTime() >= this.rolloverAtMs) this.switchTo(this.currentPath(now), now);
    if (this.fd === undefined) return;
    if (now.getTime() >= this.sharedCheckAtMs) {
      this.sharedCheckAtMs = now.getTime() + SHARED_CHECK_MS;
      if (this.movedAway()) this.open(this.openPath!);
      else this.size = this.realSize();
      if (this.fd === undefined) return;
    }
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.limits.maxFileBytes) {
      if (this.movedAway()) this.open(this.openPath!);
      else this.size = this.realSize();
      if (this.fd !== undefined && this.size > 0 && this.size + bytes > this.limits.maxFileBytes) this.rotate();
    }
    if (this.fd === undefined) return;
    try {
      fs.writeSync(this.fd, line);
      this.size += bytes;
    } catch (err) {
      this.fail(this.openPath ?? '', err);
    }
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed; nothing to recover
      }
    }
    this.fd = undefined;
    this.openPath = undefined;
    this.rolloverAtMs = 0;
  }

  private switchTo(filePath: string, now: Date): void {
    this.rolloverAtMs = nextLocalMidnightMs(now);
    if (filePath === this.openPath && this.fd !== undefined) return;
    this.close();
    this.rolloverAtMs = nextLocalMidnightMs(now);
    // After a failure, retry only when the path changes (new day or new config), not per line.
    if (filePath === this.failedPath) return;
    this.open(filePath);
  }

  /** Whether the path no longer names the open file (rotated or deleted by someone else). */
  private movedAway(): boolean {
    try {
      return fs.statSync(this.openPath!).ino !== this.ino;
    } catch {
      return true;
    }
  }

  private realSize(): number {
    try {
      return fs.fstatSync(this.fd!).size;
    } catch {
      return this.size;
    }
  }

  private open(filePath: string): void {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed; nothing to recover
      }
      this.fd = undefined;
    }
    try {
      const fd = openPrivateLogFile(filePath);
      const st = fs.fstatSync(fd);
      this.fd = fd;
      this.openPath = filePath;
      this.size = st.size;
      this.ino = st.ino;
      this.failedPath = undefined;
    } catch (err) {
      this.fail(filePath, err);
    }
  }

  private rotate(): void {
    const current = this.openPath;
    if (!current) return;
    const rolloverAtMs = this.rolloverAtMs;
    this.close();
    try {
      const { maxArchives } = this.limits;
      if (maxArchives <= 0) {
        fs.rmSync(current, { force: true });
      } else {
        fs.rmSync(archivePath(current, maxArchives), { force: true });
        for (let n = maxArchives - 1; n >= 1; n--) renameIfExists(archivePath(current, n), archivePath(current, n + 1));
        fs.renameSync(current, archivePath(current, 1));
      }
    } catch (err) {
      this.onError(`log rotation failed for ${current}: ${(err as Error).message}`);
    }
    this.open(current);
    this.rolloverAtMs = rolloverAtMs;
  }

  private fail(filePath: string, err: unknown): void {
    this.close();
    this.failedPath = filePath;
    this.onError(`cannot write log file ${filePath}: ${(err as Error).message}`);
  }
}

const IS_POSIX = process.platform !== 'win32';
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * Opens a log file for appending so that nobody else can choose what it is: the directory must be a real
 * directory owned by this user (created 0700, and tightened to 0700 when it is ours but wider), and the file is
 * opened without following a symlink and must be a regular file of ours with one link. The default directory
 * sits in a shared /tmp, where another local user could otherwise plant a link and have the gateway append to,
 * and chmod, a file of their choosing.
 */
export function openPrivateLogFile(filePath: string): number {
  const dir = path.dirname(filePath);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (IS_POSIX) {
    const uid = process.getuid!();
    const dst = fs.lstatSync(dir);
    if (dst.isSymbolicLink()) throw new Error(`refusing log directory ${dir}: it is a symbolic link`);
    if (!dst.isDirectory()) throw new Error(`refusing log directory ${dir}: it is not a directory`);
    if (dst.uid !== uid) throw new Error(`refusing log directory ${dir}: it belongs to another user (uid ${dst.uid}); remove it or set logging.file`);
    if ((dst.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  }
  let fd: number;
  try {
    fd = fs.openSync(filePath, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | O_NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`refusing log file ${filePath}: it is a symbolic link`);
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`refusing log file ${filePath}: it is not a regular file`);
    if (IS_POSIX) {
      if (st.uid !== process.getuid!()) throw new Error(`refusing log file ${filePath}: it belongs to another user (uid ${st.uid})`);
      if (st.nlink > 1) throw new Error(`refusing log file ${filePath}: it has other hard links`);
      // An existing file keeps its mode on open; logs may hold chat content.
      if ((st.mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600);
    }
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
