import type { EventFrame, HelloOk, RequestFrame, ResponseFrame } from '../../src-shared/protocol/frames.js';
import { PROTOCOL_VERSION } from '../../src-shared/protocol/version.js';
import type { DeviceSigner } from './device-identity.js';
import { EventListeners } from './listeners.js';
import { GatewayCallError, type GatewayClient } from './types.js';

/** The subset of the DOM WebSocket this client uses (so tests can pass a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', fn: (ev: { data?: unknown; code?: number; reason?: string }) => void): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WsConnectOptions {
  /** Must be derived from the page's own origin (see `sameOriginWsUrl`), never from user-controlled URL parts. */
  url: string;
  /** The gateway token the user entered. */
  token?: string;
  /** Used when there is no gateway token: the token the gateway issued to this device last time. */
  deviceToken?: string;
  /** Signs the challenge so the gateway can grant scopes (without a device it grants none). */
  device?: DeviceSigner;
  clientVersion: string;
  platform: string;
  createSocket?: WebSocketFactory;
  /** How long to wait for the challenge and the hello. */
  handshakeTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface WsGatewayClient extends GatewayClient {
  readonly hello: HelloOk;
}

const OPEN = 1;

/** An incoming frame before its kind is known: the union of res and event fields, all optional. */
type IncomingFrame = { type?: unknown } & Partial<Omit<ResponseFrame, 'type'>> & Partial<Omit<EventFrame, 'type'>>;
/** What the Control UI asks for; the gateway decides what it grants (`hello-ok.auth.scopes`). */
// Pairing is asked for so the Pairing page can approve chat senders and devices.
export const OPERATOR_SCOPES = ['operator.read', 'operator.write', 'operator.admin', 'operator.pairing'];
const CLIENT_ID = 'openclaw-control-ui';
const CLIENT_MODE = 'ui';
const ROLE = 'operator';

/**
 * Control UI WebSocket transport: waits for `connect.challenge`, sends `connect` with the token,
 * expects `hello-ok`, then correlates `req`/`res` by id and fans out events.
 * Rejects with a GatewayCallError carrying the server's message and `details.code`.
 */
