/**
 * A local Slack: the Web API methods the adapter calls (form or JSON bodies,
 * Bearer tokens, `{ok:false,error}` answers, 429 with Retry-After) and a
 * Socket Mode WebSocket that says `hello`, sends `events_api` envelopes,
 * takes `{envelope_id}` acks, answers pings, and resends unacknowledged
 * envelopes on the next connection with `retry_attempt` counted up.
 *
 * Faults: `drop` terminates every socket; `stall` makes the socket and the
 * Web API go silent (no pongs, pings or frames; requests hang) until lifted;
 * `5xx` answers every Web API call with HTTP 500 until lifted. Events raised
 * meanwhile wait and go out once a socket is live again.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';
import { clientGone, sendJson, startHttpServer, untilGone, type StartedServer } from '../http-server.js';
import { FakeWorkspace, type FakeMessageInput } from './workspace.js';
import { handleWebApi, type PostedMessage, type ScriptedFailure, type WebApiHost } from './web-api.js';

export type { PostedMessage } from './web-api.js';

/** A platform-side fault. */
export type FakeSlackFault = 'drop' | 'stall' | '5xx';

interface PendingEnvelope {
  frame: Record<string, unknown>;
  /** How often it has been sent. */
  attempts: number;
  sentOn?: WebSocket;
}

/** Options for {@link FakeSlack.start}. */
export interface FakeSlackOptions {
  /** How often the server pings each socket (0: never). */
  pingIntervalMs?: number;
}

/** The fake Slack platform. */
export class FakeSlack implements WebApiHost {
  readonly workspace = new FakeWorkspace();
  readonly botToken = `xoxb-0001-${randomUUID()}`;
  readonly appToken = `xapp-1-A0001-${randomUUID()}`;
  readonly posted: PostedMessage[] = [];
  readonly acks: { envelopeId: string; at: number }[] = [];
  /** Every envelope written to a socket, with the retry_attempt it carried. */
  readonly deliveries: { envelopeId: string; retryAttempt: number }[] = [];
  /** Every Web API call and the HTTP status it got. */
  readonly calls: { method: string; status: number }[] = [];
  /** Sockets that got past the handshake. */
  connectionsOpened = 0;
  readonly scripted = new Map<string, ScriptedFailure[]>();

  private http!: StartedServer & { server: Server };
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly sockets = new Set<WebSocket>();
  private live: WebSocket | undefined;
  private readonly tickets = new Set<string>();
  private readonly envelopes = new Map<string, PendingEnvelope>();
  private readonly changes = new EventEmitter();
  private stalled = false;
  private releaseStall: (() => void) | undefined;
  private stallGate: Promise<void> = Promise.resolve();
  private failing5xx = false;
  private closed = false;

  private constructor(private readonly opts: FakeSlackOptions) {
    this.changes.setMaxListeners(0);
  }

