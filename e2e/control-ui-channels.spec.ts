import { createServer, type Server } from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { login as loginAs, open, shot } from './ui.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

let gateway: GatewayProcess;
let botApi: Server;

test.describe.configure({ mode: 'serial' });

/** A Telegram Bot API that is down: every call gets 502 with Telegram's error body. */
async function startBrokenBotApi(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error_code: 502, description: 'Bad Gateway' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no port');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

test.beforeAll(async () => {
  const api = await startBrokenBotApi();
  botApi = api.server;
  gateway = await startGatewayProcess({
    config: {
      channels: { telegram: { botToken: '123456789:AAE2eTestTokenThatTelegramNeverSees', apiRoot: api.url } },
      logging: { level: 'info' },
    },
  });
});

test.afterAll(async () => {
  await gateway?.stop();
  await new Promise<void>((resolve) => (botApi ? botApi.close(() => resolve()) : resolve()));
});

/** Log in with the gateway token and wait for the shell. */
const login = (page: Page) => loginAs(page, gateway);

test('channels: a Telegram bot whose API is down is shown reconnecting with its error; Stop and Start work', async ({ page }) => {
  await login(page);
  await open(page, 'Channels');
  const row = page.locator('[data-testid="channel-row"][data-channel="telegram"]');
  const state = row.getByTestId('channel-state');
  await expect(state).toHaveText(/^(Reconnecting|Connecting|Failed)/);
  await expect(state).toHaveAttribute('data-state', /^(backoff|starting|failed)$/);
  // Both ways Telegram can fail to answer getMe name the step that failed.
  await expect(row.getByTestId('channel-error')).toContainText('check the bot token');
  await expect(row).toContainText('Telegram');
  // One button per channel that links by QR code and has no account yet.
  await expect(page.getByRole('button', { name: 'Link WhatsApp' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Link Signal' })).toBeVisible();
  await shot(page, 'channels');

  await row.getByRole('button', { name: /^Stop / }).click();
  await expect(state).toHaveText('Stopped');
  await expect(state).toHaveAttribute('data-state', 'stopped');
  await expect(row.getByRole('button', { name: /^Stop / })).toBeDisabled();
  await shot(page, 'channels-stopped');

  await row.getByRole('button', { name: /^Start / }).click();
  await expect(state).toHaveText(/^(Reconnecting|Connecting)/);
  await expect(state).toHaveAttribute('data-state', /^(backoff|starting)$/);
  await expect(row.getByTestId('channel-error')).toContainText('check the bot token');
  await expect(page.getByTestId('channels-error')).toHaveCount(0);

  // Log out asks first; cancelling leaves the account alone.
  await row.getByRole('button', { name: /^Log out / }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Log out of Telegram (default)?');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(state).toHaveAttribute('data-state', /^(backoff|starting)$/);
});

test('pairing: empty lists, or a plain explanation when the connection lacks the pairing scope', async ({ page }) => {
  await login(page);
  const scopes = (await page.getByTestId('granted-scopes').textContent()) ?? '';
  await open(page, 'Pairing');
  if (scopes.includes('operator.pairing')) {
    await expect(page.getByTestId('pairing-empty')).toContainText('No chat sender is waiting for pairing.');
    await expect(page.getByTestId('pairing-devices-empty')).toContainText('No device is waiting for approval.');
  } else {
    await expect(page.getByTestId('pairing-no-scope')).toContainText('operator.pairing');
    await expect(page.getByTestId('pairing-devices-no-scope')).toContainText('operator.pairing');
    await expect(page.getByRole('button', { name: /^Approve/ })).toHaveCount(0);
  }
  await expect(page.getByTestId('pairing-error')).toHaveCount(0);
  await expect(page.getByTestId('pairing-devices-error')).toHaveCount(0);
  await shot(page, 'pairing');
});

test('nodes: a loopback-only gateway explains why it needs an address; with one, the setup code shows as a QR', async ({ page }) => {
  await login(page);
  await open(page, 'Nodes');
  await expect(page.getByTestId('nodes-empty')).toBeVisible();
  await expect(page.getByTestId('nodes-error')).toHaveCount(0);

  await page.getByRole('button', { name: 'Create setup code' }).click();
  const error = page.getByTestId('setup-code-error');
  await expect(error).toContainText('loopback only');
  await expect(error).toContainText('GATEWAY_NOT_REACHABLE');
  await expect(page.getByRole('img', { name: 'Setup code QR' })).toHaveCount(0);

  await page.getByLabel('Address for the phone').fill('ws://192.0.2.1:18789');
  await page.getByRole('button', { name: 'Create setup code' }).click();
  const qr = page.getByRole('img', { name: 'Setup code QR' });
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect(error).toHaveCount(0);
  await expect(page.getByTestId('setup-code')).toContainText('ws://192.0.2.1:18789');
  await expect(page.getByTestId('setup-code-expiry')).toContainText(/expires in (9m|10m)/);
  await expect(page.getByLabel('Setup code')).not.toHaveValue('');
  await shot(page, 'nodes');
});
