import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export const HAPROXY_PATH = '/usr/sbin/haproxy';

/** Why HAProxy tests cannot run here, or undefined when they can. */
export function haproxyUnavailableReason(): string | undefined {
  return existsSync(HAPROXY_PATH) ? undefined : `${HAPROXY_PATH} is missing (Debian: apt-get install haproxy; scripts/ensure-system-tools.mjs installs it)`;
}

export interface TestHaproxy {
  /** Where clients connect: `127.0.0.1:<port>`. */
  port: number;
  close(): Promise<void>;
}

/**
 * A real HAProxy in front of `backends` on loopback, in HTTP mode (WebSocket upgrades pass as tunnels),
 * health-checking each backend's `GET /readyz` every 200 ms: a backend that stops answering is taken out
 * after two failed checks, one that answers again is put back.
 */
export async function startHaproxy(backends: { name: string; port: number }[]): Promise<TestHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-haproxy-'));
  const port = await freePort();
  const cfg = [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    '  option redispatch',
    '  retries 3',
    'frontend gateways',
    `  bind 127.0.0.1:${port}`,
    '  default_backend gateways',
    'backend gateways',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    ...backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check inter 200ms fall 2 rise 1`),
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, cfg);
  const child: ChildProcess = spawn(HAPROXY_PATH, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  // HAProxy says nothing when it is ready: try its port until it takes a connection.
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (gone) throw new Error(`haproxy exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`haproxy did not listen on ${port} within 10 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    async close() {
      if (!gone) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
