import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCodes, MAX_PAYLOAD_BYTES, TICK_INTERVAL_MS, type ConnectParams, type HelloOk } from '../../src-shared/protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { Dispatcher } from './dispatcher.js';
import { GatewayConnection } from './connection.js';
import type { HandshakeGrant } from './handshake.js';
import { isLoopbackAddress, isOriginAllowed, type OriginPolicy } from './origin.js';

const PING_INTERVAL_MS = 25_000;

export interface GatewayServerOptions {
  dispatcher: Dispatcher;
  log: Logger;
  originPolicy(): OriginPolicy;
  authenticate(params: ConnectParams, conn: GatewayConnection): HandshakeGrant;
  hello(conn: GatewayConnection): HelloOk;
  handleHttp(req: IncomingMessage, res: ServerResponse): void;
  tickIntervalMs?: number;
  handshakeTimeoutMs?: number;
  onPresenceChange?(): void;
  onConnectionOpen?(conn: GatewayConnection): void;
  onConnectionClose?(conn: GatewayConnection): void;
}

/**
 * HTTP and WebSocket on one port. Owns the live connections: broadcasts,
 * ticks, keepalive pings, and closing connections when their credentials go.
 */
export class GatewayServer {
  readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<GatewayConnection>();
  private tickTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;

  constructor(private readonly opts: GatewayServerOptions) {
    this.http = createServer((req, res) => opts.handleHttp(req, res));
    this.http.keepAliveTimeout = 5_000;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.http.on('clientError', (_err, socket) => socket.destroy());
  }

  /** Listen; resolves once the port is bound (ready at that moment: there is no warm-up). */
  listen(port: number, host: string): Promise<{ port: number; host: string }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.http.once('error', onError);
      this.http.listen({ port, host, exclusive: true }, () => {
        this.http.off('error', onError);
        const addr = this.http.address();
        const bound = typeof addr === 'object' && addr ? addr.port : port;
        this.startTimers();
        resolve({ port: bound, host });
      });
    });
  }

  /**
   * Move to another address: stop listening, tell clients the gateway is
   * restarting (1012), and listen again. On failure the old address is taken
   * back and the error rethrown.
   */
  async rebind(port: number, host: string): Promise<{ port: number; host: string }> {
    const old = this.http.address();
    this.broadcast('shutdown', { reason: 'gateway restarting on a new address', restartExpectedMs: 0 });
    for (const c of [...this.conns]) c.close(CloseCodes.SERVICE_RESTART, 'gateway restarting');
    this.conns.clear();
    this.opts.onPresenceChange?.();
    clearInterval(this.tickTimer);
    clearInterval(this.pingTimer);
    // Let the close frames reach the clients (bounded), then drop whatever is left.
    await Promise.race([
      Promise.all([...this.wss.clients].map((ws) => new Promise((r) => (ws.readyState === ws.CLOSED ? r(undefined) : ws.once('close', r))))),
      new Promise((r) => setTimeout(r, 1000).unref()),
    ]);
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    try {
      return await this.listen(port, host);
    } catch (err) {
      if (old && typeof old === 'object') await this.listen(old.port, old.address);
      throw err;
    }
  }

  /** Open (authenticated) connections. */
  connections(): GatewayConnection[] {
    return [...this.conns];
  }

  broadcast(event: string, payload: unknown): void {
    for (const c of this.conns) c.sendEvent(event, payload);
  }

  /** Close every open connection matching `pred` (credential rotated, device revoked). */
  closeWhere(pred: (c: GatewayConnection) => boolean, code: number, reason: string): number {
    let n = 0;
    for (const c of [...this.conns]) {
      if (pred(c)) {
        c.close(code, reason);
        this.conns.delete(c);
        this.opts.onConnectionClose?.(c);
        n++;
      }
    }
    if (n) this.opts.onPresenceChange?.();
    return n;
  }

  /** Tell clients, close sockets, stop listening. */
  async close(reason: string): Promise<void> {
    clearInterval(this.tickTimer);
    clearInterval(this.pingTimer);
    this.broadcast('shutdown', { reason });
    for (const c of this.conns) c.close(CloseCodes.GOING_AWAY, reason);
    for (const ws of this.wss.clients) ws.terminate();
    this.conns.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private startTimers(): void {
    this.tickTimer = setInterval(() => this.broadcast('tick', { ts: Date.now() }), this.opts.tickIntervalMs ?? TICK_INTERVAL_MS);
    this.tickTimer.unref();
    this.pingTimer = setInterval(() => {
      for (const ws of this.wss.clients) {
        const conn = (ws as unknown as { __conn?: GatewayConnection }).__conn;
        if (conn && !conn.alive) {
          ws.terminate();
          continue;
        }
        if (conn) conn.alive = false;
        ws.ping();
      }
    }, PING_INTERVAL_MS);
    this.pingTimer.unref();
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const origin = req.headers.origin;
    if (!isOriginAllowed(origin, req.headers.host, this.opts.originPolicy())) {
      this.opts.log.warn('refused a WebSocket from a foreign origin', { origin, remote: req.socket.remoteAddress });
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\norigin not allowed\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const remote = req.socket.remoteAddress ?? 'unknown';
      // Behind a local reverse proxy every peer looks like loopback; forwarded requests are not direct.
      const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined || req.headers['x-real-ip'] !== undefined;
      const conn = new GatewayConnection(ws, remote, isLoopbackAddress(remote) && !forwarded, {
        dispatcher: this.opts.dispatcher,
        log: this.opts.log,
        handshakeTimeoutMs: this.opts.handshakeTimeoutMs,
        authenticate: (p, c) => this.opts.authenticate(p, c),
        hello: (c) => this.opts.hello(c),
        onOpen: (c) => {
          this.conns.add(c);
          this.opts.onConnectionOpen?.(c);
          this.opts.onPresenceChange?.();
        },
        onClose: (c) => {
          this.opts.onConnectionClose?.(c);
          if (this.conns.delete(c)) this.opts.onPresenceChange?.();
        },
      });
      (ws as unknown as { __conn?: GatewayConnection }).__conn = conn;
      conn.start();
    });
  }
}
