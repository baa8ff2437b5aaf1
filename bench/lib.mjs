// Shared helpers for benchmarks: temp state dirs, spawning the built gateway, a raw protocol client.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import WebSocket from 'ws';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin', 'openclaw.js');

export function tempState() {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-bench-'));
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir, { recursive: true });
  const token = 'bench-token-' + Math.random().toString(36).slice(2);
  writeFileSync(join(stateDir, 'openclaw.json'), JSON.stringify({ gateway: { auth: { mode: 'token', token } }, logging: { file: join(dir, 'gateway.log'), level: 'warn' } }));
  return { dir, stateDir, token, env: { PATH: process.env.PATH, HOME: dir, OPENCLAW_STATE_DIR: stateDir }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Spawn `openclaw gateway`; resolve once the process exists (not when it is ready). */
export function spawnGateway(env, port) {
  return spawn(process.execPath, [CLI, 'gateway', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function freePort() {
  return new Promise((resolve) => {
    import('node:net').then(({ createServer }) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
  });
}

/** Minimal protocol client: challenge → connect with token → hello-ok; then id-matched calls. `wsOptions` go to ws (TLS settings). */
export function connect(url, token, { retryUntil = 0, scopes = ['operator.read', 'operator.write'], wsOptions = {} } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...wsOptions });
    const pending = new Map();
    let next = 1;
    ws.on('error', (err) => {
      if (retryUntil && Date.now() < retryUntil) setTimeout(() => connect(url, token, { retryUntil, scopes, wsOptions }).then(resolve, reject), 2);
      else reject(err);
    });
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'event' && f.event === 'connect.challenge') {
        // A loopback backend with the shared token keeps the scopes it asks for.
        ws.send(JSON.stringify({ type: 'req', id: 'c', method: 'connect', params: { minProtocol: 4, maxProtocol: 4, client: { id: 'gateway-client', version: '1', platform: process.platform, mode: 'backend' }, scopes, auth: { token } } }));
      } else if (f.type === 'res' && f.id === 'c') {
        if (!f.ok) return reject(new Error(f.error.message));
        resolve({
          ws,
          call(method, params = {}) {
            const id = String(next++);
            return new Promise((res) => {
              pending.set(id, res);
              ws.send(JSON.stringify({ type: 'req', id, method, params }));
            });
          },
          close: () => ws.close(),
        });
      } else if (f.type === 'res') {
        const p = pending.get(f.id);
        pending.delete(f.id);
        p?.(f);
      }
    });
  });
}

export function percentile(sorted, p) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Bundles TypeScript modules of the repository (`{ name: 'path/from/root.ts' }`) into out/bench/<name>.mjs, packages external. */
export async function bundleTs(entries) {
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, join(ROOT, path)])),
    outdir: join(ROOT, 'out/bench'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
}

/**
 * Bundles TypeScript test-support modules (fakes, drivers) and imports them, so benchmarks run under
 * plain Node with the code the tests use.
 */
export async function loadTs(entries) {
  await bundleTs(entries);
  const modules = {};
  for (const name of Object.keys(entries)) modules[name] = await import(pathToFileURL(join(ROOT, 'out/bench', `${name}.mjs`)).href);
  return modules;
}
