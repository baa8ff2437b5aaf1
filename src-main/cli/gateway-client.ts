import WebSocket, { type ClientOptions } from 'ws';
import {
  PROTOCOL_VERSION,
  type ClientInfo,
  type ConnectParams,
  type EventFrame,
  type HelloOk,
  type ResponseFrame,
} from '../../src-shared/protocol/index.js';
import type { MethodName, MethodResult, NotAMethod, ParamsArg } from '../../src-shared/protocol/index.js';
import { GatewayCallError } from '../../src-shared/protocol/call-error.js';
import { signDeviceProof, type DeviceKeys } from '../nodes/device-keys.js';
import { describeTlsError, pinnedTlsConnection } from './tls-pin.js';

export { GatewayCallError };

/** The socket closed or could not be reached. */
export class GatewayConnectionError extends Error {
  constructor(
    message: string,
    readonly closeCode?: number,
    readonly closeReason?: string,
  ) {
    super(message);
    this.name = 'GatewayConnectionError';
  }
}

export interface ConnectOptions {
  url: string;
  token?: string;
  password?: string;
  deviceToken?: string;
  /** A setup code's single-use token (pairs this device as a node). */
  bootstrapToken?: string;
  device?: DeviceKeys;
  role?: 'operator' | 'node';
  scopes?: string[];
  client?: Partial<ClientInfo>;
  caps?: string[];
  commands?: string[];
  timeoutMs?: number;
  /** Extra headers on the upgrade request (tests use Origin). */
  headers?: Record<string, string>;
  /** SHA-256 fingerprint the `wss://` certificate must have (replaces the certificate authority check). */
  tlsFingerprint?: string;
  /** The local address to connect from (tests reach a loopback gateway from this machine's LAN address). */
  localAddress?: string;
}

export interface CallOptions {
  timeoutMs?: number;
}

