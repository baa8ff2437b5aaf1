import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, freemem, hostname, platform, release, totalmem, uptime } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveConfigPaths } from '../../config/paths.js';
import { decodeSetupCode } from '../../nodes/bootstrap-tokens.js';
import { loadOrCreateDeviceKeys } from '../../nodes/device-keys.js';
import { runConfinedProgram } from '../../agents/tools/exec.js';
import { VERSION } from '../../version.js';
import { GatewayCallError, GatewayClient } from '../gateway-client.js';
import { resolveTarget, type GlobalOptions } from '../connect.js';
import { CliError } from '../output.js';

interface NodeRunOptions extends GlobalOptions {
  pair?: string;
  allowRun?: string;
  name?: string;
}

interface SavedNodeAuth {
  deviceId: string;
  url: string;
  token: string;
  /** The certificate pin the setup code carried (a self-signed gateway), kept for every reconnect. */
  tlsFingerprint?: string;
}

function authFile(stateDir: string): string {
  return join(stateDir, 'identity', 'node-auth.json');
}

function save(file: string, value: SavedNodeAuth): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(value, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}

type Handler = (params: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;

/**
 * The commands this host offers. `system.run` only with `--allow-run`, and only the listed programs, argv-only,
 * with the agent `exec` tool's confinement: the folder `node run` started in is the workspace, and the state
 * dir (which holds this node's token) is out of reach.
 */
function commandsFor(allowRun: string[], stateDir: string): Record<string, Handler> {
  const cmds: Record<string, Handler> = {
    'device.info': async () => ({
      hostname: hostname(),
      platform: platform(),
      release: release(),
      arch: arch(),
      cpus: cpus().length,
      memoryBytes: totalmem(),
      freeMemoryBytes: freemem(),
      uptimeSeconds: Math.round(uptime()),
      agent: `openclaw-node/${VERSION}`,
    }),
    'system.notify': async (p) => {
      const title = String(p.title ?? 'OpenClaw');
      const body = String(p.body ?? p.message ?? '');
      process.stdout.write(`[notify] ${title}: ${body}\n`);
      return { shown: true };
    },
  };
  if (allowRun.length) {
    cmds['system.run'] = async (p, signal) => {
      const argv = Array.isArray(p.argv) ? p.argv.map(String) : [];
      if (!argv.length) throw Object.assign(new Error('argv (an array) is required'), { code: 'INVALID_PARAMS' });
      return runConfinedProgram({ argv, cwd: '.', allow: allowRun, workspace: process.cwd(), protectedDirs: [stateDir], timeoutMs: 60_000, signal });
    };
  }
  return cmds;
}

class Stopped extends Error {
  override readonly name = 'Stopped';
}

/** The connection, unless the run is stopped first (a connection that opens later is closed at once). */
function untilStopped(connecting: Promise<GatewayClient>, signal: AbortSignal): Promise<GatewayClient> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) reject(new Stopped());
    signal.addEventListener('abort', () => reject(new Stopped()), { once: true });
    connecting.then((c) => (signal.aborted ? c.close() : resolve(c)), reject);
  });
}

/**
 * `openclaw node run`: this computer becomes a node. `--pair <setup code>`
 * pairs it once (the token is kept 0600 in the state dir); later runs reconnect
 * with that token, with backoff, until Ctrl-C.
 */
