import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginHintRoute, displayPath, LOGIN_HINT_PATH } from './login-hint.js';

describe('login hint: where the token file is', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    const route = createLoginHintRoute('/home/ada/.openclaw-work/credentials/gateway.token', '/home/ada');
    server = createServer((req, res) => {
      if (!route(req, res, new URL(req.url ?? '/', 'http://x').pathname)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('tells a browser on this computer the real file, home-relative', async () => {
    const r = await fetch(`${base}${LOGIN_HINT_PATH}`);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.json()).toEqual({ tokenFile: '~/.openclaw-work/credentials/gateway.token' });
  });

  it('tells nothing to a request that came through a proxy', async () => {
    for (const header of ['X-Forwarded-For', 'Forwarded', 'X-Real-IP']) {
      const r = await fetch(`${base}${LOGIN_HINT_PATH}`, { headers: { [header]: '192.0.2.7' } });
      expect(await r.json()).toEqual({});
    }
  });

  it('leaves other paths alone', async () => {
    expect((await fetch(`${base}/__openclaw__/other`)).status).toBe(404);
  });

  it('shortens only paths inside the home folder', () => {
    expect(displayPath('/home/ada/.openclaw/credentials/gateway.token', '/home/ada')).toBe('~/.openclaw/credentials/gateway.token');
    expect(displayPath('/home/adam/x', '/home/ada')).toBe('/home/adam/x');
    expect(displayPath('/srv/openclaw/credentials/gateway.token', '/home/ada')).toBe('/srv/openclaw/credentials/gateway.token');
  });
});
