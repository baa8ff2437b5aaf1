import { request } from 'node:http';
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptRequest } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { GatewayClient } from '../cli/gateway-client.js';
import { NODE_PAGE_CSP, nodePageUrl } from '../gateway/node-page.js';
import { CANVAS_CSP } from './canvas-host.js';
import { generateDeviceKeys } from './device-keys.js';

/** A raw GET, so paths reach the server exactly as written (no client-side normalisation). */
function get(port: number, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const PAGE = '<!doctype html><h1>Weather</h1><script>document.title = "ok"</script>';
const toolResults = (req: ScriptRequest) => req.messages.filter((m) => (m as { role?: string }).role === 'tool').length;

describe('canvas host: an agent writes a page, a node is told to show it, the gateway serves it', () => {
  let model: FakeOpenAIServer;
  let t: TestGateway;
  let op: GatewayClient;
  let legacyPort: number;
  const nodeKeys = generateDeviceKeys();
  beforeAll(async () => {
    model = new FakeOpenAIServer({ script: () => ({ text: 'unused' }) });
    await model.start();
    const probe = await startTestGateway();
    legacyPort = probe.gw.port; // a port that was just free
    await probe.close();
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: 'canvas-test-token' } },
        canvasHost: { port: legacyPort },
        models: { providers: { local: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'sk-test', api: 'openai-completions', models: [{ id: 'fake', contextWindow: 32_000, maxTokens: 1000 }] } } },
        agents: { defaults: { model: { primary: 'local/fake' } } },
      },
    });
    op = await t.operator();
  });
  afterAll(async () => {
    await t.close();
    await model.close();
  });

  it('write → show on a node (canvas.show) → GET serves it sandboxed, on the gateway port and the legacy port', async () => {
    // A tablet-like node that offers canvas.show, approved by the operator.
    const node = await GatewayClient.connect({ url: t.url, token: t.token, device: nodeKeys, role: 'node', client: { id: 'openclaw-android', mode: 'node', platform: 'android' }, commands: ['canvas.show'] });
    const shown = new Promise<any>((resolve) =>
      node.on((event, p: any) => {
        if (event !== 'node.invoke.request') return;
        void node.call('node.invoke.result', { id: p.id, ok: true, payloadJSON: '{"shown":true}' });
        resolve({ command: p.command, params: JSON.parse(p.paramsJSON) });
      }),
    );
    const { pending } = await op.call<any>('node.pair.list', {});
    await op.call('node.pair.approve', { requestId: pending.find((r: any) => r.node.nodeId === nodeKeys.deviceId).requestId });

    model.script = (req) => {
      const n = toolResults(req);
      if (n === 0) return { toolCalls: [{ name: 'canvas', input: { action: 'write', path: 'index.html', content: PAGE } }] };
      if (n === 1) return { toolCalls: [{ name: 'canvas', input: { action: 'show', nodeId: nodeKeys.deviceId } }] };
      return { text: 'Shown on your tablet.' };
    };
    const final = new Promise<any>((resolve) => op.on((event, p: any) => event === 'chat' && p.state !== 'delta' && resolve(p)));
    await op.call('chat.send', { sessionKey: 'agent:main:main', message: 'show me the weather', idempotencyKey: 'canvas-1' });
    expect(await final).toMatchObject({ state: 'final', message: { content: [{ type: 'text', text: 'Shown on your tablet.' }] } });

    const { command, params } = await shown;
    expect(command).toBe('canvas.show');
    expect(params.path).toMatch(/^\/__openclaw__\/canvas\/[A-Za-z0-9_-]{32}\/index\.html$/);
    expect(params.url).toBe(`http://127.0.0.1:${t.gw.port}${params.path}`);

    for (const port of [t.gw.port, legacyPort]) {
      const res = await get(port, params.path);
      expect(res.status).toBe(200);
      expect(res.body).toBe(PAGE);
      expect(res.headers['content-security-policy']).toBe(CANVAS_CSP);
      expect(res.headers['content-security-policy']).toMatch(/^sandbox allow-scripts [^;]*;.*connect-src 'none'/);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    // The folder URL without a slash redirects into the folder; the folder serves its index.html.
    const folder = params.path.replace(/index\.html$/, '');
    expect(await get(t.gw.port, folder.slice(0, -1))).toMatchObject({ status: 308, headers: { location: `${folder.split('/').at(-2)}/` } });
    expect(await get(t.gw.port, folder)).toMatchObject({ status: 200, body: PAGE });
    // The legacy port serves the canvas and nothing else.
    expect((await get(legacyPort, '/')).status).toBe(404);
    expect((await get(legacyPort, '/healthz')).status).toBe(404);
    node.close();
  });

  it('refuses guessed tokens, traversal, links out of the folder, and other files of the state dir', async () => {
    // The session's folder from the previous test.
    const canvasRoot = join(t.gw.stateDir, 'canvas');
    const [real] = readdirSync(canvasRoot);
    writeFileSync(join(t.gw.stateDir, 'outside.txt'), 'SECRET');
    symlinkSync(join(t.gw.stateDir, 'outside.txt'), join(canvasRoot, real!, 'link.txt'));
    for (const path of [
      `/__openclaw__/canvas/${'A'.repeat(32)}/index.html`,
      `/__openclaw__/canvas/${real!.slice(0, 31)}/index.html`,
      `/__openclaw__/canvas/${real}/../../outside.txt`,
      `/__openclaw__/canvas/${real}/%2e%2e/%2e%2e/outside.txt`,
      `/__openclaw__/canvas/${real}/..%2f..%2foutside.txt`,
      `/__openclaw__/canvas/${real}/link.txt`,
      `/__openclaw__/canvas/${real}/missing.html`,
      `/__openclaw__/canvas/../openclaw.json`,
      '/__openclaw__/canvas/',
    ]) {
      const res = await get(t.gw.port, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('SECRET');
    }
  });

  it('serves the node page under its own strict CSP, and /node redirects to /node/', async () => {
    expect(await get(t.gw.port, '/node')).toMatchObject({ status: 308, headers: { location: 'node/' } });
    const page = await get(t.gw.port, '/node/');
    // 200 once scripts/build-node-page.mjs has run (npm ci / npm run build), 503 saying so before.
    expect([200, 503]).toContain(page.status);
    expect(page.headers['content-security-policy']).toBe(NODE_PAGE_CSP);
    expect(NODE_PAGE_CSP).toMatch(/script-src 'self';/);
    expect(NODE_PAGE_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect((await get(t.gw.port, '/node/missing.js')).status).toBe(404);
  });

  it('builds the page link from the address the phone uses, with the setup code only in the fragment', () => {
    expect(nodePageUrl('ws://192.168.1.5:18789')).toBe('http://192.168.1.5:18789/node/');
    expect(nodePageUrl('wss://gw.example.ts.net/', 'CODE')).toBe('https://gw.example.ts.net/node/#setup=CODE');
    expect(nodePageUrl('wss://example.com/openclaw?x=1', 'CODE')).toBe('https://example.com/openclaw/node/#setup=CODE');
  });
});
