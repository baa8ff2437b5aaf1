import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, InstanceLockedError, type LockHolder } from './instance-lock.js';

const isPosix = process.platform !== 'win32';
let stateDir: string;
let lockPath: string;
const children: ChildProcess[] = [];
const releases: (() => void)[] = [];

function spawnIdleNode(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function writeHolder(holder: Partial<LockHolder>): void {
  fs.writeFileSync(lockPath, JSON.stringify({ startedAtMs: Date.now(), hostname: 'test-host', ...holder }), { mode: 0o600 });
}

function acquire(port?: number) {
  const lock = acquireInstanceLock({ stateDir, port });
  releases.push(() => lock.release());
  return lock;
}

beforeEach(() => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-lock-'));
  stateDir = path.join(root, 'state');
  lockPath = path.join(stateDir, 'gateway.lock');
});

afterEach(async () => {
  for (const release of releases.splice(0)) release();
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
    await exited(child);
  }
  fs.rmSync(path.dirname(stateDir), { recursive: true, force: true });
});

describe('acquireInstanceLock', () => {
  it('creates the state dir and a 0600 lock naming this process', () => {
    const lock = acquire(18789);
    expect(lock.lockPath).toBe(lockPath);
    const holder = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockHolder;
    expect(holder).toMatchObject({ pid: process.pid, port: 18789, hostname: os.hostname() });
    expect(typeof holder.startedAtMs).toBe('number');
    if (isPosix) {
      expect(fs.statSync(stateDir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(lockPath).mode & 0o777).toBe(0o600);
    }
    expect(fs.readdirSync(stateDir)).toEqual(['gateway.lock']); // no temp files left behind
  });

  it('refuses when a live process holds the lock, naming its pid and port', async () => {
    const child = spawnIdleNode();
    await new Promise((resolve) => child.once('spawn', resolve));
    fs.mkdirSync(stateDir, { recursive: true });
    writeHolder({ pid: child.pid!, port: 18789 });
    const before = fs.readFileSync(lockPath, 'utf8');

    let error: unknown;
    try {
      acquire();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InstanceLockedError);
    const locked = error as InstanceLockedError;
    expect(locked.message).toMatch(new RegExp(`^another gateway is running on this state dir \\(pid ${child.pid}, port 18789, started \\d{4}-.*\\); stop it first or use --profile <name>$`));
    expect(locked.holder.pid).toBe(child.pid);
    expect(locked.lockPath).toBe(lockPath);
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(before);
  });

  it('recovers a lock left by a process killed with SIGKILL', async () => {
    const child = spawnIdleNode();
    await new Promise((resolve) => child.once('spawn', resolve));
    fs.mkdirSync(stateDir, { recursive: true });
    writeHolder({ pid: child.pid!, port: 1 });
    child.kill('SIGKILL');
    await exited(child);

    acquire(2);
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, port: 2 });
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not json {'],
    ['JSON without a pid', '{"port":1}'],
    ['a process-group pid', '{"pid":0}'],
  ])('recovers a lock file that is %s', (_name, content) => {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(lockPath, content);
    acquire();
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
  });

  it('takes over a lock with our own pid that this process does not hold (pid reuse after restart)', () => {
    fs.mkdirSync(stateDir, { recursive: true });
    writeHolder({ pid: process.pid, startedAtMs: 1 });
    acquire();
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8')).startedAtMs).not.toBe(1);
  });

  it('refuses a second acquire in the same process, including after recovering a stale lock', () => {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(lockPath, 'stale');
    acquire(18789);
    expect(() => acquire()).toThrow(InstanceLockedError);
    expect(() => acquire()).toThrow(`pid ${process.pid}, port 18789`);
  });

  it('release removes the file, is idempotent, and allows a new acquire', () => {
    const lock = acquire();
    lock.release();
    lock.release();
    expect(fs.existsSync(lockPath)).toBe(false);
    acquire();
    expect(fs.existsSync(lockPath)).toBe(true);
  });

  it('release leaves a lock that is no longer ours', () => {
    const lock = acquire();
    writeHolder({ pid: 999_999, port: 5 });
    lock.release();
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid).toBe(999_999);
  });

  it('update records the port', () => {
    const lock = acquire();
    lock.update(40123);
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, port: 40123 });
    if (isPosix) expect(fs.statSync(lockPath).mode & 0o777).toBe(0o600);
  });
});

describe('acquireInstanceLock across processes', () => {
  // Bundle the module to plain JS so real child processes can race on it.
  function bundleLockModule(dir: string): string {
    const outfile = path.join(dir, 'instance-lock.mjs');
    buildSync({ entryPoints: [path.join(import.meta.dirname, 'instance-lock.ts')], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
    return outfile;
  }

  function spawnRacer(moduleFile: string): { child: ChildProcess; ready: Promise<void>; result: Promise<string> } {
    const script = `
      import { acquireInstanceLock } from ${JSON.stringify(pathToFileURL(moduleFile).href)};
      process.stdin.once('data', () => {
        try {
          acquireInstanceLock({ stateDir: ${JSON.stringify(stateDir)} });
          process.stdout.write('won\\n');
          setInterval(() => {}, 1000); // hold the lock until killed
        } catch (err) {
          process.stdout.write((err.name === 'InstanceLockedError' ? 'lost' : 'error ' + err.message) + '\\n');
          process.exit(0);
        }
      });
      process.stdout.write('ready\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    let onReady: () => void;
    let onResult: (s: string) => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const result = new Promise<string>((resolve) => (onResult = resolve));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n').filter(Boolean);
      if (lines[0] === 'ready') onReady();
      if (lines[1]) onResult(lines[1]);
    });
    child.once('exit', (code) => onResult(`exited ${code}`));
    return { child, ready, result };
  }

  it('lets exactly one of several concurrent starters win over a stale lock', async () => {
    const moduleFile = bundleLockModule(path.dirname(stateDir));
    for (let round = 0; round < 4; round++) {
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(lockPath, JSON.stringify({ pid: 9_999_999, startedAtMs: 0, hostname: 'gone' })); // a pid that cannot exist
      const racers = Array.from({ length: 5 }, () => spawnRacer(moduleFile));
      await Promise.all(racers.map((r) => r.ready));
      for (const r of racers) r.child.stdin!.write('go\n');
      const results = await Promise.all(racers.map((r) => r.result));
      expect(results.filter((r) => r === 'won')).toHaveLength(1);
      expect(results.filter((r) => r === 'lost')).toHaveLength(4);
      for (const r of racers) {
        r.child.kill('SIGKILL');
        await exited(r.child);
      }
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
