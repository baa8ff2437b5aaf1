/**
 * A real Debian nginx as a reverse proxy in front of a test gateway: its own config, pid, logs and temp
 * paths in a private temp dir, on a loopback port, in the foreground (`daemon off`). nginx started as root
 * runs its workers as `nobody`, so the dir is made readable to them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, chmodSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export const NGINX_BIN = '/usr/sbin/nginx';

/** Why nginx cannot be used here, or undefined when it can. */
export function nginxUnavailableReason(): string | undefined {
  return existsSync(NGINX_BIN) ? undefined : `${NGINX_BIN} is not installed (Debian package nginx)`;
}

export interface NginxProxy {
  port: number;
  /** `ws://127.0.0.1:<port>` (or `http://` with {@link NginxProxy.httpUrl}). */
  wsUrl: string;
  httpUrl: string;
  dir: string;
  /** The proxy's access log so far (one line per request, with the forwarded header it sent). */
  accessLog(): string;
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** Where the gateway listens, e.g. `http://127.0.0.1:18789` or `https://…` for a TLS gateway. */
  upstream: string;
}

/** The proxy block the README recommends: WebSocket upgrade, the client's address appended to X-Forwarded-For. */
function config(dir: string, port: number, o: NginxOptions): string {
  return `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  log_format forwarded '$remote_addr "$request" $status xff="$proxy_add_x_forwarded_for"';
  access_log ${dir}/access.log forwarded;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${o.upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 1h;
      ${o.upstream.startsWith('https:') ? 'proxy_ssl_verify off;' : ''}
    }
  }
}
`;
}

/** Starts nginx and resolves once it listens (it writes its pid file after binding); rejects with its error log if it exits first. */
export async function startNginx(o: NginxOptions): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-nginx-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, config(dir, port, o));
  const pidFile = join(dir, 'nginx.pid');
  const child: ChildProcess = spawn(NGINX_BIN, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const errorLog = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  try {
    await new Promise<void>((resolve, reject) => {
      const watcher = watch(dir, () => {
        if (!existsSync(pidFile)) return;
        watcher.close();
        resolve();
      });
      if (existsSync(pidFile)) {
        watcher.close();
        resolve();
      }
      void exited.then((code) => {
        watcher.close();
        reject(new Error(`nginx exited with ${code} before listening:\n${stderr}${errorLog()}`));
      });
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    dir,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    accessLog: () => (existsSync(join(dir, 'access.log')) ? readFileSync(join(dir, 'access.log'), 'utf8') : ''),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
