/**
 * The fake Discord Gateway (v10, JSON, no compression): HELLO, IDENTIFY →
 * READY + GUILD_CREATE, heartbeats, dispatches with sequence numbers, RESUME
 * with replay of missed dispatches, INVALID_SESSION, and the faults a real
 * connection suffers (drop, stall).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { randomBytes } from 'node:crypto';

/** Dispatches a session keeps for RESUME. */
const REPLAY_WINDOW = 5_000;

/** A dispatch as sent on the wire. */
export interface DispatchFrame {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

/** One gateway session: survives its socket until closed cleanly or invalidated. */
interface Session {
  id: string;
  intents: number;
  seq: number;
  log: DispatchFrame[];
  conn?: Conn;
  invalid: boolean;
}

interface Conn {
  ws: WebSocket;
  session?: Session;
  /** Highest sequence number already written to this socket. */
  sentSeq: number;
  helloSent: boolean;
}

/** What the gateway needs from the rest of the fake. */
export interface GatewayHooks {
  /** Accepts the token sent in IDENTIFY/RESUME. */
  tokenOk(token: unknown): boolean;
  /** READY's `d` for a new session. */
  readyPayload(sessionId: string, resumeUrl: string): unknown;
  /** GUILD_CREATE payloads sent after READY. */
  guildCreates(): unknown[];
}

/** Gateway counters tests wait on. */
export interface GatewayStats {
  connections: number;
  identifies: number;
  resumes: number;
  heartbeats: number;
  acks: number;
}

export class FakeGateway {
  readonly stats: GatewayStats = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0, acks: 0 };
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<Conn>();
  private readonly sessions = new Map<string, Session>();
  private stalled = false;
  private url = '';

  constructor(
    private readonly hooks: GatewayHooks,
    private readonly heartbeatIntervalMs: number,
    private readonly onChange: () => void,
  ) {}

  /** The address announced by GET /gateway/bot and in READY. */
  setUrl(url: string): void {
    this.url = url;
  }

  /** Route an HTTP upgrade on `/gateway` here. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, sentSeq: 0, helloSent: false };
      this.conns.add(conn);
      this.stats.connections++;
      this.onChange();
      ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
      ws.on('close', (code) => this.onClose(conn, code));
      ws.on('error', () => undefined);
      if (query.get('v') !== '10') return ws.close(4012, 'Invalid API version');
      if (query.get('encoding') !== 'json' || query.has('compress')) return ws.close(4002, 'Decode error');
      if (!this.stalled) this.hello(conn);
    });
  }

  /**
   * Append a dispatch to every live session (connected or resumable) whose
   * intents allow it; `shape` may tailor `d` per session (e.g. strip content).
   */
  dispatch(t: string, d: unknown, needsIntent = 0, shape?: (d: unknown, intents: number) => unknown): void {
    for (const session of this.sessions.values()) {
      if (session.invalid || (needsIntent && !(session.intents & needsIntent))) continue;
      this.push(session, t, shape ? shape(d, session.intents) : d);
    }
  }

  /** Send a raw text frame to every connected socket (for malformed-input tests). */
  sendRaw(text: string): void {
    for (const c of this.conns) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(text);
  }

  /** Close every socket abruptly (as a network drop); sessions stay resumable. */
  drop(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  /** Close every socket with a gateway close code (e.g. 4004 after the token was reset). */
  closeAll(code: number, reason: string): void {
    for (const c of this.conns) if (c.ws.readyState === WebSocket.OPEN) c.ws.close(code, reason);
  }

  /** Stop answering: no HELLO, no heartbeat ACKs, no dispatches; sockets stay open. */
  setStalled(on: boolean): void {
    this.stalled = on;
    if (on) return;
    for (const c of this.conns) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      if (!c.helloSent) this.hello(c);
      else if (c.session) this.flush(c.session);
    }
  }

  /** Invalidate every session and tell connected clients (op 9, not resumable). */
  invalidateSessions(): void {
    for (const s of this.sessions.values()) s.invalid = true;
    this.sessions.clear();
    for (const c of this.conns) if (c.session && c.ws.readyState === WebSocket.OPEN) this.send(c, { op: 9, d: false });
  }

