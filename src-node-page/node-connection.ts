import type { HelloOk } from '../src-shared/protocol/frames.js';
import { PROTOCOL_VERSION } from '../src-shared/protocol/version.js';
import { signConnect, type DeviceIdentity } from '../src-renderer/client/device-identity.js';

/** A refused handshake or call, with the server's `details.code`. */
export class NodeCallError extends Error {
  override readonly name = 'NodeCallError';
  constructor(
    message: string,
    readonly code: string,
    readonly detailCode?: string,
  ) {
    super(message);
  }
}

export interface NodeConnectOptions {
  /** The gateway's own origin (never a URL taken from the page address). */
  url: string;
  identity: DeviceIdentity;
  auth: { bootstrapToken: string } | { deviceToken: string };
  commands: string[];
  caps: string[];
  client: { version: string; displayName: string; deviceFamily: string };
}

export interface NodeConnection {
  readonly hello: HelloOk;
  call(method: string, params: unknown): Promise<unknown>;
  /** Server events (`node.invoke.request`, `node.invoke.cancel`, …). */
  onEvent(fn: (event: string, payload: unknown) => void): void;
  /** Once, when the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

const CLIENT = { id: 'webchat-ui', mode: 'node', platform: 'web' } as const;

/** Open a node connection: challenge, signed connect, hello; then id-matched calls and events. */
export function connectNode(opts: NodeConnectOptions): Promise<NodeConnection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(opts.url);
    const pending = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();
    const listeners: ((event: string, payload: unknown) => void)[] = [];
    let nextId = 1;
    let opened = false;
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.addEventListener('close', (ev) => {
        for (const p of pending.values()) p.reject(new NodeCallError(`connection closed (${ev.code})`, 'UNAVAILABLE'));
        pending.clear();
        if (!opened) reject(new NodeCallError(`the gateway closed the connection (${ev.code}${ev.reason ? ` ${ev.reason}` : ''})`, 'UNAVAILABLE'));
        done({ code: ev.code, reason: ev.reason });
      }),
    );
    const send = (frame: unknown) => ws.send(JSON.stringify(frame));
    const call = (method: string, params: unknown) =>
      new Promise<unknown>((ok, fail) => {
        const id = String(nextId++);
        pending.set(id, { resolve: ok, reject: fail });
        send({ type: 'req', id, method, params });
      });

    const onChallenge = async (nonce: string, ts: number) => {
      const token = 'bootstrapToken' in opts.auth ? opts.auth.bootstrapToken : opts.auth.deviceToken;
      const device = await signConnect(opts.identity, {
        clientId: CLIENT.id,
        clientMode: CLIENT.mode,
        role: 'node',
        scopes: [],
        token,
        nonce,
        signedAtMs: ts,
        platform: CLIENT.platform,
        deviceFamily: opts.client.deviceFamily,
      });
      const hello = (await call('connect', {
        minProtocol: PROTOCOL_VERSION,
        maxProtocol: PROTOCOL_VERSION,
        client: { ...CLIENT, version: opts.client.version, displayName: opts.client.displayName, deviceFamily: opts.client.deviceFamily },
        role: 'node',
        scopes: [],
        caps: opts.caps,
        commands: opts.commands,
        auth: opts.auth,
        device,
      })) as HelloOk;
      opened = true;
      resolve({ hello, call, onEvent: (fn) => listeners.push(fn), closed, close: () => ws.close(1000, 'node page closing') });
    };

    ws.addEventListener('message', (ev) => {
      let frame: { type?: string; id?: string; ok?: boolean; payload?: unknown; error?: { code: string; message: string; details?: { code?: string } }; event?: string };
      try {
        frame = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (frame.type === 'res' && frame.id) {
        const p = pending.get(frame.id);
        pending.delete(frame.id);
        if (frame.ok) p?.resolve(frame.payload);
        else p?.reject(new NodeCallError(frame.error?.message ?? 'request failed', frame.error?.code ?? 'UNAVAILABLE', frame.error?.details?.code));
      } else if (frame.type === 'event' && frame.event === 'connect.challenge' && !opened) {
        const c = (frame.payload ?? {}) as { nonce?: string; ts?: number };
        onChallenge(String(c.nonce ?? ''), Number(c.ts ?? Date.now())).catch((err: unknown) => {
          reject(err);
          ws.close(1000, 'handshake failed');
        });
      } else if (frame.type === 'event' && frame.event) {
        for (const fn of listeners) fn(frame.event, frame.payload);
      }
    });
  });
}