/** A pinned fingerprint checks the certificate itself; it makes no sense (and is refused) without TLS. */
function tlsOptions(opts: ConnectOptions): Pick<ClientOptions, 'createConnection'> {
  if (opts.tlsFingerprint === undefined) return {};
  if (!/^wss:\/\//i.test(opts.url)) throw new GatewayConnectionError(`a TLS fingerprint is pinned but ${opts.url} is not a wss:// address; use wss:// (the gateway serves TLS with gateway.tls.enabled)`);
  // ws hands this to Node's http client, which also takes the callback form (ws's typing knows only net's).
  return { createConnection: pinnedTlsConnection(opts.tlsFingerprint) as unknown as ClientOptions['createConnection'] };
}

/**
 * A protocol v4 client over WebSocket: waits for the challenge, signs the
 * device proof when it has keys, and matches responses to requests.
 */
export class GatewayClient {
  private nextId = 1;
  private readonly pending = new Map<string, { resolve(v: unknown): void; reject(e: Error): void; method: string; timer?: NodeJS.Timeout }>();
  private readonly listeners = new Set<(event: string, payload: unknown, frame: EventFrame) => void>();
  private closeInfo?: { code: number; reason: string };
  hello!: HelloOk;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.onFrame(data.toString()));
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      const err = new GatewayConnectionError(`gateway closed the connection (${code}${reason.length ? ` ${reason}` : ''})`, code, reason.toString());
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      this.pending.clear();
    });
  }

  /** Open a socket and complete the handshake. Rejects with GatewayCallError on refusal. */
  static async connect(opts: ConnectOptions): Promise<GatewayClient> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const ws = new WebSocket(opts.url, { headers: opts.headers, perMessageDeflate: false, handshakeTimeout: timeoutMs, localAddress: opts.localAddress, ...tlsOptions(opts) });
    const client = new GatewayClient(ws);
    const challenge = await new Promise<{ nonce: string; ts: number }>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new GatewayConnectionError(`no challenge from ${opts.url} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onErr = (err: Error) => {
        clearTimeout(timer);
        const tls = describeTlsError(err);
        reject(new GatewayConnectionError(`cannot reach the gateway at ${opts.url}: ${tls ?? (err as NodeJS.ErrnoException).code ?? err.message}`));
      };
      ws.once('error', onErr);
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(new GatewayConnectionError(`gateway refused the WebSocket upgrade: HTTP ${res.statusCode}`));
      });
      client.listeners.add(function first(event, payload) {
        if (event !== 'connect.challenge') return;
        client.listeners.delete(first);
        clearTimeout(timer);
        ws.off('error', onErr);
        resolve(payload as { nonce: string; ts: number });
      });
    });
    ws.on('error', () => undefined);
    const role = opts.role ?? 'operator';
    const scopes = opts.scopes ?? [];
    const info: ClientInfo = { id: 'cli', version: '0.1.0', platform: process.platform, mode: 'cli', ...opts.client } as ClientInfo;
    const params: ConnectParams = {
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      client: info,
      role,
      scopes,
      auth: {},
    };
    if (opts.caps) params.caps = opts.caps;
    if (opts.commands) params.commands = opts.commands;
    if (opts.token !== undefined) params.auth!.token = opts.token;
    if (opts.password !== undefined) params.auth!.password = opts.password;
    if (opts.deviceToken !== undefined) params.auth!.deviceToken = opts.deviceToken;
    if (opts.bootstrapToken !== undefined) params.auth!.bootstrapToken = opts.bootstrapToken;
    if (opts.device) {
      params.device = signDeviceProof(opts.device, {
        clientId: info.id,
        clientMode: info.mode,
        role,
        scopes,
        signedAtMs: challenge.ts,
        token: opts.token ?? opts.deviceToken ?? opts.bootstrapToken ?? '',
        nonce: challenge.nonce,
        platform: info.platform,
        deviceFamily: info.deviceFamily,
      });
    }
    client.hello = (await client.call('connect', params, { timeoutMs })) as HelloOk;
    return client;
  }

  /** Call a method; resolves with the payload or rejects with GatewayCallError. Protocol methods are typed by the METHOD table. */
  call<M extends MethodName>(method: M, ...args: [...ParamsArg<M>, opts?: CallOptions]): Promise<MethodResult<M>>;
  /** A method outside the table (a plugin's): untyped, `T` says what the caller expects. */
  call<T = unknown, S extends string = string>(method: NotAMethod<S>, params?: unknown, opts?: CallOptions): Promise<T>;
  call<T = unknown>(method: string, params?: unknown, opts: CallOptions = {}): Promise<T> {
    if (this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new GatewayConnectionError(`gateway connection is closed${this.closeInfo ? ` (${this.closeInfo.code} ${this.closeInfo.reason})` : ''}`, this.closeInfo?.code, this.closeInfo?.reason));
    }
    const id = String(this.nextId++);
    return new Promise<T>((resolve, reject) => {
      const entry: { resolve(v: unknown): void; reject(e: Error): void; method: string; timer?: NodeJS.Timeout } = { resolve: resolve as (v: unknown) => void, reject, method };
      const timeoutMs = opts.timeoutMs ?? 30_000;
      entry.timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new GatewayConnectionError(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, entry);
      this.ws.send(JSON.stringify(params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params }));
    });
  }

  /** Listen to server events. Returns an unsubscribe function. */
  on(fn: (event: string, payload: unknown, frame: EventFrame) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves with the close code and reason once the socket closes. */
  closed(): Promise<{ code: number; reason: string }> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000, 'client closing');
  }

  private onFrame(text: string): void {
    let frame: ResponseFrame | EventFrame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.type === 'res') {
      const p = this.pending.get(frame.id);
      if (!p) return;
      this.pending.delete(frame.id);
      clearTimeout(p.timer);
      if (frame.ok) p.resolve(frame.payload);
      else p.reject(new GatewayCallError(frame.error ?? { code: 'UNAVAILABLE', message: 'unknown error' }, p.method));
    } else if (frame.type === 'event') {
      for (const fn of [...this.listeners]) fn(frame.event, frame.payload, frame);
    }
  }
}