  /** Gateway sockets currently open. */
  openSockets(): number {
    return this.conns.size;
  }

  /** Number of sessions that can still receive or resume. */
  liveSessions(): number {
    return [...this.sessions.values()].filter((s) => !s.invalid).length;
  }

  close(): void {
    for (const c of this.conns) c.ws.terminate();
    this.wss.close();
  }

  private hello(conn: Conn): void {
    conn.helloSent = true;
    this.send(conn, { op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null });
  }

  private onFrame(conn: Conn, data: RawData, isBinary: boolean): void {
    let frame: { op?: unknown; d?: unknown };
    try {
      frame = JSON.parse(isBinary ? '' : data.toString()) as typeof frame;
    } catch {
      return void conn.ws.close(4002, 'Decode error');
    }
    switch (frame.op) {
      case 1:
        this.stats.heartbeats++;
        if (!this.stalled) {
          this.stats.acks++;
          this.send(conn, { op: 11 });
        }
        break;
      case 2:
        return this.identify(conn, (frame.d ?? {}) as { token?: unknown; intents?: unknown });
      case 6:
        return this.resume(conn, (frame.d ?? {}) as { token?: unknown; session_id?: unknown; seq?: unknown });
      default:
        break;
    }
    this.onChange();
  }

  private identify(conn: Conn, d: { token?: unknown; intents?: unknown }): void {
    if (conn.session) return void conn.ws.close(4005, 'Already authenticated');
    if (!this.hooks.tokenOk(d.token)) return void conn.ws.close(4004, 'Authentication failed');
    this.stats.identifies++;
    const session: Session = { id: randomBytes(16).toString('hex'), intents: Number(d.intents) || 0, seq: 0, log: [], conn, invalid: false };
    this.sessions.set(session.id, session);
    conn.session = session;
    this.push(session, 'READY', this.hooks.readyPayload(session.id, this.url));
    if (session.intents & 1) for (const g of this.hooks.guildCreates()) this.push(session, 'GUILD_CREATE', g);
    this.onChange();
  }

  private resume(conn: Conn, d: { token?: unknown; session_id?: unknown; seq?: unknown }): void {
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    const seq = Number(d.seq) || 0;
    const oldest = session?.log[0]?.s ?? 1;
    if (!session || session.invalid || !this.hooks.tokenOk(d.token) || seq + 1 < oldest) {
      this.send(conn, { op: 9, d: false });
      return;
    }
    this.stats.resumes++;
    // A newer socket takes the session over; the old one (if any) is abandoned.
    if (session.conn && session.conn !== conn) session.conn.session = undefined;
    session.conn = conn;
    conn.session = session;
    conn.sentSeq = seq;
    this.push(session, 'RESUMED', {});
    this.onChange();
  }

  private onClose(conn: Conn, code: number): void {
    this.conns.delete(conn);
    const session = conn.session;
    if (session && session.conn === conn) {
      session.conn = undefined;
      // Discord ends the session on a clean 1000/1001 close; anything else can resume.
      if (code === 1000 || code === 1001) {
        session.invalid = true;
        this.sessions.delete(session.id);
      }
    }
    this.onChange();
  }

  private push(session: Session, t: string, d: unknown): void {
    session.seq++;
    session.log.push({ op: 0, t, s: session.seq, d });
    // Keep a bounded replay window, as Discord does; older resumes are refused.
    if (session.log.length > REPLAY_WINDOW) session.log.splice(0, session.log.length - REPLAY_WINDOW);
    this.flush(session);
  }

  private flush(session: Session): void {
    const conn = session.conn;
    if (!conn || this.stalled || conn.ws.readyState !== WebSocket.OPEN) return;
    const first = session.log[0]?.s ?? 1;
    for (let i = Math.max(0, conn.sentSeq + 1 - first); i < session.log.length; i++) {
      const frame = session.log[i]!;
      this.send(conn, frame);
      conn.sentSeq = frame.s;
    }
  }

  private send(conn: Conn, frame: unknown): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(frame));
  }
}
