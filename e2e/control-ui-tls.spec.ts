import { expect, test } from '@playwright/test';
import { spawnGateway, stopGatewayWithState, type SpawnedGateway } from '../test-support/gateway.js';
import { makeTempState, type TempState } from '../test-support/state-dir.js';

const token = 'tls-e2e-token-0123456789abcdef';
let state: TempState;
let gateway: SpawnedGateway;

test.beforeAll(async () => {
  state = makeTempState({ gateway: { auth: { mode: 'token', token }, tls: { enabled: true } } });
  gateway = await spawnGateway(state.env, ['--port', '0']);
});

test.afterAll(async () => {
  await stopGatewayWithState(gateway, state);
});

// The browser is told to accept the self-signed certificate, as a user does once on its warning page.
test.use({ ignoreHTTPSErrors: true });

test('Control UI over https talks to the gateway over wss on the same port', async ({ page }) => {
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  expect(gateway.stdout()).toMatch(/TLS fingerprint \(SHA-256\): [0-9A-F:]{95}/);
  await page.goto(`https://127.0.0.1:${gateway.port}/`);
  await page.getByLabel('Gateway token').fill(token);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('health-ok')).toHaveText('OK');
  await expect(page.getByTestId('connection-state')).toHaveText(/Connected/);
  expect(sockets.length).toBeGreaterThan(0);
  for (const url of sockets) expect(url).toBe(`wss://127.0.0.1:${gateway.port}/`);
});