export async function runNodeHost(opts: NodeRunOptions): Promise<void> {
  const paths = resolveConfigPaths({ profile: opts.profile });
  const device = loadOrCreateDeviceKeys(join(paths.stateDir, 'identity', 'node.json'));
  const file = authFile(paths.stateDir);
  let saved: SavedNodeAuth | undefined;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as SavedNodeAuth;
    if (saved.deviceId !== device.deviceId) saved = undefined;
  } catch {
    saved = undefined;
  }
  let bootstrap: { url: string; token: string; tlsFingerprint?: string } | undefined;
  if (opts.pair) {
    let payload;
    try {
      payload = decodeSetupCode(opts.pair);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const url = opts.url ?? payload.url;
    bootstrap = { url, token: payload.bootstrapToken, ...(payload.tlsFingerprint && url === payload.url ? { tlsFingerprint: payload.tlsFingerprint } : {}) };
  }
  const target = resolveTarget(opts);
  const url = bootstrap?.url ?? opts.url ?? saved?.url ?? target.url;
  const tlsFingerprint = opts.tlsFingerprint ?? (bootstrap ? bootstrap.tlsFingerprint : url === saved?.url ? saved.tlsFingerprint : target.tlsFingerprint);
  if (!bootstrap && !saved && !target.token) throw new CliError('not paired yet: run `openclaw qr` on the gateway and then `openclaw node run --pair <setup code>`');
  const allowRun = (opts.allowRun ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const commands = commandsFor(allowRun, paths.stateDir);
  const running = new Map<string, AbortController>();
  let stopping = false;
  let client: GatewayClient | undefined;
  // Ctrl-C or SIGTERM ends the run at once, also while connecting or waiting to retry.
  const stop = new AbortController();
  const onSignal = () => {
    stopping = true;
    stop.abort();
    client?.close();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let backoff = 1000;
  while (!stopping) {
    try {
      const auth = bootstrap ? { bootstrapToken: bootstrap.token } : saved ? { deviceToken: saved.token } : { token: target.token };
      client = await untilStopped(GatewayClient.connect({
        url,
        ...auth,
        device,
        role: 'node',
        scopes: [],
        client: { id: 'node-host', mode: 'node', version: VERSION, platform: process.platform, displayName: opts.name ?? hostname() },
        caps: ['device', 'system'],
        commands: Object.keys(commands),
        tlsFingerprint,
      }), stop.signal);
      const token = client.hello.auth.deviceToken;
      if (token) {
        saved = { deviceId: device.deviceId, url, token, ...(tlsFingerprint ? { tlsFingerprint } : {}) };
        save(file, saved);
      }
      bootstrap = undefined;
      backoff = 1000;
      process.stdout.write(`Connected to ${url} as node ${device.deviceId} (commands: ${Object.keys(commands).join(', ')})\n`);
      const c = client;
      c.on((event, payload) => {
        const p = payload as { id: string; nodeId: string; command: string; paramsJSON?: string };
        if (event === 'node.invoke.cancel') running.get(p.id)?.abort();
        if (event !== 'node.invoke.request') return;
        const handler = commands[p.command];
        const ac = new AbortController();
        running.set(p.id, ac);
        void (async () => {
          try {
            if (!handler) throw Object.assign(new Error(`unknown command ${p.command}`), { code: 'UNKNOWN_COMMAND' });
            const params = p.paramsJSON ? (JSON.parse(p.paramsJSON) as Record<string, unknown>) : {};
            const result = await handler(params, ac.signal);
            await c.call('node.invoke.result', { id: p.id, nodeId: p.nodeId, ok: true, payloadJSON: JSON.stringify(result ?? null) });
          } catch (err) {
            const code = (err as { code?: string }).code ?? 'FAILED';
            await c.call('node.invoke.result', { id: p.id, nodeId: p.nodeId, ok: false, error: { code, message: (err as Error).message } }).catch(() => undefined);
          } finally {
            running.delete(p.id);
          }
        })();
      });
      const closed = await c.closed();
      if (!stopping) process.stderr.write(`gateway connection closed (${closed.code}${closed.reason ? ` ${closed.reason}` : ''}); reconnecting\n`);
      if (closed.code === 4001 && closed.reason === 'device removed') throw new CliError('this node was removed on the gateway; pair it again with a new setup code');
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (err instanceof GatewayCallError && ['AUTH_BOOTSTRAP_TOKEN_INVALID', 'PAIRING_REQUIRED', 'AUTH_DEVICE_TOKEN_MISMATCH'].includes(err.detailCode ?? '')) {
        throw new CliError(`${err.message} [${err.detailCode}]`);
      }
      if (stopping) break;
      process.stderr.write(`cannot connect to ${url}: ${(err as Error).message}; retrying in ${Math.round(backoff / 1000)} s\n`);
    }
    if (stopping) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, backoff);
      stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    backoff = Math.min(backoff * 2, 30_000);
  }
}
