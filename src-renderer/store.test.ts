import { describe, expect, it, vi } from 'vitest';
import { createIpcClient } from './client/ipc-client.js';
import { createDeviceTokenStore, createTokenStore, type KeyValueStorage } from './client/token-store.js';
import { GatewayCallError, type GatewayClient, type OpenClawBridge } from './client/types.js';
import type { WsGatewayClient } from './client/ws-client.js';
import { HELLO } from './client/fake-socket.test-support.js';
import { createAppStore, type AppDeps } from './store.js';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

function fakeWsClient(): WsGatewayClient {
  return {
    transport: 'ws',
    hello: HELLO as unknown as WsGatewayClient['hello'],
    call: vi.fn(async (method: string) => (method === 'health' ? { ok: true } : { version: '0.1.0' })) as GatewayClient['call'],
    on: () => () => undefined,
    onClose: () => () => undefined,
    close: vi.fn(),
  };
}

function setup(goodToken = 'right', storage = memoryStorage()) {
  const connectWs = vi.fn<AppDeps['connectWs']>(async ({ token, url }) => {
    expect(url).toBe('ws://127.0.0.1:1/');
    if (token !== goodToken) {
      throw new GatewayCallError({ code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch', details: { code: 'AUTH_TOKEN_MISMATCH' } });
    }
    return fakeWsClient();
  });
  const store = createAppStore({
    transport: { kind: 'ws', url: 'ws://127.0.0.1:1/' },
    tokens: createTokenStore(storage),
    connectWs,
    createIpcClient,
    clientVersion: '0.1.0',
    platform: 'test',
    now: () => 0,
  });
  return { store, storage, connectWs };
}

describe('app store (WS)', () => {
  it('asks for a token when none is stored', async () => {
    const { store, connectWs } = setup();
    await store.getState().start();
    expect(store.getState().phase).toBe('login');
    expect(connectWs).not.toHaveBeenCalled();
  });

  it('shows the server message and details.code on a wrong token, and does not store it', async () => {
    const { store, storage } = setup();
    await store.getState().start();
    await store.getState().login('wrong');
    expect(store.getState().phase).toBe('login');
    expect(store.getState().loginError).toEqual({ message: 'unauthorized: gateway token mismatch', code: 'AUTH_TOKEN_MISMATCH' });
    expect(storage.data.size).toBe(0);
  });

  it('stores the token only after a successful connect, then loads health', async () => {
    const { store, storage } = setup();
    await store.getState().start();
    await store.getState().login('  right ');
    expect(store.getState().phase).toBe('ready');
    expect([...storage.data.values()]).toEqual(['right']);
    await vi.waitFor(() => expect(store.getState().health).toEqual({ ok: true }));
  });

  it('reconnects with a stored token and forgets one that stopped working', async () => {
    const storage = memoryStorage();
    storage.setItem('openclaw.gatewayToken', 'right');
    const ok = setup('right', storage);
    await ok.store.getState().start();
    expect(ok.store.getState().phase).toBe('ready');

    const rotated = setup('new', storage);
    await rotated.store.getState().start();
    expect(rotated.store.getState().phase).toBe('login');
    expect(storage.data.size).toBe(0);
  });

  it('refuses an empty token without connecting', async () => {
    const { store, connectWs } = setup();
    await store.getState().start();
    await store.getState().login('   ');
    expect(connectWs).not.toHaveBeenCalled();
    expect(store.getState().loginError?.message).toBe('Enter the gateway token.');
  });
});

describe('app store (IPC)', () => {
  it('is ready at once and never asks for a token', async () => {
    const store = createAppStore({
      transport: {
        kind: 'ipc',
        bridge: { call: (async () => ({ ok: true, value: { ok: true } })) as OpenClawBridge['call'], on: () => () => undefined },
      },
      tokens: createTokenStore(undefined),
      connectWs: () => Promise.reject(new Error('must not be used')),
      createIpcClient,
      clientVersion: '0.1.0',
      platform: 'test',
      now: () => 0,
    });
    await store.getState().start();
    expect(store.getState().phase).toBe('ready');
    await vi.waitFor(() => expect(store.getState().health).toEqual({ ok: true }));
  });
});

describe('app store (IPC), when the gateway process restarts', () => {
  it('says it is reconnecting while the app has no gateway, and reloads health once it is back', async () => {
    // The main process pushes desktop.gateway over the bridge: disconnected, then connected again.
    let emit: (payload: unknown, event: string) => void = () => undefined;
    let healthCalls = 0;
    const store = createAppStore({
      transport: {
        kind: 'ipc',
        bridge: {
          call: (async (method: string) => {
            if (method === 'health') healthCalls++;
            return { ok: true, value: { ok: true, n: healthCalls } };
          }) as OpenClawBridge['call'],
          on: (_event, fn) => ((emit = fn), () => undefined),
        },
      },
      tokens: createTokenStore(undefined),
      connectWs: () => Promise.reject(new Error('must not be used')),
      createIpcClient,
      clientVersion: '0.1.0',
      platform: 'test',
      now: () => 0,
    });
    await store.getState().start();
    await vi.waitFor(() => expect(healthCalls).toBe(1));
    emit({ phase: 'disconnected', error: 'the gateway process exited (signal SIGKILL)' }, 'desktop.gateway');
    expect(store.getState().gatewayAway).toBe('the gateway process exited (signal SIGKILL)');
    expect(store.getState().phase).toBe('ready');
    emit({ phase: 'connected' }, 'desktop.gateway');
    expect(store.getState().gatewayAway).toBeUndefined();
    await vi.waitFor(() => expect(store.getState().health).toEqual({ ok: true, n: 2 }));
    // A "connected" with nothing missed (the first connect) reloads nothing.
    emit({ phase: 'connected' }, 'desktop.gateway');
    expect(healthCalls).toBe(2);
  });
});

describe('app store (WS, device identity)', () => {
  it('keeps the issued device token and reconnects with it when no gateway token is stored', async () => {
    const local = memoryStorage();
    const device = { deviceId: 'dev1', publicKey: 'pk1', sign: vi.fn() };
    const seen: unknown[] = [];
    const make = (session: ReturnType<typeof memoryStorage>) =>
      createAppStore({
        transport: { kind: 'ws', url: 'ws://127.0.0.1:1/' },
        tokens: createTokenStore(session),
        device: async () => device,
        deviceTokens: createDeviceTokenStore(local),
        connectWs: async (opts) => {
          seen.push({ token: opts.token, deviceToken: opts.deviceToken, device: opts.device?.deviceId });
          if (opts.deviceToken && opts.deviceToken !== 'issued') throw new GatewayCallError({ code: 'INVALID_REQUEST', message: 'no' });
          const client = fakeWsClient();
          return { ...client, hello: { ...client.hello, auth: { role: 'operator', scopes: ['operator.admin'], deviceToken: 'issued' } } };
        },
        createIpcClient,
        clientVersion: '0.1.0',
        platform: 'test',
        now: () => 0,
      });
    const first = make(memoryStorage());
    await first.getState().start();
    await first.getState().login('right');
    expect(first.getState().scopes).toEqual(['operator.admin']);
    expect(JSON.parse(local.data.get('openclaw.deviceToken')!)).toEqual({ deviceId: 'dev1', token: 'issued' });

    const reloaded = make(memoryStorage());
    await reloaded.getState().start();
    expect(reloaded.getState().phase).toBe('ready');
    expect(seen.at(-1)).toEqual({ token: undefined, deviceToken: 'issued', device: 'dev1' });

    reloaded.getState().logout();
    expect(local.data.size).toBe(0);
  });
});

describe('app store (WS, one-time login link)', () => {
  const device = { deviceId: 'dev1', publicKey: 'pk1', sign: vi.fn() };
  function make(exchange: AppDeps['exchangeLoginCode'], session = memoryStorage(), local = memoryStorage()) {
    const seen: unknown[] = [];
    const store = createAppStore({
      transport: { kind: 'ws', url: 'ws://127.0.0.1:1/' },
      tokens: createTokenStore(session),
      device: async () => device,
      deviceTokens: createDeviceTokenStore(local),
      connectWs: async (opts) => {
        seen.push({ token: opts.token, deviceToken: opts.deviceToken });
        return fakeWsClient();
      },
      createIpcClient,
      clientVersion: '0.1.0',
      platform: 'test',
      now: () => 0,
      loginCode: 'one-time',
      exchangeLoginCode: exchange,
    });
    return { store, seen, local };
  }

  it('trades the code for a device token and signs in with it, ahead of a remembered token', async () => {
    const session = memoryStorage();
    session.setItem('openclaw.gatewayToken', 'old');
    const exchange = vi.fn(async () => 'from-link');
    const { store, seen, local } = make(exchange, session);
    await store.getState().start();
    expect(exchange).toHaveBeenCalledWith('one-time', device);
    expect(store.getState().phase).toBe('ready');
    expect(seen).toEqual([{ token: undefined, deviceToken: 'from-link' }]);
    expect(JSON.parse(local.data.get('openclaw.deviceToken')!)).toEqual({ deviceId: 'dev1', token: 'from-link' });
  });

  it('shows why a link was refused on the sign-in form', async () => {
    const { store, seen } = make(async () => {
      throw Object.assign(new Error('This sign-in link was already used.'), { type: 'login_link_used' });
    });
    await store.getState().start();
    expect(store.getState().phase).toBe('login');
    expect(store.getState().loginError).toEqual({ message: 'This sign-in link was already used.', code: 'login_link_used' });
    expect(seen).toEqual([]);
  });
});
