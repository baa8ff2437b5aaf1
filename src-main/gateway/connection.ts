import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import {
  CloseCodes,
  ConnectParamsSchema,
  ErrorCodes,
  EVENTS,
  HANDSHAKE_TIMEOUT_MS,
  MAX_BUFFERED_BYTES,
  MAX_PAYLOAD_BYTES,
  RequestFrameSchema,
  compile,
  hasScope,
  type ConnectParams,
  type ErrorShape,
  type EventFrame,
  type HelloOk,
  type PresenceEntry,
  type RequestFrame,
  type ResponseFrame,
} from '../../src-shared/protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { CallContext, Dispatcher } from './dispatcher.js';
import { ConnectRefusal, toErrorShape } from './errors.js';
import type { HandshakeGrant } from './handshake.js';

const requestValidator = compile(RequestFrameSchema);
const connectValidator = compile(ConnectParamsSchema);
/** A client normally waits for hello-ok; a few pipelined frames wait for it, a flood closes the connection. */
const MAX_HELD_FRAMES = 32;

/** What a connection needs from the server around it. */
export interface ConnectionHost {
  dispatcher: Dispatcher;
  log: Logger;
  /** Decide the handshake; throws ConnectRefusal. */
  authenticate(params: ConnectParams, conn: GatewayConnection): Promise<HandshakeGrant>;
  /** Build hello-ok for a granted connection. */
  hello(conn: GatewayConnection): HelloOk;
  onOpen(conn: GatewayConnection): void;
  onClose(conn: GatewayConnection): void;
  handshakeTimeoutMs?: number;
}

/**
 * One WebSocket client: challenge, handshake, then request/response frames
 * and events. A malformed frame gets an error where it can be answered and is
 * dropped where it cannot; it never takes the connection or the gateway down.
 */
export class GatewayConnection {
  readonly connId = randomUUID();
  readonly nonce = randomUUID();
  readonly connectedAtMs = Date.now();
  /** `authenticating`: the connect request is being checked (the store is asked); frames arriving meanwhile wait. */
  state: 'handshake' | 'authenticating' | 'open' | 'closed' = 'handshake';
  private readonly held: [RawData, boolean][] = [];
  grant?: HandshakeGrant;
  params?: ConnectParams;
  ctx?: CallContext;
  private seq = 0;
  private corked = false;
  private invalidFrames = 0;
  private handshakeTimer?: NodeJS.Timeout;
  alive = true;