export function connectWs(opts: WsConnectOptions): Promise<WsGatewayClient> {
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url) as WebSocketLike);
  const handshakeTimeoutMs = opts.handshakeTimeoutMs ?? 15_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;

  return new Promise((resolve, reject) => {
    const ws = createSocket(opts.url);
    const listeners = new EventListeners();
    const closeListeners = new Set<(reason: string) => void>();
    const pending = new Map<string, { resolve(v: unknown): void; reject(e: unknown): void; timer: ReturnType<typeof setTimeout> }>();
    let nextId = 1;
    let phase: 'challenge' | 'hello' | 'ready' | 'closed' = 'challenge';
    let connectId = '';

    const handshakeTimer = setTimeout(() => {
      fail({ code: 'UNAVAILABLE', message: 'gateway handshake timed out' });
      ws.close(1000, 'handshake timeout');
    }, handshakeTimeoutMs);

    function fail(error: { code: string; message: string; details?: unknown }): void {
      if (phase === 'ready' || phase === 'closed') return;
      phase = 'closed';
      clearTimeout(handshakeTimer);
      reject(new GatewayCallError(error));
    }

    function send(frame: RequestFrame): void {
      ws.send(JSON.stringify(frame));
    }

    async function sendConnect(nonce: string, challengeTs: number): Promise<void> {
      const platform = opts.platform || 'web';
      const auth = opts.token !== undefined ? { token: opts.token } : opts.deviceToken !== undefined ? { deviceToken: opts.deviceToken } : {};
      let device;
      if (opts.device) {
        try {
          device = await opts.device.sign({
            clientId: CLIENT_ID,
            clientMode: CLIENT_MODE,
            role: ROLE,
            scopes: OPERATOR_SCOPES,
            token: opts.token ?? opts.deviceToken ?? '',
            nonce,
            signedAtMs: challengeTs,
            platform,
          });
        } catch (err) {
          fail({ code: 'UNAVAILABLE', message: `could not sign the device identity: ${err instanceof Error ? err.message : String(err)}` });
          ws.close(1000, 'device signing failed');
          return;
        }
      }
      if (phase !== 'hello') return;
      send({
        type: 'req',
        id: connectId,
        method: 'connect',
        params: {
          minProtocol: PROTOCOL_VERSION,
          maxProtocol: PROTOCOL_VERSION,
          client: { id: CLIENT_ID, version: opts.clientVersion, platform, mode: CLIENT_MODE },
          role: ROLE,
          scopes: OPERATOR_SCOPES,
          auth,
          ...(device ? { device } : {}),
        },
      });
    }

    function onFrame(frame: IncomingFrame): void {
      if (phase === 'challenge') {
        if (frame.type === 'event' && frame.event === 'connect.challenge') {
          phase = 'hello';
          connectId = `c${nextId++}`;
          const challenge = (frame.payload ?? {}) as { nonce?: unknown; ts?: unknown };
          void sendConnect(String(challenge.nonce ?? ''), typeof challenge.ts === 'number' ? challenge.ts : Date.now());
        }
        return;
      }
      if (phase === 'hello') {
        if (frame.type !== 'res' || frame.id !== connectId) return;
        const payload = frame.payload as HelloOk | undefined;
        if (frame.ok && payload?.type === 'hello-ok') {
          phase = 'ready';
          clearTimeout(handshakeTimer);
          resolve(client(payload));
        } else {
          fail(frame.error ?? { code: 'INVALID_REQUEST', message: 'unexpected handshake response' });
        }
        return;
      }
      if (frame.type === 'res' && typeof frame.id === 'string') {
        const p = pending.get(frame.id);
        if (!p) return;
        pending.delete(frame.id);
        clearTimeout(p.timer);
        if (frame.ok) p.resolve(frame.payload);
        else p.reject(new GatewayCallError(frame.error ?? { code: 'UNAVAILABLE', message: 'request failed' }));
      } else if (frame.type === 'event' && typeof frame.event === 'string') {
        listeners.emit(frame.event, frame.payload);
      }
    }

    ws.addEventListener('message', (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (frame && typeof frame === 'object') onFrame(frame as IncomingFrame);
    });

    ws.addEventListener('close', (ev) => {
      const reason = ev.reason || `connection closed (${ev.code ?? 1006})`;
      if (phase !== 'ready') {
        fail({ code: 'UNAVAILABLE', message: reason });
        return;
      }
      phase = 'closed';
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.reject(new GatewayCallError({ code: 'UNAVAILABLE', message: reason }));
        pending.delete(id);
      }
      for (const fn of closeListeners) fn(reason);
      closeListeners.clear();
      listeners.clear();
    });

    // 'error' is always followed by 'close', which carries the outcome.
    ws.addEventListener('error', () => undefined);

    function client(hello: HelloOk): WsGatewayClient {
      return {
        transport: 'ws',
        hello,
        call: ((method: string, params?: unknown): Promise<unknown> => {
          if (phase !== 'ready' || ws.readyState !== OPEN) {
            return Promise.reject(new GatewayCallError({ code: 'UNAVAILABLE', message: 'not connected to the gateway' }));
          }
          const id = `r${nextId++}`;
          return new Promise<unknown>((res, rej) => {
            const timer = setTimeout(() => {
              pending.delete(id);
              rej(new GatewayCallError({ code: 'UNAVAILABLE', message: `${method} timed out after ${requestTimeoutMs} ms` }));
            }, requestTimeoutMs);
            pending.set(id, { resolve: res, reject: rej, timer });
            send(params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params });
          });
        }) as WsGatewayClient['call'],
        on: (event, fn) => listeners.add(event, fn),
        onClose(fn) {
          closeListeners.add(fn);
          return () => closeListeners.delete(fn);
        },
        close() {
          ws.close(1000, 'client closed');
        },
      };
    }
  });
}
