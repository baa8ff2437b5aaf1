/**
 * A Twitch EventSub WebSocket session, as Twitch documents it: the server's
 * first message (`session_welcome`) names the session the subscriptions are
 * made for; after that come notifications, keepalives when nothing else
 * happens for `keepalive_timeout_seconds`, `session_reconnect` (connect to the
 * given URL, subscriptions carry over, close the old socket once the new one
 * is welcomed) and `revocation`. Twitch sends at least once, so notifications
 * are de-duplicated by message id. Silence past the keepalive timeout means
 * the connection is gone.
 */
import WebSocket from 'ws';

export const DEFAULT_EVENTSUB_URL = 'wss://eventsub.wss.twitch.tv/ws';
// Twitch accepts keepalive timeouts from 10 to 600 seconds.
const MIN_KEEPALIVE_SEC = 10;
const MAX_KEEPALIVE_SEC = 600;
const SEEN_IDS = 1000;

interface Frame {
  metadata?: { message_id?: unknown; message_type?: unknown; subscription_type?: unknown };
  payload?: {
    session?: { id?: unknown; keepalive_timeout_seconds?: unknown; reconnect_url?: unknown };
    subscription?: { type?: unknown; status?: unknown };
    event?: unknown;
  };
}

export interface EventSubHandlers {
  /** One notification, never the same message id twice. */
  onNotification(type: string, event: unknown): void;
  /** Twitch ended a subscription (`authorization_revoked`, `user_removed`, `version_removed`). */
  onRevoked(type: string, status: string): void;
  /** The session is gone (closed, or silent past the keepalive timeout). */
  onLost(err: Error): void;
  /** Any message from the server: a sign of life. */
  onAlive(): void;
}

/** The keepalive timeout to ask for, within Twitch's bounds, from the account's liveness bound. */
export function keepaliveSecondsFor(livenessMs: number): number {
  return Math.min(MAX_KEEPALIVE_SEC, Math.max(MIN_KEEPALIVE_SEC, Math.floor(livenessMs / 3000)));
}

export class EventSubSession {
  private socket?: WebSocket;
  private sessionId?: string;
  private keepaliveMs = MIN_KEEPALIVE_SEC * 1000;
  private watchdog?: NodeJS.Timeout;
  private readonly seen = new Set<string>();
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly keepaliveSec: number,
    private readonly handlers: EventSubHandlers,
  ) {}

  /** Connect; resolves with the session id once Twitch welcomes the connection. */
  async open(timeoutMs: number): Promise<string> {
    const url = new URL(this.url);
    url.searchParams.set('keepalive_timeout_seconds', String(this.keepaliveSec));
    return this.connect(url.toString(), timeoutMs);
  }

  /** The current session id (subscriptions are made for it). */
  get id(): string | undefined {
    return this.sessionId;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.watchdog);
    this.socket?.terminate();
  }

  private connect(url: string, timeoutMs: number): Promise<string> {
    const socket = new WebSocket(url, { handshakeTimeout: timeoutMs });
    return new Promise<string>((resolve, reject) => {
      let welcomed = false;
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`Twitch EventSub did not welcome the connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.on('message', (data) => {
        let frame: Frame;
        try {
          frame = JSON.parse(data.toString()) as Frame;
        } catch {
          return;
        }
        if (!welcomed && frame.metadata?.message_type === 'session_welcome') {
          const id = frame.payload?.session?.id;
          if (typeof id !== 'string' || !id) return;
          welcomed = true;
          clearTimeout(timer);
          const keepalive = Number(frame.payload?.session?.keepalive_timeout_seconds);
          if (Number.isFinite(keepalive) && keepalive > 0) this.keepaliveMs = keepalive * 1000;
          // A reconnect: the new socket takes over, the old one is closed without counting as lost.
          const old = this.socket;
          this.socket = socket;
          this.sessionId = id;
          old?.removeAllListeners('close');
          old?.terminate();
          this.alive();
          resolve(id);
          return;
        }
        if (socket === this.socket) this.onFrame(frame);
      });
      socket.on('close', (code, reason) => {
        clearTimeout(timer);
        if (!welcomed) return reject(new Error(`Twitch EventSub closed the connection before welcoming it (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
        if (socket === this.socket && !this.closed) this.lost(new Error(`Twitch EventSub closed the connection (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
      });
      socket.on('error', (err) => {
        if (!welcomed) {
          clearTimeout(timer);
          reject(new Error(`Could not connect to Twitch EventSub (${err.message})`));
        }
      });
    });
  }

  private onFrame(frame: Frame): void {
    if (this.closed) return;
    this.alive();
    const type = frame.metadata?.message_type;
    if (type === 'notification') {
      const id = frame.metadata?.message_id;
      if (typeof id === 'string') {
        if (this.seen.has(id)) return;
        this.seen.add(id);
        if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.values().next().value!);
      }
      const subType = frame.payload?.subscription?.type ?? frame.metadata?.subscription_type;
      this.handlers.onNotification(typeof subType === 'string' ? subType : '', frame.payload?.event);
    } else if (type === 'session_reconnect') {
      const next = frame.payload?.session?.reconnect_url;
      if (typeof next !== 'string' || !URL.canParse(next)) return this.lost(new Error('Twitch EventSub asked to reconnect without a valid URL'));
      this.connect(next, this.keepaliveMs).catch((err: unknown) => this.lost(err instanceof Error ? err : new Error(String(err))));
    } else if (type === 'revocation') {
      const sub = frame.payload?.subscription;
      this.handlers.onRevoked(typeof sub?.type === 'string' ? sub.type : '', typeof sub?.status === 'string' ? sub.status : 'revoked');
    }
  }

  private alive(): void {
    this.handlers.onAlive();
    clearTimeout(this.watchdog);
    // Twitch sends a keepalive after this much silence; allow a second for the network.
    this.watchdog = setTimeout(() => this.lost(new Error(`Twitch EventSub was silent for more than ${this.keepaliveMs / 1000} s`)), this.keepaliveMs + 1000);
    this.watchdog.unref();
  }

  private lost(err: Error): void {
    if (this.closed) return;
    this.close();
    this.handlers.onLost(err);
  }
}
