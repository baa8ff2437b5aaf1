import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { fixtureDir } from '../../test-support/plugin-fixtures/index.js';

/**
 * A plugin's public route is a platform webhook: the platform posts whatever body type it uses (often a
 * form), through a tunnel or reverse proxy that names its own host, and the plugin checks the caller by
 * its signature. The gateway's browser-facing door rules (Host, Origin, JSON bodies) guard what the
 * gateway credential protects; they must not turn such a webhook away, and must still hold everywhere else.
 */
describe('public plugin routes (platform webhooks)', () => {
  let t: TestGateway;
  let base: string;
  const form = 'From=%2B15550001&Body=hello+there';
  const sign = (body: string) => createHmac('sha256', 'good-webhook-secret').update(body).digest('hex');
  /** A raw HTTP request (fetch will not send a Host of our choosing). */
  const send = (method: string, path: string, body: string, headers: Record<string, string>) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${base}${path}`, { method, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const post = (path: string, body: string, headers: Record<string, string>) => send('POST', path, body, headers);

  beforeAll(async () => {
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'route-test-token-0123456789' } }, plugins: { load: { paths: [fixtureDir('good')] } } } });
    base = t.gw.wsUrl.replace(/^ws/, 'http');
    const local = t.gw.createLocalClient();
    // Polls what a user would look at (plugins.list) until the plugin has loaded.
    for (const deadline = Date.now() + 15_000; ; ) {
      const r = await local.call('plugins.list', {});
      if (r.ok && (r.value as MethodResult<'plugins.list'>).plugins.find((p) => p.id === 'good')?.state === 'loaded') break;
      if (Date.now() > deadline) throw new Error(`the good plugin did not load: ${JSON.stringify(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  afterAll(() => t?.close());

  it('takes a form-encoded post through a tunnel host, without the gateway token, and the plugin sees the body', async () => {
    const res = await post('/plugins/good/webhook', form, { 'Content-Type': 'application/x-www-form-urlencoded', Host: 'abc123.tunnel.example', 'X-Good-Signature': sign(form) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ form: { From: '+15550001', Body: 'hello there' }, type: 'application/x-www-form-urlencoded' });
  });

  it('leaves the caller check to the plugin: a forged signature is refused by it', async () => {
    const res = await post('/plugins/good/webhook', form, { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Good-Signature': sign('something else') });
    expect(res.status).toBe(401);
    expect(res.text).toBe('bad signature');
  });

  it('keeps every door rule for everything else: a form post to the tool API, a foreign Host on a plugin route that is not public', async () => {
    const invoke = await post('/tools/invoke', '{"tool":"sessions_list"}', { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer route-test-token-0123456789' });
    expect(invoke.status).toBe(415);
    // Same path, another method: not the declared public route.
    const wrongMethod = await send('PUT', '/plugins/good/webhook', form, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(wrongMethod.status).toBe(415);
    const privateRoute = await send('GET', '/plugins/good/hello', '', { Host: 'abc123.tunnel.example' });
    expect(privateRoute.status).toBe(403);
    // A path that only normalises to the public one is judged as what it is after normalising, like the router does.
    const dotted = await post('/plugins/good/x/../../../tools/invoke', '{}', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(dotted.status).toBe(415);
  });
});
