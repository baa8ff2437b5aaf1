import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCodes, HANDSHAKE_TIMEOUT_MS, MAX_PREAUTH_PAYLOAD_BYTES, TICK_INTERVAL_MS, type ConnectParams, type HelloOk } from '../../src-shared/protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { Dispatcher } from './dispatcher.js';
import { GatewayConnection } from './connection.js';
import type { ConnectionSet } from './connections.js';
import type { HandshakeGrant } from './handshake.js';
import { addressBucket, checkRequestSource, type OriginPolicy, type SourceRefusal } from './origin.js';
import type { PluginUpgrade } from './plugin-upgrade.js';
import { NO_TRUSTED_PROXIES, resolveClientAddress, type ClientAddress } from './client-address.js';

const PING_INTERVAL_MS = 25_000;
/**
 * Connections that have not finished the handshake, in all and per source
 * (see addressBucket: all of loopback is one source). Each holds at most one
 * 64 KiB frame, so together they stay within a few tens of MB; a node fleet
 * reconnecting after a restart finishes its handshakes well within these.
 */
export const MAX_PREAUTH_CONNECTIONS = 512;
export const MAX_PREAUTH_CONNECTIONS_PER_SOURCE = 256;
/** Refusals that an attacker can repeat at will are logged at most this often. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** `OPENCLAW_HANDSHAKE_TIMEOUT_MS`, when it is a positive number. */
export function handshakeTimeoutFromEnv(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export interface GatewayServerOptions {
  dispatcher: Dispatcher;
  log: Logger;
  originPolicy(): OriginPolicy;
  authenticate(params: ConnectParams, conn: GatewayConnection): Promise<HandshakeGrant>;
  hello(conn: GatewayConnection): HelloOk;
  handleHttp(req: IncomingMessage, res: ServerResponse): void;
  /**
   * A plugin's public route (a platform webhook): no gateway credential reaches it and the plugin checks
   * its caller itself (a signature), so the door rules that guard the credential (Host, Origin, JSON
   * bodies) do not apply; a platform posts its own body type through a tunnel that names its own host.
   */
  isPublicRoute?(req: IncomingMessage): boolean;
  /** Upgrades to `/plugins/…` (plugins' WebSocket routes), with their own door rules. */
  pluginUpgrade?: PluginUpgrade;
  tickIntervalMs?: number;
  handshakeTimeoutMs?: number;
  /** Where authenticated connections are kept; the parts that follow them watch it. */
  connections: ConnectionSet;
  /** The client behind a request (`gateway.trustedProxies`); default: the socket's address, relay headers distrusted. */
  clientAddress?(req: IncomingMessage): ClientAddress;
  /** Serve `https://` and `wss://` with this PEM certificate and key instead of plain text. */
  tls?: { cert: string; key: string };
}

/**
 * HTTP and WebSocket on one port. Owns the live connections: broadcasts,
 * ticks, keepalive pings, and closing connections when their credentials go.
 */
export class GatewayServer {
  readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly preauth = new PreauthSlots(MAX_PREAUTH_CONNECTIONS, MAX_PREAUTH_CONNECTIONS_PER_SOURCE);
  private readonly refusalLog = new Map<string, { at: number; suppressed: number }>();
  private tickTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;

  constructor(private readonly opts: GatewayServerOptions) {
    // Nobody is authenticated while sending headers: a request (an upgrade included) that has not
    // finished its headers within the handshake time is dropped, checked every second.
    const headersTimeout = opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    const httpOptions = { headersTimeout, requestTimeout: Math.max(30_000, headersTimeout), connectionsCheckingInterval: 1000 };
    const onRequest = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    // With TLS the handshake counts toward the same limit; a failed one closes just that socket.
    this.http = opts.tls ? createTlsServer({ ...httpOptions, cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: headersTimeout, minVersion: 'TLSv1.2' }, onRequest) : createServer(httpOptions, onRequest);
    this.http.keepAliveTimeout = 5_000;
    // The limit before `connect`, enforced by ws from each frame's header; raised per connection after hello-ok.
    // One message per event-loop turn: a read full of pipelined requests is answered request by request,
    // so the cap on queued output is checked between them, not after hundreds are already in flight.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PREAUTH_PAYLOAD_BYTES, perMessageDeflate: false, allowSynchronousEvents: false });
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
    for (const c of this.opts.connections.list()) c.close(CloseCodes.SERVICE_RESTART, 'gateway restarting');
    this.opts.connections.clear();
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

  /** Serves a renewed certificate to new TLS connections (open ones keep theirs). */
  renewTls(tls: { cert: string; key: string }): void {
    if (!this.opts.tls) throw new Error('this listener does not serve TLS');
    (this.http as unknown as import('node:tls').Server).setSecureContext({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
  }

  /** Open (authenticated) connections. */
  connections(): GatewayConnection[] {
    return this.opts.connections.list();
  }

  broadcast(event: string, payload: unknown): void {
    this.opts.connections.broadcast(event, payload);
  }

  /** Close every open connection matching `pred` (credential rotated, device revoked). */
  closeWhere(pred: (c: GatewayConnection) => boolean, code: number, reason: string): number {
    return this.opts.connections.closeWhere(pred, code, reason);
  }

  /** Tell clients, close sockets, stop listening. */
  async close(reason: string): Promise<void> {
    clearInterval(this.tickTimer);
    clearInterval(this.pingTimer);
    this.broadcast('shutdown', { reason });
    for (const c of this.opts.connections.list()) c.close(CloseCodes.GOING_AWAY, reason);
    for (const ws of this.wss.clients) ws.terminate();
    this.opts.pluginUpgrade?.close();
    this.opts.connections.clear({ quiet: true });
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private clientAddress(req: IncomingMessage): ClientAddress {
    return this.opts.clientAddress?.(req) ?? resolveClientAddress(req, NO_TRUSTED_PROXIES);
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

  /** Every HTTP request passes the same gate as a WebSocket upgrade before any route. */
  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const refusal = this.opts.isPublicRoute?.(req) ? undefined : checkRequestSource(req, this.opts.originPolicy());
    if (!refusal) return this.opts.handleHttp(req, res);
    this.logRefusal(refusal, req);
    res.writeHead(refusal.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(JSON.stringify({ ok: false, error: { type: refusal.type, message: refusal.message } }));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.opts.pluginUpgrade?.handle(req, socket, head)) return;
    const refusal = checkRequestSource(req, this.opts.originPolicy());
    if (refusal) {
      this.logRefusal(refusal, req);
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.status === 415 ? 'Unsupported Media Type' : 'Forbidden'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refusal.message}\n`);
      return;
    }
    const client = this.clientAddress(req);
    const release = this.preauth.acquire(client.address);
    if (!release) {
      this.warnThrottled('preauth-full', 'refused a WebSocket: too many connections still in the handshake', { remote: client.address, peer: client.peer, source: addressBucket(client.address) });
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\ntoo many connections in the handshake; retry shortly\n');
      return;
    }
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Behind a local reverse proxy every peer looks like loopback: only a direct local client is loopback.
      const conn = new GatewayConnection(ws, client.address, client.loopback, {
        dispatcher: this.opts.dispatcher,
        log: this.opts.log,
        handshakeTimeoutMs: this.opts.handshakeTimeoutMs,
        authenticate: (p, c) => this.opts.authenticate(p, c),
        hello: (c) => this.opts.hello(c),
        onOpen: (c) => {
          release();
          this.opts.connections.add(c);
        },
        onClose: (c) => {
          this.opts.connections.remove(c);
        },
      });
      (ws as unknown as { __conn?: GatewayConnection }).__conn = conn;
      conn.start();
    });
  }

  private logRefusal(refusal: SourceRefusal, req: IncomingMessage): void {
    const what = req.headers.upgrade ? 'a WebSocket' : `HTTP ${req.method} ${req.url?.split('?')[0]}`;
    const client = this.clientAddress(req);
    this.warnThrottled(refusal.type, `refused ${what}: ${refusal.message}`, { host: req.headers.host, origin: req.headers.origin, remote: client.address, ...(client.forwarded ? { peer: client.peer } : {}) });
  }

  /** A warn line per kind at most every REFUSAL_LOG_INTERVAL_MS, with the number left out since. */
  private warnThrottled(kind: string, message: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    const last = this.refusalLog.get(kind);
    if (last && now - last.at < REFUSAL_LOG_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    this.opts.log.warn(message, { ...fields, ...(last?.suppressed ? { similarSinceLast: last.suppressed } : {}) });
    this.refusalLog.set(kind, { at: now, suppressed: 0 });
  }
}

/** Counts connections in the handshake, in all and per source; `acquire` hands back the release. */
class PreauthSlots {
  private total = 0;
  private readonly perSource = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerSource: number,
  ) {}

  acquire(remote: string | undefined): (() => void) | undefined {
    const source = addressBucket(remote);
    const held = this.perSource.get(source) ?? 0;
    if (this.total >= this.maxTotal || held >= this.maxPerSource) return undefined;
    this.total++;
    this.perSource.set(source, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perSource.get(source) ?? 1) - 1;
      if (left > 0) this.perSource.set(source, left);
      else this.perSource.delete(source);
    };
  }
}
