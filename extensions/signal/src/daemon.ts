/**
 * Where signal-cli answers: a daemon the user runs (`httpUrl`), or one this
 * account runs itself: `cliPath --config <data folder> daemon --http
 * 127.0.0.1:<port>`, spawned as an argv array (never a shell), in
 * multi-account mode so QR linking works, receiving only while a client
 * listens so Signal's server keeps what arrives while the gateway is down.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';

/** A reachable daemon and how to let go of it. */
export interface SignalDaemon {
  httpUrl: string;
  /** Stops a daemon this account started; nothing for one given by `httpUrl`. */
  close(): Promise<void>;
}

/** Resolved settings of one account. */
export interface SignalSettings {
  /** From config, else from the last QR login; undefined before any. */
  account?: string;
  httpUrl?: string;
  cliPath: string;
  deviceName: string;
  livenessMs: number;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The daemon for these settings: the configured one, or a child started now (resolves once it answers). */
export async function openDaemon(settings: SignalSettings, dataDir: string, log: ChannelLogger, timeoutMs: number): Promise<SignalDaemon> {
  if (settings.httpUrl) return { httpUrl: settings.httpUrl, close: async () => {} };
  const configDir = join(dataDir, 'signal-cli');
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const port = await freePort();
  const argv = ['--config', configDir, 'daemon', '--http', `127.0.0.1:${port}`, '--receive-mode', 'on-connection', '--no-receive-stdout'];
  const child = spawn(settings.cliPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], shell: false });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  const exited = new Promise<Error>((resolve) => {
    child.once('error', (err) => resolve(new Error(`Could not run ${settings.cliPath}: ${err.message}. Install signal-cli or set channels.signal.cliPath (or httpUrl).`)));
    child.once('exit', (code, sig) => resolve(new Error(`signal-cli exited (${sig ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}.`)));
  });
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  const httpUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  // The JVM takes a moment to listen; ask /api/v1/check until it answers, it dies, or time runs out.
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const ready = await fetch(`${httpUrl}/api/v1/check`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ready) break;
    const died = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), delay))]);
    if (died) throw died;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`signal-cli did not start answering within ${Math.round(timeoutMs / 1000)} s.`);
    }
  }
  log.info('signal-cli daemon started', { pid: child.pid, port });
  return { httpUrl, close };
}