  constructor(
    readonly ws: WebSocket,
    readonly remoteAddress: string,
    readonly isLoopback: boolean,
    private readonly host: ConnectionHost,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.onSocketClose());
    ws.on('error', (err) => {
      host.log.debug('socket error', { connId: this.connId, remote: this.remoteAddress, err: err.message, code: (err as { code?: string }).code });
      // ws has sent its close (1009 for a frame over the limit) and resumes the socket on the next tick to
      // read the peer's close, throwing away whatever else arrives: a peer still streaming would cost
      // allocations for nothing. Stop reading after that resume; the close grace below ends the socket.
      const socket = (ws as unknown as { _socket?: { pause(): void } })._socket;
      if (socket) process.nextTick(() => socket.pause());
      this.close(CloseCodes.PROTOCOL_ERROR, 'protocol error');
    });
    ws.on('pong', () => {
      this.alive = true;
    });
  }

  /** Send the challenge and arm the handshake timeout. */
  start(): void {
    this.sendFrame({ type: 'event', event: 'connect.challenge', payload: { nonce: this.nonce, ts: Date.now() } });
    this.handshakeTimer = setTimeout(() => this.close(CloseCodes.POLICY_VIOLATION, 'handshake timeout'), this.host.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS);
    this.handshakeTimer.unref();
  }

  /** Presence row for this connection. */
  presence(): PresenceEntry {
    const c = this.params?.client;
    return {
      connId: this.connId,
      clientId: c?.id ?? 'unknown',
      mode: c?.mode ?? 'unknown',
      role: this.grant?.role ?? 'unknown',
      platform: c?.platform,
      displayName: c?.displayName,
      deviceId: this.grant?.deviceId,
      version: c?.version,
      connectedAtMs: this.connectedAtMs,
    };
  }

  /** Send an event if this client may see it. */
  sendEvent(event: string, payload: unknown): void {
    if (this.state !== 'open' || !this.ctx) return;
    const spec = (EVENTS as Record<string, { scope: string | null }>)[event];
    const scope = spec ? spec.scope : 'operator.admin';
    if (scope && (this.ctx.role !== 'operator' || !hasScope(this.ctx.scopes, scope))) return;
    this.sendFrame({ type: 'event', event, payload, seq: this.seq++ });
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    // A peer that never answers the close handshake must not keep the socket.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  /**
   * Every frame to the client goes out here, under one cap on what may wait
   * for it (responses, events, anything): a client that stops reading is
   * disconnected (1008 "slow consumer") instead of growing the gateway. A
   * single frame larger than the cap still goes out when nothing is queued.
   */
  private sendFrame(frame: ResponseFrame | EventFrame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Bytes, not a string: what waits for a slow reader stays off the JS heap (ws would queue the string itself).
    const data = Buffer.from(JSON.stringify(frame));
    const queued = this.ws.bufferedAmount;
    if (queued > 0 && queued + data.length > MAX_BUFFERED_BYTES) {
      this.host.log.warn('closing a slow consumer: too much output waiting for it', {
        connId: this.connId,
        remote: this.remoteAddress,
        client: this.params?.client.id,
        queuedBytes: queued,
        limitBytes: MAX_BUFFERED_BYTES,
      });
      return this.close(CloseCodes.POLICY_VIOLATION, 'slow consumer');
    }
    this.coalesceWrites();
    this.ws.send(data, { binary: false });
  }

  /**
   * A turn sends several frames in one tick (the response, chat and agent
   * events): hold the socket's writes until the tick ends so they leave in
   * one system call instead of one each.
   */
  private coalesceWrites(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (!socket) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  private respond(id: string, result: { ok: true; payload: unknown } | { ok: false; error: ErrorShape }): void {
    this.sendFrame(result.ok ? { type: 'res', id, ok: true, payload: result.payload } : { type: 'res', id, ok: false, error: result.error });
  }

  private onSocketClose(): void {
    const wasOpen = this.grant !== undefined;
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    if (wasOpen) this.host.onClose(this);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    if (this.state === 'authenticating') {
      if (this.held.length >= MAX_HELD_FRAMES) return this.close(CloseCodes.POLICY_VIOLATION, 'too many frames before the handshake completed');
      this.held.push([data, isBinary]);
      return;
    }
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (this.state === 'handshake') {
      // Frames over MAX_PREAUTH_PAYLOAD_BYTES never get here: ws refuses them (1009) from their header, before buffering.
      const frame = isBinary ? undefined : parseJson(data);
      if (!requestValidator.check(frame)) {
        this.host.log.warn('invalid request frame before handshake; closing', { connId: this.connId, remote: this.remoteAddress });
        return this.close(CloseCodes.POLICY_VIOLATION, 'invalid request frame');
      }
      return void this.handleConnect(frame);
    }
    const frame = isBinary ? undefined : parseJson(data);
    if (!requestValidator.check(frame)) {
      this.invalidFrames++;
      const id = salvageId(frame);
      if (id) {
        this.respond(id, { ok: false, error: { code: ErrorCodes.INVALID_REQUEST, message: `invalid request frame: ${requestValidator.explain(frame)}` } });
      } else if (this.invalidFrames <= 5) {
        this.host.log.warn('dropped a malformed frame', { connId: this.connId, bytes: size });
      }
      return;
    }
    void this.handleRequest(frame);
  }

  // The socket may close while the connect request awaits the store.
  private closed(): boolean {
    return this.state === 'closed';
  }

  private async handleConnect(frame: RequestFrame): Promise<void> {
    if (frame.method !== 'connect') {
      const message = 'invalid handshake: first request must be connect';
      this.respond(frame.id, { ok: false, error: { code: ErrorCodes.INVALID_REQUEST, message } });
      return this.close(CloseCodes.POLICY_VIOLATION, message);
    }
    if (!connectValidator.check(frame.params)) {
      const message = `invalid connect params: ${connectValidator.explain(frame.params)}`;
      this.respond(frame.id, { ok: false, error: { code: ErrorCodes.INVALID_REQUEST, message } });
      return this.close(CloseCodes.POLICY_VIOLATION, 'invalid connect params');
    }
    const params = frame.params;
    this.state = 'authenticating';
    try {
      this.grant = await this.host.authenticate(params, this);
    } catch (err) {
      if (this.closed()) return;
      const refusal = err instanceof ConnectRefusal ? err : undefined;
      if (!refusal) this.host.log.error('handshake failed unexpectedly', { err });
      const shape = toErrorShape(err);
      this.host.log.info('connect refused', { connId: this.connId, remote: this.remoteAddress, client: params.client.id, code: (shape.details as { code?: string } | undefined)?.code ?? shape.message });
      this.respond(frame.id, { ok: false, error: shape });
      return this.close(refusal?.closeCode ?? CloseCodes.POLICY_VIOLATION, truncateReason(shape.message));
    }
    if (this.closed()) return;
    clearTimeout(this.handshakeTimer);
    if (!raiseReceiveLimit(this.ws, MAX_PAYLOAD_BYTES)) {
      this.host.log.error('cannot raise the frame size limit after the handshake; frames over 64 KiB will be refused', { connId: this.connId });
    }
    this.params = params;
    this.ctx = { connId: this.connId, role: this.grant.role, scopes: this.grant.scopes, clientId: params.client.id, deviceId: this.grant.deviceId };
    this.state = 'open';
    this.respond(frame.id, { ok: true, payload: this.host.hello(this) });
    this.host.log.debug('client connected', { connId: this.connId, client: params.client.id, mode: params.client.mode, role: this.grant.role, method: this.grant.method, deviceId: this.grant.deviceId });
    this.host.onOpen(this);
    for (const [data, isBinary] of this.held.splice(0)) this.onMessage(data, isBinary);
  }

  private async handleRequest(frame: RequestFrame): Promise<void> {
    if (frame.method === 'connect') {
      return this.respond(frame.id, { ok: false, error: { code: ErrorCodes.INVALID_REQUEST, message: 'already connected' } });
    }
    try {
      const ctx: CallContext = { ...this.ctx!, ack: (p) => this.respond(frame.id, { ok: true, payload: p }) };
      const payload = await this.host.dispatcher.call(frame.method, frame.params, ctx);
      this.respond(frame.id, { ok: true, payload });
    } catch (err) {
      if (!(err instanceof Error && 'code' in err)) this.host.log.error('method failed', { method: frame.method, err });
      this.respond(frame.id, { ok: false, error: toErrorShape(err) });
    }
  }
}

/**
 * Until the handshake completes, the server's ws option keeps frames at
 * MAX_PREAUTH_PAYLOAD_BYTES, checked as each frame header arrives. ws has no
 * public per-connection setting, so an authenticated connection's limit is
 * raised on its receiver; if that field ever moves, the small limit stays
 * (fail closed) and the error above says so.
 */
function raiseReceiveLimit(ws: WebSocket, bytes: number): boolean {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: unknown } })._receiver;
  if (!receiver || typeof receiver._maxPayload !== 'number') return false;
  receiver._maxPayload = bytes;
  return true;
}

function parseJson(data: RawData): unknown {
  try {
    return JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString());
  } catch {
    return undefined;
  }
}

function salvageId(frame: unknown): string | undefined {
  if (frame && typeof frame === 'object' && !Array.isArray(frame)) {
    const id = (frame as { id?: unknown }).id;
    if (typeof id === 'string' && id.length > 0 && id.length <= 256) return id;
  }
  return undefined;
}

/** Close reasons are limited to 123 bytes by the WebSocket spec. */
function truncateReason(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : Buffer.from(reason).subarray(0, 120).toString('utf8') + '…';
}
