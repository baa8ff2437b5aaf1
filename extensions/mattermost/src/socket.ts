/**
 * Mattermost's WebSocket API (`/api/v4/websocket`) over `ws`: the
 * `authentication_challenge`, `hello`, events with a per-connection `seq`,
 * `ping` and `user_typing` actions. The SDK's own `WebSocketClient` is built
 * for browsers (it reaches for the global `WebSocket` and `CloseEvent`, which
 * Node 20 lacks, and logs to the console), so this speaks the same documented
 * protocol directly; reconnecting and backfill are the adapter's.
 */
import { WebSocket } from 'ws';
import { ChannelAuthError } from '../../../src-shared/domain/channel.js';
import { BAD_TOKEN_MESSAGE } from './errors.js';

/** One server event. */
export interface MattermostEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast?: Record<string, unknown>;
  seq: number;
}

export interface SocketHandlers {
  onEvent(event: MattermostEvent): void;
  /** Any frame or pong: proof of life. */
  onAlive(): void;
  /** The connection ended after `open` resolved (not when `close()` was called). */
  onClosed(reason: Error): void;
}

/** The WebSocket address of a site URL. */
export function websocketUrl(serverUrl: string): string {
  const url = new URL(serverUrl.replace(/\/+$/, '') + '/api/v4/websocket');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** One authenticated connection. */
export class MattermostSocket {
  private ws?: WebSocket;
  private nextAction = 1;
  private expectedSeq = 0;
  private closedByUs = false;
  private pingTimer?: NodeJS.Timeout;
  private pingOutstanding = false;
  private dropReason?: Error;
  private readonly replies = new Map<number, (reply: { status?: string; error?: { message?: string } }) => void>();
  connectionId?: string;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly handlers: SocketHandlers,
  ) {}

  /** Connect and authenticate; resolves on `hello`, rejects on refusal or after `timeoutMs`. */
  open(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { handshakeTimeout: timeoutMs, headers: { 'user-agent': 'OpenClaw' } });
      this.ws = ws;
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          this.closedByUs = true;
          ws.terminate();
          reject(err);
        } else resolve();
      };
      const timer = setTimeout(() => settle(new Error(`Mattermost did not say hello within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
      // A TCP connection alone is no sign of life: a stalled server accepts them and says nothing.
      ws.on('open', () => {
        this.action('authentication_challenge', { token: this.token }, (reply) => {
          if (reply.status !== 'OK') settle(new ChannelAuthError(BAD_TOKEN_MESSAGE));
        });
      });
      ws.on('unexpected-response', (_req, res) => {
        settle(res.statusCode === 401 ? new ChannelAuthError(BAD_TOKEN_MESSAGE) : new Error(`Mattermost refused the WebSocket (HTTP ${res.statusCode}).`));
      });
      ws.on('error', (err) => settle(new Error(`Could not open the Mattermost WebSocket: ${err.message}`)));
      ws.on('message', (raw) => {
        this.handlers.onAlive();
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(String(raw)) as Record<string, unknown>;
        } catch {
          return;
        }
        if (typeof msg.seq_reply === 'number') {
          const reply = this.replies.get(msg.seq_reply);
          this.replies.delete(msg.seq_reply);
          reply?.(msg as never);
          return;
        }
        if (typeof msg.event !== 'string') return;
        if (msg.seq !== this.expectedSeq) {
          // A gap means lost events: start over; the adapter reads the gap back.
          this.drop(new Error(`Mattermost WebSocket skipped events (seq ${String(msg.seq)}, expected ${this.expectedSeq}).`));
          return;
        }
        this.expectedSeq++;
        if (msg.event === 'hello') {
          this.connectionId = String((msg.data as { connection_id?: unknown })?.connection_id ?? '');
          settle();
          return;
        }
        if (settled) this.handlers.onEvent(msg as unknown as MattermostEvent);
      });
      ws.on('close', (code, reason) => {
        clearInterval(this.pingTimer);
        const err = this.dropReason ?? new Error(`Mattermost WebSocket closed (code ${code}${reason.length ? `, ${reason.toString()}` : ''}).`);
        if (!settled) return settle(err);
        if (!this.closedByUs) this.handlers.onClosed(err);
      });
    });
  }

  /**
   * Ping every `intervalMs`; a ping still unanswered at the next one means
   * the server went silent, and the socket is dropped.
   */
  keepAlive(intervalMs: number): void {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (this.pingOutstanding) {
        this.drop(new Error(`Mattermost did not answer a ping within ${Math.round(intervalMs / 1000)} s.`));
        return;
      }
      this.pingOutstanding = true;
      this.action('ping', undefined, () => {
        this.pingOutstanding = false;
      });
    }, intervalMs);
    this.pingTimer.unref?.();
  }

  /** "Typing…" in a channel (and thread); false when the socket is not open. */
  typing(channelId: string, parentId = ''): boolean {
    return this.action('user_typing', { channel_id: channelId, parent_id: parentId });
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.closedByUs = true;
    clearInterval(this.pingTimer);
    this.ws?.terminate();
  }

  /** Cut the connection; its close reports `reason`. */
  private drop(reason: Error): void {
    clearInterval(this.pingTimer);
    this.dropReason ??= reason;
    this.ws?.terminate();
  }

  private action(action: string, data: unknown, onReply?: (reply: { status?: string; error?: { message?: string } }) => void): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    const seq = this.nextAction++;
    if (onReply) this.replies.set(seq, onReply);
    this.ws.send(JSON.stringify({ seq, action, ...(data === undefined ? {} : { data }) }));
    return true;
  }
}
