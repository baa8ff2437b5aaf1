/**
 * How the desktop app's window reaches a gateway over WS: its own gateway process (gateway-process.ts,
 * over loopback), a gateway already running here, or the one at `gateway.remote.url` in remote mode;
 * always through the same `{call, onEvent}` surface as the gateway's local client, so the IPC bridge does
 * not change. The connection comes back by itself after the gateway restarts or the network drops; calls
 * in between fail with UNAVAILABLE and the reason.
 */
import type { ErrorShape, TypedIpcCall } from '../../src-shared/protocol/index.js';
import { GatewayCallError, type GatewayClient } from '../cli/gateway-client.js';
import type { LocalClient } from '../gateway/local-client.js';

/** Where the remote connection is, for the tray. */
export type RemoteState = { phase: 'connecting' } | { phase: 'connected' } | { phase: 'disconnected'; error: string; retryInMs: number };

export interface RemoteClientDeps {
  /** Opens an authenticated connection (the CLI's `connectCli` with the app's client info). */
  connect(): Promise<GatewayClient>;
  onState?(state: RemoteState): void;
  /** First and longest wait between reconnects. */
  retryMs?: { min: number; max: number };
  /** What the messages call the gateway (default "the remote gateway"). */
  name?: string;
}

export interface RemoteClient extends LocalClient {
  readonly state: RemoteState;
  /** Resolves at the first successful connection. */
  readonly connected: Promise<void>;
}

export function createRemoteClient(deps: RemoteClientDeps): RemoteClient {
  const retry = deps.retryMs ?? { min: 1000, max: 30_000 };
  const name = deps.name ?? 'the remote gateway';
  const listeners = new Set<(event: string, payload: unknown) => void>();
  let current: GatewayClient | undefined;
  let state: RemoteState = { phase: 'connecting' };
  let closed = false;
  let wait = retry.min;
  let timer: NodeJS.Timeout | undefined;
  let markConnected!: () => void;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));

  const set = (next: RemoteState) => {
    state = next;
    deps.onState?.(next);
  };

  const scheduleReconnect = (error: string) => {
    if (closed) return;
    set({ phase: 'disconnected', error, retryInMs: wait });
    timer = setTimeout(() => void open(), wait);
    timer.unref?.();
    wait = Math.min(wait * 2, retry.max);
  };

  const open = async () => {
    if (closed) return;
    set({ phase: 'connecting' });
    let c: GatewayClient;
    try {
      c = await deps.connect();
    } catch (err) {
      return scheduleReconnect(err instanceof Error ? err.message : String(err));
    }
    if (closed) return c.close();
    current = c;
    wait = retry.min;
    c.on((event, payload) => {
      for (const fn of [...listeners]) fn(event, payload);
    });
    void c.closed().then(({ code, reason }) => {
      if (current === c) current = undefined;
      scheduleReconnect(`${name} closed the connection (${code}${reason ? ` ${reason}` : ''})`);
    });
    set({ phase: 'connected' });
    markConnected();
  };
  void open();

  const unavailable = (): { ok: false; error: ErrorShape } => ({
    ok: false,
    error: { code: 'UNAVAILABLE', message: state.phase === 'disconnected' ? `not connected to ${name}: ${state.error}` : `connecting to ${name}` },
  });

  return {
    get state() {
      return state;
    },
    connected,
    call: (async (method: string, params?: unknown) => {
      const c = current;
      if (!c) return unavailable();
      try {
        return { ok: true, value: await c.call(method as never, params as never) };
      } catch (err) {
        if (err instanceof GatewayCallError) return { ok: false, error: err.error };
        return { ok: false, error: { code: 'UNAVAILABLE', message: err instanceof Error ? err.message : String(err) } };
      }
    }) as TypedIpcCall,
    onEvent(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      listeners.clear();
      current?.close();
      current = undefined;
    },
  };
}
