import { createStore } from 'zustand/vanilla';
import type { HelloOk } from '../src-shared/protocol/frames.js';
import { ALL_OPERATOR_SCOPES } from '../src-shared/protocol/scopes.js';
import type { TransportChoice } from './client/transport.js';
import type { DeviceSigner } from './client/device-identity.js';
import type { DeviceTokenStore, TokenStore } from './client/token-store.js';
import { toGatewayCallError, type GatewayClient } from './client/types.js';
import type { WsConnectOptions, WsGatewayClient } from './client/ws-client.js';
import type { createIpcClient } from './client/ipc-client.js';
import { DESKTOP_GATEWAY_EVENT, type DesktopGatewayState } from '../src-shared/protocol/desktop.js';

export type Phase = 'starting' | 'login' | 'connecting' | 'ready';

export interface UiError {
  message: string;
  /** `error.details.code` (e.g. `AUTH_TOKEN_MISMATCH`) or, failing that, `error.code`. */
  code?: string;
}

export interface AppState {
  phase: Phase;
  transport: 'ipc' | 'ws';
  client?: GatewayClient;
  hello?: HelloOk;
  helloAt?: number;
  /** Scopes the gateway granted (all of them over IPC). */
  scopes: string[];
  loginError?: UiError;
  health?: unknown;
  status?: unknown;
  /** When `health` arrived (for ageing its uptime). */
  healthAt?: number;
  healthError?: UiError;
  /** Set when an established WS connection dropped. */
  disconnected?: string;
  /** Desktop window: the app lost its gateway connection (its process restarting, a remote gateway away) and is reconnecting. */
  gatewayAway?: string;
  start(): Promise<void>;
  login(token: string): Promise<void>;
  refresh(): Promise<void>;
  logout(): void;
}

export interface AppDeps {
  transport: TransportChoice;
  tokens: TokenStore;
  /** The browser's device identity; absent (or failing) means a device-less connect with no scopes. */
  device?: () => Promise<DeviceSigner | undefined>;
  deviceTokens?: DeviceTokenStore;
  connectWs(opts: WsConnectOptions): Promise<WsGatewayClient>;
  createIpcClient: typeof createIpcClient;
  clientVersion: string;
  platform: string;
  now(): number;
  /** A one-time login code the page was opened with (already taken out of the address). */
  loginCode?: string;
  /** Trades a login code for a device token for `device` (see client/login-link.ts). */
  exchangeLoginCode?(code: string, device: DeviceSigner): Promise<string>;
}

function toUiError(err: unknown): UiError {
  const e = toGatewayCallError(err);
  return { message: e.message, code: e.detailCode ?? e.code };
}

