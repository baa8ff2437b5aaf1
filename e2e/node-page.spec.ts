import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.js';
import { GatewayClient } from '../src-main/cli/gateway-client.js';
import { generateDeviceKeys } from '../src-main/nodes/device-keys.js';
import { CLI_DEFAULT_SCOPES } from '../src-shared/protocol/index.js';
import type { ScriptRequest } from '../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../test-support/fake-openai.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { shot } from './ui.js';

const HERE = { latitude: 52.52, longitude: 13.405, accuracy: 12 };

// A phone-sized browser with a faked position (its permission is granted during the test, as a
// person would in the prompt) and a fake camera.
test.use({
  viewport: { width: 390, height: 844 },
  geolocation: HERE,
  permissions: [],
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] },
});

let gateway: GatewayProcess;
let op: GatewayClient;
let model: FakeOpenAIServer;

test.beforeAll(async () => {
  model = new FakeOpenAIServer({ script: () => ({ text: 'unused' }) });
  await model.start();
  gateway = await startGatewayProcess({
    config: {
      models: { providers: { local: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'sk-test', api: 'openai-completions', models: [{ id: 'fake', contextWindow: 32_000, maxTokens: 1000 }] } } },
      agents: { defaults: { model: { primary: 'local/fake' } } },
    },
  });
  op = await GatewayClient.connect({ url: `ws://127.0.0.1:${gateway.port}`, token: gateway.token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
});

test.afterAll(async () => {
  op?.close();
  await gateway?.stop();
  await model?.close();
});

/** The next event `name` the operator receives. */
function nextEvent<T = any>(name: string): Promise<T> {
  return new Promise((resolve) => {
    const off = op.on((event, payload) => {
      if (event !== name) return;
      off();
      resolve(payload as T);
    });
  });
}

let n = 0;
const invoke = (nodeId: string, command: string, params: unknown = {}) => op.call<any>('node.invoke', { nodeId, command, params, timeoutMs: 20_000, idempotencyKey: `e2e-${++n}` });

test('a phone pairs from the setup-code link, the operator approves, and notify, location and camera round-trip', async ({ page, context }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));

  const setup = await op.call<{ setupCode: string; pairingPageUrl: string }>('device.pair.setupCode', { url: `ws://127.0.0.1:${gateway.port}` });
  expect(setup.pairingPageUrl).toBe(`http://127.0.0.1:${gateway.port}/node/#setup=${setup.setupCode}`);
  const requested = nextEvent<any>('node.pair.requested');

  const res = await page.goto(setup.pairingPageUrl);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self';");
  await expect(page.getByTestId('status')).toContainText('Connected');
  // The single-use token leaves the address bar at once.
  expect(page.url()).toBe(`http://127.0.0.1:${gateway.port}/node/`);

  // The operator sees the browser's command surface and approves it.
  const req = await requested;
  expect(req).toMatchObject({ node: { platform: 'web', clientId: 'webchat-ui' }, blockedByPolicy: [], requiredScopes: ['operator.write'] });
  expect(req.commands).toEqual(expect.arrayContaining(['system.notify', 'location.get', 'camera.snap', 'canvas.show']));
  const nodeId: string = req.node.nodeId;
  await expect(invoke(nodeId, 'system.notify', { title: 'x' })).rejects.toMatchObject({ error: { details: { code: 'COMMAND_NOT_APPROVED' } } });
  await op.call('node.pair.approve', { requestId: req.requestId });

  // notify: shown in the page.
  await expect(invoke(nodeId, 'system.notify', { title: 'Dinner', body: 'Table for two at eight' })).resolves.toMatchObject({ ok: true, command: 'system.notify', payload: { shown: true } });
  await expect(page.getByTestId('notification')).toContainText('Table for two at eight');

  // location: the page asks for the permission; the person allows it; the position comes back.
  await expect(page.getByTestId('cap-location')).not.toHaveText('allowed');
  await context.grantPermissions(['geolocation'], { origin: `http://127.0.0.1:${gateway.port}` });
  await page.getByRole('button', { name: 'Allow location' }).click();
  await expect(page.getByTestId('cap-location')).toHaveText('allowed');
  const loc = await invoke(nodeId, 'location.get');
  expect(loc).toMatchObject({ ok: true, command: 'location.get', payload: { lat: HERE.latitude, lon: HERE.longitude, accuracy: HERE.accuracy, timestamp: expect.any(Number) } });

  // camera: a real frame from the (fake) camera, as JPEG.
  await context.grantPermissions(['geolocation', 'camera'], { origin: `http://127.0.0.1:${gateway.port}` });
  const photo = await invoke(nodeId, 'camera.snap', { facing: 'back', maxWidth: 320 });
  expect(photo).toMatchObject({ ok: true, payload: { format: 'jpg', width: 320 } });
  expect(Buffer.from(photo.payload.base64, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

  // canvas: only gateway canvas paths are shown, in a sandboxed frame.
  await expect(invoke(nodeId, 'canvas.show', { path: 'https://evil.example/' })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
  await expect(invoke(nodeId, 'canvas.show', { path: '/__openclaw__/canvas/none/' })).resolves.toMatchObject({ ok: true });
  await expect(page.locator('iframe#canvas')).toBeVisible();
  await expect(page.locator('iframe#canvas')).toHaveAttribute('sandbox', /allow-scripts/);
  await page.getByRole('button', { name: 'Close canvas' }).click();
  await shot(page, 'node-page');

  // A reload reconnects with the device token the gateway issued (the setup code is spent).
  const again = nextEvent<any>('node.presence');
  await page.reload();
  await expect(page.getByTestId('status')).toContainText('Connected');
  expect(await again).toMatchObject({ nodeId });
  const nodes = await op.call<any>('node.list', {});
  expect(nodes.nodes).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId, platform: 'web', connected: true, allowedCommands: expect.arrayContaining(['system.notify', 'location.get']) })]));
  // Chromium drops the emulated position when the page reloads; set it again, as a phone would still know it.
  await context.setGeolocation(HERE);
  await expect(invoke(nodeId, 'location.get')).resolves.toMatchObject({ ok: true, payload: { lat: HERE.latitude } });

  // Nothing but the gateway's own origin was contacted.
  for (const url of requests) expect(new URL(url).host).toBe(`127.0.0.1:${gateway.port}`);
});

