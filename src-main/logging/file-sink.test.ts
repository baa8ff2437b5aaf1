import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSink, archivePath, defaultLogDir, resolveLogFilePath } from './file-sink.js';

const isPosix = process.platform !== 'win32';
let dir: string;
const errors: string[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-log-'));
  errors.length = 0;
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function sinkFor(file: string, maxFileBytes = 1024 * 1024, maxArchives = 5): FileSink {
  return new FileSink({ file }, { maxFileBytes, maxArchives }, (m) => errors.push(m));
}

describe('resolveLogFilePath', () => {
  const date = new Date(2026, 0, 5, 23, 59);
  it('uses the dated default name in the default dir', () => {
    expect(resolveLogFilePath({ date })).toBe(path.join(defaultLogDir(), 'openclaw-2026-01-05.log'));
  });
  it('puts the profile in the name', () => {
    expect(resolveLogFilePath({ profile: 'work', date })).toBe(path.join(defaultLogDir(), 'openclaw-work-2026-01-05.log'));
  });
  it('lets logging.file override the whole path', () => {
    expect(resolveLogFilePath({ file: '/var/log/oc.log', profile: 'work', date })).toBe(path.resolve('/var/log/oc.log'));
  });
  it('names archives before the extension', () => {
    expect(archivePath('/x/a.log', 2)).toBe('/x/a.2.log');
    expect(archivePath('/x/a', 1)).toBe('/x/a.1');
  });
});

describe('FileSink', () => {
  it('creates the directory and a 0600 file lazily', () => {
    const file = path.join(dir, 'nested', 'a.log');
    const sink = sinkFor(file);
    expect(fs.existsSync(file)).toBe(false);
    sink.write('one\n', new Date());
    sink.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('one\n');
    if (isPosix) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it.runIf(isPosix)('tightens an existing world-readable file to 0600', () => {
    const file = path.join(dir, 'a.log');
    fs.writeFileSync(file, 'old\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const sink = sinkFor(file);
    sink.write('new\n', new Date());
    sink.close();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('old\nnew\n');
  });

  it('rotates by size and drops the oldest archive', () => {
    const file = path.join(dir, 'a.log');
    const sink = sinkFor(file, 10, 2);
    const now = new Date();
    for (const line of ['l1-xxxxx\n', 'l2-xxxxx\n', 'l3-xxxxx\n', 'l4-xxxxx\n']) sink.write(line, now);
    sink.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('l4-xxxxx\n');
    expect(fs.readFileSync(archivePath(file, 1), 'utf8')).toBe('l3-xxxxx\n');
    expect(fs.readFileSync(archivePath(file, 2), 'utf8')).toBe('l2-xxxxx\n');
    expect(fs.existsSync(archivePath(file, 3))).toBe(false);
    expect(errors).toEqual([]);
  });

  it('counts bytes already in an existing file towards rotation', () => {
    const file = path.join(dir, 'a.log');
    fs.writeFileSync(file, '123456789\n');
    const sink = sinkFor(file, 15, 1);
    sink.write('abcdefghi\n', new Date());
    sink.close();
    expect(fs.readFileSync(archivePath(file, 1), 'utf8')).toBe('123456789\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('abcdefghi\n');
  });

  it('shares one file with another writer: rotates by the real size, and follows the file after the other rotated it', () => {
    // Two processes log to one file (the desktop app and its gateway process): two sinks on one path.
    const file = path.join(dir, 'shared.log');
    const app = sinkFor(file, 40, 3);
    const gateway = sinkFor(file, 40, 3);
    const t0 = new Date(2026, 5, 1, 12, 0, 0);
    const later = new Date(t0.getTime() + 1500);
    app.write('app-1 xxxxxxxxxxxx\n', t0); // 19 bytes
    gateway.write('gw-1 xxxxxxxxxxxxx\n', t0); // 19: the file holds 38
    // The app's own count says 19 + 19 fits; the real size it reads (38) does not: it rotates.
    app.write('app-2 xxxxxxxxxxxx\n', later);
    expect(fs.readFileSync(archivePath(file, 1), 'utf8')).toBe('app-1 xxxxxxxxxxxx\ngw-1 xxxxxxxxxxxxx\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('app-2 xxxxxxxxxxxx\n');
    // The gateway still holds the file that is now the archive; at its next look it writes to the new one.
    gateway.write('gw-2 xxxxxxxxxxxxx\n', later);
    app.close();
    gateway.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('app-2 xxxxxxxxxxxx\ngw-2 xxxxxxxxxxxxx\n');
    expect(fs.readFileSync(archivePath(file, 1), 'utf8')).toBe('app-1 xxxxxxxxxxxx\ngw-1 xxxxxxxxxxxxx\n');
    expect(fs.existsSync(archivePath(file, 2))).toBe(false);
    expect(errors).toEqual([]);
  });

  it('writes to a new file when the log was deleted under it', () => {
    const file = path.join(dir, 'gone.log');
    const sink = sinkFor(file);
    const t0 = new Date(2026, 5, 1, 12, 0, 0);
    sink.write('before\n', t0);
    fs.rmSync(file);
    sink.write('after\n', new Date(t0.getTime() + 1500));
    sink.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('after\n');
  });

  it('rolls over to the next day file at local midnight', () => {
    // Far-past dates keep this clear of real logs in the shared default dir.
    const profile = `test-${process.pid}-${Date.now()}`;
    const sink = new FileSink({ profile }, { maxFileBytes: 1e6, maxArchives: 1 }, (m) => errors.push(m));
    const before = new Date(2001, 0, 1, 23, 59, 59);
    const after = new Date(2001, 0, 2, 0, 0, 1);
    const day1 = resolveLogFilePath({ profile, date: before });
    const day2 = resolveLogFilePath({ profile, date: after });
    try {
      sink.write('a\n', before);
      sink.write('b\n', after);
      sink.close();
      expect(fs.readFileSync(day1, 'utf8')).toBe('a\n');
      expect(fs.readFileSync(day2, 'utf8')).toBe('b\n');
    } finally {
      fs.rmSync(day1, { force: true });
      fs.rmSync(day2, { force: true });
    }
  });

  it('switches to a new path after reconfigure', () => {
    const a = path.join(dir, 'a.log');
    const b = path.join(dir, 'b.log');
    const sink = sinkFor(a);
    sink.write('1\n', new Date());
    sink.reconfigure({ file: b }, { maxFileBytes: 1e6, maxArchives: 1 });
    sink.write('2\n', new Date());
    sink.close();
    expect(fs.readFileSync(a, 'utf8')).toBe('1\n');
    expect(fs.readFileSync(b, 'utf8')).toBe('2\n');
  });

  it('reports an unwritable path once instead of throwing', () => {
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, '');
    const sink = sinkFor(path.join(blocker, 'a.log'));
    sink.write('1\n', new Date());
    sink.write('2\n', new Date());
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('cannot write log file');
  });
});

describe.runIf(isPosix)('FileSink refuses log paths someone else controls', () => {
  it('does not follow a planted symlink, and leaves its target untouched', () => {
    const target = path.join(dir, 'victim.txt');
    fs.writeFileSync(target, 'precious\n', { mode: 0o644 });
    const logDir = path.join(dir, 'logs');
    fs.mkdirSync(logDir, { mode: 0o700 });
    const file = path.join(logDir, 'gateway.log');
    fs.symlinkSync(target, file);
    const sink = sinkFor(file);
    sink.write('{"msg":"x"}\n', new Date());
    sink.close();
    expect(fs.readFileSync(target, 'utf8')).toBe('precious\n');
    expect(fs.statSync(target).mode & 0o777).toBe(0o644);
    expect(errors.join('\n')).toMatch(/refusing log file .*gateway\.log: it is a symbolic link/);
  });

  it('refuses a log directory that is a symlink', () => {
    const real = path.join(dir, 'real');
    fs.mkdirSync(real, { mode: 0o700 });
    const linked = path.join(dir, 'linked');
    fs.symlinkSync(real, linked);
    const sink = sinkFor(path.join(linked, 'gateway.log'));
    sink.write('line\n', new Date());
    expect(fs.readdirSync(real)).toEqual([]);
    expect(errors.join('\n')).toMatch(/refusing log directory .*linked: it is a symbolic link/);
  });

  it.runIf(process.getuid?.() === 0)('refuses a log directory owned by another user', () => {
    const logDir = path.join(dir, 'theirs');
    fs.mkdirSync(logDir, { mode: 0o777 });
    fs.chownSync(logDir, 65534, 65534);
    const sink = sinkFor(path.join(logDir, 'gateway.log'));
    sink.write('line\n', new Date());
    expect(fs.readdirSync(logDir)).toEqual([]);
    expect(errors.join('\n')).toMatch(/belongs to another user \(uid 65534\)/);
  });

  it('creates the directory 0700 and tightens a wider one of ours', () => {
    const logDir = path.join(dir, 'wide');
    fs.mkdirSync(logDir, { mode: 0o755 });
    fs.chmodSync(logDir, 0o755);
    const sink = sinkFor(path.join(logDir, 'gateway.log'));
    sink.write('line\n', new Date());
    sink.close();
    expect(fs.statSync(logDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(logDir, 'gateway.log')).mode & 0o777).toBe(0o600);
    const fresh = path.join(dir, 'a', 'b');
    const sink2 = sinkFor(path.join(fresh, 'gateway.log'));
    sink2.write('line\n', new Date());
    sink2.close();
    expect(fs.statSync(fresh).mode & 0o777).toBe(0o700);
    expect(errors).toEqual([]);
  });
});
