import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { displayPath } from '../src-main/gateway/login-hint.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

let gateway: GatewayProcess;

test.beforeAll(async () => {
  gateway = await startGatewayProcess();
});

test.afterAll(async () => {
  await gateway?.stop();
});

/** Record every WebSocket the page opens, and every request it makes. */
function recordTraffic(page: Page) {
  const sockets: string[] = [];
  const requests: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  page.on('request', (req) => requests.push(req.url()));
  return { sockets, requests };
}

test('Control UI: login form, wrong token refused, right token shows health', async ({ page }) => {
  const traffic = recordTraffic(page);
  await page.goto(gateway.url);

  const tokenInput = page.getByLabel('Gateway token');
  await expect(tokenInput).toBeVisible();
  await expect(page.getByRole('button', { name: 'Connect' })).toBeVisible();
  // The hint names this gateway's token file (its state dir is not ~/.openclaw).
  const tokenFile = displayPath(join(gateway.stateDir, 'credentials', 'gateway.token'));
  await expect(page.getByTestId('login-token-file')).toHaveText(tokenFile);
  await expect(page.getByTestId('login-first-run')).toContainText(`cat ${tokenFile}`);
  await expect(page.getByTestId('login-first-run')).not.toContainText('~/.openclaw/');

  await tokenInput.fill(`wrong-${gateway.token}`);
  await page.getByRole('button', { name: 'Connect' }).click();
  const error = page.getByTestId('login-error');
  await expect(error).toBeVisible();
  // The server's own message and its details.code (AUTH_TOKEN_MISMATCH and friends).
  await expect(error).toContainText(/AUTH_[A-Z_]+/);
  expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length)).toBe(0);

  await tokenInput.fill(gateway.token);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('heading', { name: 'Gateway health' })).toBeVisible();
  await expect(page.getByTestId('health-ok')).toHaveText('OK');
  await expect(page.getByTestId('health-uptime')).not.toHaveText('—');
  await expect(page.getByTestId('connection-state')).toHaveText(/Connected/);

  // The accepted token survives a reload of this tab.
  await page.reload();
  await expect(page.getByTestId('health-ok')).toHaveText('OK');

  const origin = `ws://127.0.0.1:${gateway.port}/`;
  expect(traffic.sockets.length).toBeGreaterThan(0);
  for (const url of traffic.sockets) expect(url).toBe(origin);
});

test('Control UI ignores ?gatewayUrl= and #gatewayUrl= (CVE-2026-25253)', async ({ page }) => {
  const traffic = recordTraffic(page);
  await page.goto(`${gateway.url}?gatewayUrl=ws://evil.example:1#gatewayUrl=ws://evil.example:2`);
  await page.getByLabel('Gateway token').fill(gateway.token);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('health-ok')).toHaveText('OK');

  expect(traffic.sockets).not.toHaveLength(0);
  for (const url of traffic.sockets) expect(new URL(url).host).toBe(`127.0.0.1:${gateway.port}`);
  // Nothing but the page origin was contacted (the page URL itself carries the bait, so compare hosts).
  for (const url of traffic.requests) expect(new URL(url).host).toBe(`127.0.0.1:${gateway.port}`);
});

test('Control UI is served with a strict CSP', async ({ page }) => {
  await page.goto(gateway.url);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
});
