import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOGIN_EXCHANGE_PATH } from '../../src-shared/protocol/index.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { generateDeviceKeys } from '../nodes/device-keys.js';
import { runDashboard } from './commands/dashboard.js';
import { browserCommand } from './open-browser.js';

async function captureStdout(fn: () => Promise<void>): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('openclaw dashboard', () => {
  let t: TestGateway;
  beforeAll(async () => void (t = await startTestGateway()));
  afterAll(() => t?.close());

  it('opens a one-time link to the Control UI of the gateway it talks to, which signs a browser in once', async () => {
    const opened: string[] = [];
    const out = await captureStdout(() => runDashboard({ url: t.url, token: t.token }, async (url) => (opened.push(url), true)));
    expect(opened).toHaveLength(1);
    const link = new URL(opened[0]!);
    expect(link.origin).toBe(new URL(t.gw.httpUrl).origin);
    expect(out).toContain('Opened the Control UI in your browser.');
    expect(out).toContain(opened[0]);
    const keys = generateDeviceKeys();
    const r = await fetch(new URL(LOGIN_EXCHANGE_PATH, t.gw.httpUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: link.searchParams.get('login'), device: { id: keys.deviceId, publicKey: keys.publicKey } }),
    });
    expect(r.status).toBe(200);
  });

  it('--no-open --json prints the link without opening anything', async () => {
    const open = vi.fn(async () => true);
    const out = await captureStdout(() => runDashboard({ url: t.url, token: t.token, open: false, json: true }, open));
    expect(open).not.toHaveBeenCalled();
    expect(JSON.parse(out)).toMatchObject({ url: expect.stringMatching(/\/\?login=[\w-]{43}$/), expiresAtMs: expect.any(Number), opened: false });
  });

  it('is refused without the gateway token', async () => {
    await expect(runDashboard({ url: t.url, token: 'wrong-token' }, async () => true)).rejects.toThrow(/token mismatch/);
  });

  it('opens the browser with an argv, never a shell line', () => {
    const url = 'http://127.0.0.1:18789/?login=a&b=$(x)';
    expect(browserCommand('linux', url)).toEqual({ command: 'xdg-open', args: [url] });
    expect(browserCommand('darwin', url)).toEqual({ command: 'open', args: [url] });
    expect(browserCommand('win32', url)).toEqual({ command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] });
  });
});
