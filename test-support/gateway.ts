import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_DEFAULT_SCOPES } from '../src-shared/protocol/index.js';
import { GatewayClient, type ConnectOptions } from '../src-main/cli/gateway-client.js';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../src-main/gateway/start.js';
import { configureLogging } from '../src-main/logging/index.js';
import { generateDeviceKeys, type DeviceKeys } from '../src-main/nodes/device-keys.js';
import { makeTempState, type TempState } from './state-dir.js';

export const REPO_ROOT = join(fileURLToPath(import.meta.url), '..', '..');
export const CLI_BIN = join(REPO_ROOT, 'bin', 'openclaw.js');

export interface TestGateway {
  gw: RunningGateway;
  state: TempState;
  token: string;
  url: string;
  /** Connect an operator with a fresh signed device (loopback: approved at once). */
  operator(opts?: Partial<ConnectOptions>): Promise<GatewayClient>;
  close(): Promise<void>;
}

/** Start a real gateway in this process on a free port with a private state dir and a known token. */
export async function startTestGateway(
  opts: { config?: Record<string, unknown>; env?: NodeJS.ProcessEnv; start?: Partial<StartGatewayOptions> } = {},
): Promise<TestGateway> {
  const configured = (opts.config?.gateway as { auth?: { token?: string } } | undefined)?.auth?.token;
  const token = configured ?? `test-token-${Math.random().toString(36).slice(2)}`;
  const config = opts.config ?? { gateway: { auth: { mode: 'token', token } } };
  const state = makeTempState(config, opts.env);
  configureLogging({ file: state.logFile, console: false });
  const gw = await startGateway({ port: 0, env: state.env, ...opts.start });
  const clients: GatewayClient[] = [];
  return {
    gw,
    state,
    token,
    url: gw.wsUrl,
    async operator(o = {}) {
      const c = await GatewayClient.connect({ url: gw.wsUrl, token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES], ...o });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await gw.close('test done');
      state.cleanup();
    },
  };
}

export interface SpawnedGateway {
  child: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Run the built CLI (`openclaw ...`) to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input ?? '');
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** `openclaw gateway` in its own process on a free port, over fresh temp state; `env` points the CLI at it. */
export async function spawnGatewayWithState(config: Record<string, unknown> = {}): Promise<{ s: TempState; g: SpawnedGateway; env: NodeJS.ProcessEnv }> {
  const s = makeTempState(config);
  const g = await spawnGateway(s.env, ['--port', '0']);
  return { s, g, env: { ...s.env, OPENCLAW_GATEWAY_PORT: String(g.port) } };
}

/** Stops what {@link spawnGatewayWithState} started and removes its state. */
export async function stopGatewayWithState(g: SpawnedGateway | undefined, s: TempState | undefined): Promise<void> {
  if (g) {
    g.child.kill('SIGTERM');
    await g.exited;
  }
  s?.cleanup();
}

/** Start `openclaw gateway` as a separate process and wait until it listens. */
export async function spawnGateway(env: NodeJS.ProcessEnv, args: string[] = []): Promise<SpawnedGateway> {
  return untilListening(spawn(process.execPath, [CLI_BIN, 'gateway', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Waits for a starting gateway process to print its address; rejects with its output if it exits first. */
export async function untilListening(child: ChildProcess): Promise<SpawnedGateway> {
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on wss?:\/\/\S*:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr!.on('data', (d) => (err += d));
    void exited.then(({ code }) => reject(new Error(`gateway exited with ${code} before listening:\n${err}${out}`)));
  });
  return { child, port, stdout: () => out, stderr: () => err, exited };
}

export { generateDeviceKeys, type DeviceKeys };

/**
 * `chat.send` and the run's last chat event (final, error or aborted), listened for before the call so it cannot be
 * missed. The run is named by its idempotency key.
 */
export async function chatTurn(client: GatewayClient, params: { sessionKey: string; message: string; idempotencyKey: string } & Record<string, unknown>): Promise<{ state: string } & Record<string, unknown>> {
  const done = new Promise<{ state: string } & Record<string, unknown>>((resolve) => {
    const off = client.on((event, payload) => {
      const p = payload as { runId?: string; state: string };
      if (event === 'chat' && p.runId === params.idempotencyKey && p.state !== 'delta') {
        off();
        resolve(p);
      }
    });
  });
  await client.call('chat.send', params);
  return done;
}
