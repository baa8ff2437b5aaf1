/**
 * HTTP without Origin/Host checks: with `auth.mode: "none"` on loopback, a web
 * page must not reach the tool and chat endpoints, by DNS rebinding (its own
 * name in Host) or by a cross-site request, and the gateway's own pages must
 * still load. The same gate stands in front of WebSocket upgrades.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway.js';
import { WsProbe } from '../../../test-support/ws-probe.js';

let t: TestGateway;
let port: number;
beforeAll(async () => {
  t = await startTestGateway({ config: { gateway: { auth: { mode: 'none' }, http: { endpoints: { chatCompletions: { enabled: true } } }, tools: { allow: ['canvas'] } } } });
  port = t.gw.port;
});
afterAll(async () => {
  await t?.close();
});

/** One request with exactly these headers (fetch would not let a test set Host). */
type Reply = { ok?: boolean; error?: { type: string }; result?: { details?: { path?: string } } };
function send(o: { method?: string; path: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; json: Reply | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: o.method ?? 'POST', path: o.path, headers: o.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json: Reply | undefined;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const invoke = JSON.stringify({ tool: 'sessions_list', args: {} });
const json = { 'Content-Type': 'application/json' };

describe('HTTP and upgrades pass one Host/Origin/Content-Type gate', () => {
  it('a DNS-rebound page (its own name in Host) cannot invoke tools or chat, with or without a matching Origin', async () => {
    const evilHost = `evil.example:${port}`;
    for (const path of ['/tools/invoke', '/v1/chat/completions']) {
      const plain = await send({ path, headers: { Host: evilHost, ...json }, body: invoke });
      expect(plain).toMatchObject({ status: 403, json: { ok: false, error: { type: 'host_not_allowed' } } });
      const withOrigin = await send({ path, headers: { Host: evilHost, Origin: `http://${evilHost}`, ...json }, body: invoke });
      expect(withOrigin.status).toBe(403);
    }
    // Reading is refused too: the rebound page is not the gateway.
    expect((await send({ method: 'GET', path: '/healthz', headers: { Host: evilHost } })).status).toBe(403);
  });

  it('a cross-site page cannot post to the gateway: foreign Origin, Origin null, Sec-Fetch-Site cross-site, or a text/plain body', async () => {
    const host = `127.0.0.1:${port}`;
    expect(await send({ path: '/tools/invoke', headers: { Host: host, Origin: 'http://evil.example', ...json }, body: invoke })).toMatchObject({ status: 403, json: { error: { type: 'origin_not_allowed' } } });
    expect((await send({ path: '/tools/invoke', headers: { Host: host, Origin: 'null', ...json }, body: invoke })).status).toBe(403);
    expect((await send({ path: '/tools/invoke', headers: { Host: host, 'Sec-Fetch-Site': 'cross-site', ...json }, body: invoke })).status).toBe(403);
    // A "simple" cross-site request needs no preflight: text/plain (or a form) is refused whatever else it carries.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect(await send({ path: '/tools/invoke', headers: { Host: host, 'Content-Type': type }, body: invoke })).toMatchObject({ status: 415, json: { error: { type: 'unsupported_media_type' } } });
    }
    expect((await send({ path: '/tools/invoke', headers: { Host: host }, body: invoke })).status).toBe(415);
    expect((await send({ path: '/v1/chat/completions', headers: { Host: host, 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(415);
  });

  it('the legitimate JSON request works, from a local tool or the gateway own page, under every loopback name', async () => {
    for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'localhost', `[::1]:${port}`]) {
      const r = await send({ path: '/tools/invoke', headers: { Host: host, 'Content-Type': 'application/json; charset=utf-8' }, body: invoke });
      expect(r, host).toMatchObject({ status: 200, json: { ok: true } });
    }
    const fromUi = await send({ path: '/tools/invoke', headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin', ...json }, body: invoke });
    expect(fromUi.status).toBe(200);
  });

  it('the Control UI, the node page and the canvas still load from the gateway origin; a link from another site still opens the UI', async () => {
    const host = `127.0.0.1:${port}`;
    // An agent's canvas page and its stylesheet, written through the (re-enabled) canvas tool.
    const write = async (path: string, content: string) => {
      const r = await send({ path: '/tools/invoke', headers: { Host: host, ...json }, body: JSON.stringify({ tool: 'canvas', action: 'write', args: { path, content } }) });
      expect(r.status).toBe(200);
      return r.json!.result!.details!.path!;
    };
    const page = await write('index.html', '<!doctype html><link rel="stylesheet" href="site.css"><p>hi</p>');
    const css = await write('site.css', 'p { color: red }');
    for (const path of ['/', '/node/', page, '/healthz']) {
      expect((await send({ method: 'GET', path, headers: { Host: host, 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'navigate' } })).status, path).toBe(200);
    }
    // A canvas page is sandboxed (an opaque origin): its own files arrive marked cross-site, or with Origin null.
    expect((await send({ method: 'GET', path: css, headers: { Host: host, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' } })).status).toBe(200);
    expect((await send({ method: 'GET', path: css, headers: { Host: host, Origin: 'null', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors' } })).status).toBe(200);
    const link = await send({ method: 'GET', path: '/', headers: { Host: host, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' } });
    expect(link.status).toBe(200);
  });

  it('WebSocket upgrades pass the same gate: a rebound Host is refused, the real one gets the challenge', async () => {
    const evil = new WsProbe(t.url, { Host: `evil.example:${port}` });
    await expect(evil.opened).rejects.toThrow('HTTP 403');
    const local = new WsProbe(t.url, { Host: `localhost:${port}` });
    await local.opened;
    expect(await local.next()).toMatchObject({ event: 'connect.challenge' });
    local.close();
  });
});
