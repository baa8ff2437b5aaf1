/**
 * What the attack tests share: a gateway in its own process (so its memory can
 * be measured), a by-hand handshake over a raw WebSocket (so a test can pick
 * its source address or stop reading), and waiting on the gateway's log.
 */
import { existsSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { CLI_DEFAULT_SCOPES } from '../../../src-shared/protocol/index.js';
import { signDeviceProof, type DeviceKeys } from '../../nodes/device-keys.js';
import { spawnGateway, type SpawnedGateway } from '../../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../../test-support/state-dir.js';

export interface SpawnedTestGateway {
  proc: SpawnedGateway;
  state: TempState;
  url: string;
  port: number;
  pid: number;
  close(): Promise<void>;
}

/** `openclaw gateway` as its own process on a free loopback port, with a private state dir. */
export async function spawnTestGateway(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<SpawnedTestGateway> {
  const state = makeTempState(config, env);
  let proc: SpawnedGateway;
  try {
    proc = await spawnGateway(state.env, ['--port', '0']);
  } catch (err) {
    // Another engineer may be rebuilding the bundle at this moment: one retry.
    if (!/Cannot find module|ERR_MODULE_NOT_FOUND/.test(String(err))) throw err;
    proc = await spawnGateway(state.env, ['--port', '0']);
  }
  return {
    proc,
    state,
    port: proc.port,
    pid: proc.child.pid!,
    url: `ws://127.0.0.1:${proc.port}`,
    async close() {
      proc.child.kill('SIGTERM');
      await proc.exited;
      state.cleanup();
    },
  };
}

/** Resident memory of a process, in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Samples a process's RSS every few ms until stopped; `peak` is the highest seen. */
export function sampleRss(pid: number, everyMs = 25): { readonly peak: number; stop(): number } {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      // the process is gone
    }
  }, everyMs);
  return {
    get peak() {
      return peak;
    },
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** Parsed JSON lines of a log file. */
export function readLog(file: string): { level: string; message: string; [k: string]: unknown }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: string; message: string });
}

/** The first log record matching `pred`; the file is polled, since another process writes it. */
export async function waitForLog(file: string, pred: (r: { level: string; message: string }) => boolean, timeoutMs = 10_000): Promise<{ level: string; message: string; [k: string]: unknown }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = readLog(file).find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RawConnectOptions {
  token?: string;
  password?: string;
  deviceToken?: string;
  device?: DeviceKeys;
  /** Source address for the TCP connection (any 127.x address reaches a loopback listener on Linux). */
  localAddress?: string;
}

export interface RawConnectResult {
  ws: WebSocket;
  res: { ok: boolean; payload?: Record<string, unknown>; error?: { code: string; message: string; details?: { code?: string } } };
}

/** Challenge → connect by hand over a plain `ws` socket; resolves with the `res` to connect (the socket stays as the server left it). */
export function connectRaw(url: string, o: RawConnectOptions): Promise<RawConnectResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
    ws.on('error', reject);
    ws.on('message', function onFrame(data) {
      const f = JSON.parse(data.toString()) as { type: string; event?: string; id?: string; payload?: { nonce: string; ts: number } } & RawConnectResult['res'];
      if (f.type === 'event' && f.event === 'connect.challenge') {
        const client = { id: 'cli', mode: 'cli', version: 'attack-test', platform: 'linux' };
        const scopes = [...CLI_DEFAULT_SCOPES];
        const signed = o.token ?? o.deviceToken ?? '';
        const device = o.device ? signDeviceProof(o.device, { clientId: client.id, clientMode: client.mode, role: 'operator', scopes, signedAtMs: f.payload!.ts, token: signed, nonce: f.payload!.nonce, platform: client.platform }) : undefined;
        const auth = { ...(o.token !== undefined ? { token: o.token } : {}), ...(o.password !== undefined ? { password: o.password } : {}), ...(o.deviceToken !== undefined ? { deviceToken: o.deviceToken } : {}) };
        ws.send(JSON.stringify({ type: 'req', id: 'connect', method: 'connect', params: { minProtocol: 4, maxProtocol: 4, client, role: 'operator', scopes, auth, ...(device ? { device } : {}) } }));
      } else if (f.type === 'res' && f.id === 'connect') {
        ws.off('message', onFrame);
        resolve({ ws, res: f });
      }
    });
  });
}