/** App state and the connect / login / refresh flow, free of React and DOM so it can be tested. */
export function createAppStore(deps: AppDeps) {
  return createStore<AppState>()((set, get) => {
    function attach(client: GatewayClient, hello?: HelloOk): void {
      // The desktop bridge (no hello) is the in-process operator, which holds every operator scope.
      const scopes = hello ? hello.auth.scopes : [...ALL_OPERATOR_SCOPES];
      set({ client, hello, scopes, helloAt: hello ? deps.now() : undefined, phase: 'ready', loginError: undefined, disconnected: undefined });
      client.on('health', (payload) => set({ health: payload, healthAt: deps.now(), healthError: undefined }));
      // The desktop app reconnects to its gateway by itself; the window says so meanwhile and reloads after.
      client.on(DESKTOP_GATEWAY_EVENT, (payload) => {
        if (get().client !== client) return;
        const s = payload as DesktopGatewayState;
        if (s.phase === 'disconnected') set({ gatewayAway: s.error || 'the connection dropped' });
        else if (s.phase === 'connected' && get().gatewayAway !== undefined) {
          set({ gatewayAway: undefined });
          void get().refresh();
        }
      });
      client.onClose((reason) => {
        if (get().client !== client) return;
        set({ client: undefined, phase: 'login', disconnected: reason });
      });
      void get().refresh();
    }

    async function loadDevice(): Promise<DeviceSigner | undefined> {
      try {
        return await deps.device?.();
      } catch {
        // No WebCrypto Ed25519 or no storage: connect without a device (the gateway then grants no scopes).
        return undefined;
      }
    }

    /** Connect with the gateway token, or with the device token when `token` is undefined. */
    async function connect(url: string, cred: { token: string } | { deviceToken: string; device: DeviceSigner }, device?: DeviceSigner): Promise<void> {
      set({ phase: 'connecting', loginError: undefined });
      try {
        const client = await deps.connectWs({ url, ...cred, device: 'device' in cred ? cred.device : device, clientVersion: deps.clientVersion, platform: deps.platform });
        if ('token' in cred) deps.tokens.rememberAccepted(cred.token);
        const signer = 'device' in cred ? cred.device : device;
        const issued = client.hello.auth.deviceToken;
        if (signer && issued) deps.deviceTokens?.remember(signer.deviceId, issued);
        attach(client, client.hello);
      } catch (err) {
        set({ phase: 'login', loginError: toUiError(err) });
        throw err;
      }
    }

    /** Signs in with the one-time link's code: a device token for this browser's key, then the usual device-token connect. */
    async function signInWithLink(url: string, code: string): Promise<void> {
      const device = await loadDevice();
      if (!device || !deps.exchangeLoginCode) {
        set({ phase: 'login', loginError: { message: 'This browser cannot keep a device key (WebCrypto Ed25519), so the sign-in link cannot be used here: enter the gateway token.' } });
        return;
      }
      let deviceToken: string;
      try {
        deviceToken = await deps.exchangeLoginCode(code, device);
      } catch (err) {
        const e = err as { message?: unknown; type?: unknown };
        set({ phase: 'login', loginError: { message: typeof e.message === 'string' ? e.message : String(err), ...(typeof e.type === 'string' ? { code: e.type } : {}) } });
        return;
      }
      deps.deviceTokens?.remember(device.deviceId, deviceToken);
      await connect(url, { deviceToken, device }).catch(() => undefined);
    }
    let loginCode = deps.loginCode;

    return {
      phase: 'starting',
      transport: deps.transport.kind,
      scopes: [],

      async start() {
        if (get().phase !== 'starting') return;
        const t = deps.transport;
        if (t.kind === 'ipc') {
          attach(deps.createIpcClient(t.bridge));
          return;
        }
        // Claimed before the first await, so a second start() (React StrictMode) does nothing.
        set({ phase: 'connecting' });
        if (loginCode !== undefined) {
          // A link opened on purpose wins over a remembered session; its code is good once.
          const code = loginCode;
          loginCode = undefined;
          return signInWithLink(t.url, code);
        }
        const saved = deps.tokens.load();
        const device = await loadDevice();
        if (saved) {
          try {
            await connect(t.url, { token: saved }, device);
            return;
          } catch {
            // A remembered token the gateway no longer accepts is dropped; the form shows why.
            deps.tokens.forget();
            return;
          }
        }
        const deviceToken = device ? deps.deviceTokens?.load(device.deviceId) : undefined;
        if (device && deviceToken) {
          try {
            await connect(t.url, { deviceToken, device });
            return;
          } catch {
            // Revoked or rotated: forget it and ask for the gateway token.
            deps.deviceTokens?.forget();
            return;
          }
        }
        set({ phase: 'login' });
      },

      async login(token: string) {
        const t = deps.transport;
        if (t.kind !== 'ws') return;
        const trimmed = token.trim();
        if (!trimmed) {
          set({ loginError: { message: 'Enter the gateway token.' } });
          return;
        }
        await connect(t.url, { token: trimmed }, await loadDevice()).catch(() => undefined);
      },

      async refresh() {
        const client = get().client;
        if (!client) return;
        try {
          const [health, status] = await Promise.all([
            client.call('health'),
            client.call('status').catch(() => undefined),
          ]);
          if (get().client === client) set({ health, status, healthAt: deps.now(), healthError: undefined });
        } catch (err) {
          if (get().client === client) set({ healthError: toUiError(err) });
        }
      },

      logout() {
        deps.tokens.forget();
        deps.deviceTokens?.forget();
        const client = get().client;
        set({ client: undefined, hello: undefined, scopes: [], health: undefined, status: undefined, phase: 'login' });
        client?.close();
      },
    };
  });
}
export type AppStore = ReturnType<typeof createAppStore>;
