import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOGIN_EXCHANGE_PATH } from '../../src-shared/protocol/index.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { generateDeviceKeys } from '../nodes/device-keys.js';
import { controlUiBrowserUrl, openControlUiInBrowser } from './browser-login.js';

describe('Open Control UI in browser', () => {
  let t: TestGateway;
  beforeAll(async () => void (t = await startTestGateway()));
  afterAll(() => t?.close());

  it('opens a one-time link minted through the app’s own client, which a browser can use once', async () => {
    const open = vi.fn(async () => undefined);
    const log = { warn: vi.fn() };
    await openControlUiInBrowser({ client: t.gw.createLocalClient(), gatewayUrl: t.gw.httpUrl, open, log });
    const url = new URL((open.mock.calls[0] as unknown as [string])[0]);
    expect(url.origin).toBe(new URL(t.gw.httpUrl).origin);
    const code = url.searchParams.get('login')!;
    const keys = generateDeviceKeys();
    const r = await fetch(new URL(LOGIN_EXCHANGE_PATH, t.gw.httpUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code, device: { id: keys.deviceId, publicKey: keys.publicKey } }),
    });
    expect(r.status).toBe(200);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('in remote mode the link is on the address the app connects to', async () => {
    const r = await controlUiBrowserUrl({ client: t.gw.createLocalClient(), gatewayUrl: 'wss://gw.example.net:8443/', log: { warn: vi.fn() } });
    expect(r.oneTime).toBe(true);
    expect(r.url).toMatch(/^https:\/\/gw\.example\.net:8443\/\?login=[\w-]{43}$/);
  });

  it('falls back to the plain address, and says why, when the gateway will not mint', async () => {
    const log = { warn: vi.fn() };
    const client = { call: async () => ({ ok: false as const, error: { code: 'FORBIDDEN', message: 'missing scope: operator.admin' } }) };
    const r = await controlUiBrowserUrl({ client: client as never, gatewayUrl: 'ws://127.0.0.1:18789/', log });
    expect(r).toEqual({ url: 'http://127.0.0.1:18789/', oneTime: false });
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('sign-in form'), { error: 'missing scope: operator.admin' });
  });
});