test('a spent setup code is refused with a clear message, and the page never connects elsewhere', async ({ page }) => {
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  const setup = await op.call<{ setupCode: string; pairingPageUrl: string }>('device.pair.setupCode', { url: 'ws://evil.example:1' });
  // The code names another gateway; the page still talks only to the origin that served it.
  const link = `http://127.0.0.1:${gateway.port}/node/#setup=${setup.setupCode}`;
  await page.goto(link);
  await expect(page.getByTestId('status')).toContainText('Connected');
  const second = await page.context().newPage();
  second.on('websocket', (ws) => sockets.push(ws.url()));
  await second.goto(link);
  await expect(second.getByTestId('status')).toContainText('already used or has expired');
  for (const url of sockets) expect(url).toBe(`ws://127.0.0.1:${gateway.port}/`);
});

test('the agent writes a canvas page and shows it on the phone, sandboxed inside the node page', async ({ page }) => {
  const setup = await op.call<{ pairingPageUrl: string }>('device.pair.setupCode', { url: `ws://127.0.0.1:${gateway.port}` });
  const requested = nextEvent<any>('node.pair.requested');
  await page.goto(setup.pairingPageUrl);
  await expect(page.getByTestId('status')).toContainText('Connected');
  const req = await requested;
  await op.call('node.pair.approve', { requestId: req.requestId });

  const toolResults = (r: ScriptRequest) => r.messages.filter((m) => (m as { role?: string }).role === 'tool').length;
  model.script = (r) => {
    if (toolResults(r) === 0) return { toolCalls: [{ name: 'canvas', input: { action: 'write', content: '<!doctype html><h1 id="t">Weather: sunny</h1><script>document.getElementById("t").dataset.ran = "yes"; try { localStorage.x = 1; document.body.append(" storage-open") } catch { document.body.append(" storage-closed") }</script>' } }] };
    if (toolResults(r) === 1) return { toolCalls: [{ name: 'canvas', input: { action: 'show', nodeId: req.node.nodeId } }] };
    return { text: 'It is on your phone.' };
  };
  const final = new Promise<any>((resolve) => op.on((event, p: any) => event === 'chat' && p.state !== 'delta' && resolve(p)));
  await op.call('chat.send', { sessionKey: 'agent:main:main', message: 'show the weather on my phone', idempotencyKey: 'canvas-e2e' });
  expect(await final).toMatchObject({ state: 'final' });

  const frame = page.frameLocator('iframe#canvas');
  await expect(frame.locator('h1')).toHaveText('Weather: sunny');
  // Its script ran, in an opaque origin: the gateway origin's storage is out of its reach.
  await expect(frame.locator('h1')).toHaveAttribute('data-ran', 'yes');
  await expect(frame.locator('body')).toContainText('storage-closed');
  await shot(page, 'node-page-canvas');
});
