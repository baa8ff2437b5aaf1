/**
 * A real IRC server for tests: Debian's ngIRCd, started as a child process
 * on loopback with a temporary config (no root needed on a high port), named
 * `tmi.twitch.tv` so IRC clients written for Twitch chat recognise its
 * numerics. Plus `IrcWebSocketGateway`: Twitch serves chat to tmi.js as IRC
 * over WebSocket (one text frame per line group); the gateway does the same in
 * front of ngIRCd, line for line, and can drop or stall its connections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { freePort } from '../free-port.js';
import { Waiters } from '../wait-until.js';

export const NGIRCD_PATH = '/usr/sbin/ngircd';

/** A running ngIRCd. */
export interface IrcServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Resolves once something accepts TCP connections on host:port. */
async function untilListening(host: string, port: number, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ngircd exited with ${child.exitCode}: ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`ngircd did not listen on ${host}:${port} within ${timeoutMs} ms: ${output()}`);
    // Polling a port that is not open yet: there is no event to wait on before the process binds it.
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Start ngIRCd on a free loopback port; `password` is the server password every client must send with PASS. */
export async function startNgircd(opts: { password?: string } = {}): Promise<IrcServer> {
  if (!existsSync(NGIRCD_PATH)) throw new Error(`${NGIRCD_PATH} is missing: install Debian's ngircd package (apt-get install ngircd) to run the Twitch tests.`);
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-ngircd-'));
  const port = await freePort();
  const conf = join(dir, 'ngircd.conf');
  writeFileSync(
    conf,
    [
      '[Global]',
      '  Name = tmi.twitch.tv',
      '  Info = OpenClaw test IRC server',
      '  Listen = 127.0.0.1',
      `  Ports = ${port}`,
      `  PidFile = ${join(dir, 'ngircd.pid')}`,
      ...(opts.password ? [`  Password = ${opts.password}`] : []),
      // Without a MOTD the server sends 422 instead of 376, which Twitch clients wait for.
      '  MotdPhrase = "OpenClaw test server"',
      '[Limits]',
      '  MaxNickLength = 25',
      // ngIRCd paces every command (about one a second after a burst); Twitch does not pace PING or JOIN,
      // it limits chat messages per 30 s instead. Pacing off keeps the server's timing like Twitch's.
      '  MaxPenaltyTime = 0',
      '  PingTimeout = 120',
      '  PongTimeout = 20',
      '  MaxConnectionsIP = 0',
      '[Options]',
      '  PAM = no',
      '  Ident = no',
      '  DNS = no',
      '  RequireAuthPing = no',
      '',
    ].join('\n'),
  );
  let output = '';
  const child = spawn(NGIRCD_PATH, ['-n', '-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await untilListening('127.0.0.1', port, child, () => output, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Twitch-style IRC over WebSocket in front of an IRC server. */
export interface IrcWebSocketGateway {
  host: string;
  port: number;
  /** Connections currently open. */
  connections(): number;
  /** Cut every connection now. */
  drop(): void;
  /** Stop passing anything either way (connections stay open) until turned off. */
  stall(on: boolean): void;
  /**
   * Refuse the next `count` room messages as Twitch does when an account
   * sends too fast: the line is not passed on, and its sender gets the
   * `msg_ratelimit` NOTICE instead.
   */
  refuseChat(count: number): void;
  /** Room messages refused so far. */
  refused(): number;
  /** Send a Twitch-only line (e.g. `@mod=1 :tmi.twitch.tv USERSTATE #room`) to every client, in order with the server's lines. */
  toClients(line: string): void;
  close(): Promise<void>;
}

export async function startIrcWebSocketGateway(irc: { host: string; port: number }): Promise<IrcWebSocketGateway> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => (protocols.has('irc') ? 'irc' : false) });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const live = new Set<{ ws: WebSocket; tcp: Socket }>();
  const waiters = new Waiters();
  let stalled = false;
  let toRefuse = 0;
  let refusedCount = 0;
  const toClientQueues = new Set<(line: string) => void>();
  const unstalled = () => waiters.until(() => (!stalled ? true : undefined), 2 ** 31 - 1, 'stall to end');

  wss.on('connection', (ws) => {
    const tcp = connect(irc.port, irc.host);
    const pair = { ws, tcp };
    live.add(pair);
    let toClient = Promise.resolve();
    let toServer = Promise.resolve();
    let partial = '';
    const sendToClient = (lines: string) => {
      toClient = toClient.then(async () => {
        if (stalled) await unstalled();
        if (ws.readyState === ws.OPEN) ws.send(lines);
      });
    };
    toClientQueues.add(sendToClient);
    tcp.setEncoding('utf8');
    tcp.on('data', (chunk: string) => {
      partial += chunk;
      const end = partial.lastIndexOf('\r\n');
      if (end < 0) return;
      const lines = partial.slice(0, end + 2);
      partial = partial.slice(end + 2);
      sendToClient(lines);
    });
    ws.on('message', (data) => {
      const text = data.toString().replace(/\r?\n$/, '');
      const room = /^PRIVMSG (#\S+) :/.exec(text)?.[1];
      if (room && toRefuse > 0) {
        toRefuse--;
        refusedCount++;
        sendToClient(`@msg-id=msg_ratelimit :tmi.twitch.tv NOTICE ${room} :Your message was not sent because you are sending messages too quickly.\r\n`);
        return;
      }
      toServer = toServer.then(async () => {
        if (stalled) await unstalled();
        if (!tcp.destroyed) tcp.write(`${text}\r\n`);
      });
    });
    const end = () => {
      live.delete(pair);
      toClientQueues.delete(sendToClient);
      tcp.destroy();
      ws.terminate();
    };
    tcp.on('close', end);
    tcp.on('error', end);
    ws.on('close', end);
    ws.on('error', end);
  });

  const { port } = wss.address() as AddressInfo;
  const cutAll = () => {
    for (const { ws, tcp } of [...live]) {
      tcp.destroy();
      ws.terminate();
    }
    live.clear();
  };
  return {
    host: '127.0.0.1',
    port,
    connections: () => live.size,
    drop: cutAll,
    stall(on) {
      stalled = on;
      waiters.notify();
    },
    refuseChat(count) {
      toRefuse = count;
    },
    refused: () => refusedCount,
    toClients(line) {
      for (const send of toClientQueues) send(`${line}\r\n`);
    },
    async close() {
      stalled = false;
      waiters.notify();
      cutAll();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
