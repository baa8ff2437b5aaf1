import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface GatewayProcess {
  port: number;
  token: string;
  url: string;
  stateDir: string;
  /** Everything the gateway printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** A port the OS just handed out and released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode} before /readyz:\n${output()}`);
    try {
      const res = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gateway did not answer /readyz with 200 within ${timeoutMs} ms:\n${output()}`);
}

export interface GatewayProcessOptions {
  /** Written as `openclaw.json` in the state dir before the gateway starts. */
  config?: Record<string, unknown>;
  /** A first start on a fresh machine: no config and no token given; the gateway generates both and `token` is read from its file. */
  fresh?: boolean;
  /** Extra environment for the gateway (e.g. `OPENCLAW_OLLAMA_URL`). */
  env?: Record<string, string>;
}

/** Start the real headless gateway (`node bin/openclaw.js gateway`) on a free port with a temp state dir and a random token. */
export async function startGatewayProcess(opts: GatewayProcessOptions = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const stateDir = mkdtempSync(join(tmpdir(), 'openclaw-e2e-'));
  if (opts.config) writeFileSync(join(stateDir, 'openclaw.json'), `${JSON.stringify(opts.config, null, 2)}\n`, { mode: 0o600 });
  const child = spawn(process.execPath, [join(root, 'bin/openclaw.js'), 'gateway', '--port', String(port)], {
    cwd: root,
    // The gateway's log goes into its own temp dir, never the shared default.
    env: { ...process.env, OPENCLAW_STATE_DIR: stateDir, ...(opts.fresh ? {} : { OPENCLAW_GATEWAY_TOKEN: token }), OPENCLAW_CONFIG_PATH: join(stateDir, 'openclaw.json'), OPENCLAW_LOG_FILE: join(stateDir, 'gateway.log'), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}/`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    await waitForReady(url, child, () => log, 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const usedToken = opts.fresh ? readFileSync(join(stateDir, 'credentials', 'gateway.token'), 'utf8').trim() : token;
  return { port, token: usedToken, url, stateDir, output: () => log, stop };
}