  /** Listen on 127.0.0.1, an ephemeral port. */
  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(opts);
    fake.http = await startHttpServer((req, res) => fake.onRequest(req, res));
    fake.http.server.on('upgrade', (req, socket, head) => fake.onUpgrade(req, socket, head));
    return fake;
  }

  /** Web API base for `apiRoot`. */
  get apiRoot(): string {
    return `${this.http.baseUrl}/api/`;
  }

  // ---- people say things -------------------------------------------------

  /** `user` writes to the bot in their DM. */
  sayDirect(user: string, text: string, extra: Partial<FakeMessageInput> = {}): { ts: string; messageId: string; envelopeIds: string[] } {
    const dm = this.workspace.dmOf(user);
    if (!dm) throw new Error(`no DM for ${user}`);
    return this.say({ user, channel: dm.id, text, ...extra });
  }

  /**
   * `user` posts in a conversation. With `mention` the text starts with the
   * bot's `<@U…>`, and (as for an app subscribed to both) an `app_mention`
   * event follows the `message` event unless `appMention: false`.
   */
  say(input: FakeMessageInput & { mention?: boolean; appMention?: boolean; ts?: string }): { ts: string; messageId: string; envelopeIds: string[] } {
    const ts = input.ts ?? this.workspace.nextTs();
    const text = input.mention ? `<@${this.workspace.botUserId}> ${input.text}` : input.text;
    const msg = { ...input, text };
    const envelopeIds = [this.deliverEvent(this.workspace.messageEvent(msg, ts))];
    const conv = this.workspace.conversations.get(input.channel);
    if (input.mention && input.appMention !== false && conv?.kind !== 'im') envelopeIds.push(this.deliverEvent(this.workspace.appMentionEvent(msg, ts)));
    return { ts, messageId: `${input.channel}:${ts}`, envelopeIds };
  }

  /** Send any event in an `events_api` envelope; returns the envelope id. */
  deliverEvent(event: Record<string, unknown>): string {
    return this.deliverEnvelope(this.workspace.envelope(event));
  }

  /** Queue an envelope as is (it must have an `envelope_id`). */
  deliverEnvelope(frame: Record<string, unknown>): string {
    const id = String(frame.envelope_id);
    this.envelopes.set(id, { frame, attempts: 0 });
    this.flush();
    return id;
  }

  /** Write a raw text frame to the live socket, bypassing envelope bookkeeping (for bad input). */
  sendRaw(text: string): void {
    if (!this.live) throw new Error('no live Socket Mode connection');
    this.live.send(text);
  }

  /** Ask the client to reconnect, as Slack does before recycling a server. */
  requestDisconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    this.live?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
  }

  // ---- faults and scripted answers ---------------------------------------

  /** Turn a fault on or off (`drop` is one-shot). */
  setFault(kind: FakeSlackFault, on: boolean): void {
    if (kind === 'drop') {
      for (const ws of this.sockets) ws.terminate();
      this.live = undefined;
    } else if (kind === '5xx') {
      this.failing5xx = on;
    } else if (on && !this.stalled) {
      this.stalled = true;
      this.stallGate = new Promise((resolve) => (this.releaseStall = resolve));
    } else if (!on && this.stalled) {
      this.stalled = false;
      this.releaseStall?.();
      for (const ws of this.sockets) if (!helloSent.has(ws)) this.greet(ws);
      this.flush();
    }
    this.changed();
  }

  /** The next `times` calls of `method` fail with Slack error `error` (HTTP 200), or 429 when `retryAfterSec` is set. */
  failNext(method: string, error: string, opts: { times?: number; retryAfterSec?: number } = {}): void {
    const list = this.scripted.get(method) ?? [];
    for (let i = 0; i < (opts.times ?? 1); i++) list.push({ error, retryAfterSec: opts.retryAfterSec });
    this.scripted.set(method, list);
  }

  /** The next call of `method` is answered normally, but only after `delayMs`. */
  slowNext(method: string, delayMs: number): void {
    const list = this.scripted.get(method) ?? [];
    list.push({ delayMs });
    this.scripted.set(method, list);
  }

  // ---- observing ---------------------------------------------------------

  /** Messages the bot posted to a peer (user id for DMs), oldest first. */
  postedTo(peer: string): PostedMessage[] {
    return this.posted.filter((m) => m.peer === peer);
  }

  /** Sockets currently open. */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Envelope ids not acknowledged yet. */
  unacked(): string[] {
    return [...this.envelopes.keys()];
  }

  /** Web API calls of `method` so far, optionally only those answered with `status`. */
  callCount(method: string, status?: number): number {
    return this.calls.filter((c) => c.method === method && (status === undefined || c.status === status)).length;
  }

  /**
   * Resolves once `check` returns a value, or rejects after `timeoutMs`. Checked on every
   * change of the fake, and every 25 ms for conditions on the adapter's side (its logs).
   */
  waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.changes.off('change', test);
      };
      const test = () => {
        const value = check();
        if (value === undefined || value === false) return false;
        stop();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const poll = setInterval(test, 25);
      if (!test()) this.changes.on('change', test);
    });
  }

  /** Resolves with the first `count` messages posted to `peer`. */
  waitForPosted(peer: string, count: number, timeoutMs = 5000): Promise<PostedMessage[]> {
    return this.waitFor(() => (this.postedTo(peer).length >= count ? this.postedTo(peer).slice(0, count) : undefined), `${count} message(s) to ${peer}`, timeoutMs);
  }

  /** Resolves when `envelopeId` has been acknowledged. */
  waitForAck(envelopeId: string, timeoutMs = 5000): Promise<{ envelopeId: string; at: number }> {
    return this.waitFor(() => this.acks.find((a) => a.envelopeId === envelopeId), `ack of ${envelopeId}`, timeoutMs);
  }

  /** Resolves once `count` sockets have opened in total. */
  waitForConnections(count: number, timeoutMs = 5000): Promise<number> {
    return this.waitFor(() => (this.connectionsOpened >= count ? this.connectionsOpened : undefined), `${count} connection(s)`, timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.releaseStall?.();
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    this.wss.close();
    await this.http.close();
  }

  // ---- Web API -----------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api\//, '');
    const record = (status: number) => {
      this.calls.push({ method, status });
      this.changed();
    };
    if (this.stalled) {
      await Promise.race([this.stallGate, untilGone(res)]);
      if (this.closed || clientGone(res)) return void res.destroy();
    }
    if (this.failing5xx) {
      record(500);
      res.writeHead(500, { 'content-type': 'text/html' });
      return void res.end('<html><body>Internal Server Error</body></html>');
    }
    const { status, body, headers, posted } = await handleWebApi(this, method, req);
    if (posted) this.posted.push(posted);
    record(status);
    sendJson(res, status, body, headers);
  }

  // ---- Socket Mode -------------------------------------------------------

  /** Issue a single-use WebSocket URL, as `apps.connections.open` does. */
  issueSocketUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.http.baseUrl.replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${this.workspace.appId}`;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    this.sockets.add(ws);
    this.connectionsOpened++;
    const pinger = this.opts.pingIntervalMs === 0 ? undefined : setInterval(() => {
            if (!this.stalled && ws.readyState === WebSocket.OPEN) ws.ping();
          }, this.opts.pingIntervalMs ?? 1000);
    ws.on('ping', (data) => {
      if (!this.stalled) ws.pong(data);
    });
    ws.on('message', (data) => this.onClientFrame(data.toString()));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      clearInterval(pinger);
      this.sockets.delete(ws);
      if (this.live === ws) this.live = undefined;
      this.changed();
    });
    if (!this.stalled) this.greet(ws);
    this.changed();
  }

  private greet(ws: WebSocket): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    helloSent.add(ws);
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.size, debug_info: { host: 'fake-slack', approximate_connection_time: 3600 }, connection_info: { app_id: this.workspace.appId } }));
    this.live = ws;
    this.flush();
  }

  private onClientFrame(text: string): void {
    let frame: { envelope_id?: unknown };
    try {
      frame = JSON.parse(text) as { envelope_id?: unknown };
    } catch {
      return;
    }
    if (typeof frame.envelope_id !== 'string') return;
    this.envelopes.delete(frame.envelope_id);
    this.acks.push({ envelopeId: frame.envelope_id, at: Date.now() });
    this.changed();
  }

  /** Send what the live socket has not seen yet; envelopes sent on an earlier socket count as retries. */
  private flush(): void {
    const ws = this.live;
    if (!ws || this.stalled || ws.readyState !== WebSocket.OPEN) return;
    for (const pending of this.envelopes.values()) {
      if (pending.sentOn === ws) continue;
      const retry = pending.attempts > 0;
      ws.send(JSON.stringify({ ...pending.frame, retry_attempt: pending.attempts, retry_reason: retry ? 'timeout' : '' }));
      this.deliveries.push({ envelopeId: String(pending.frame.envelope_id), retryAttempt: pending.attempts });
      pending.attempts++;
      pending.sentOn = ws;
    }
  }

  private changed(): void {
    this.changes.emit('change');
  }
}

/** Sockets that got their `hello` (a socket opened during a stall gets it when the stall lifts). */
const helloSent = new WeakSet<WebSocket>();
