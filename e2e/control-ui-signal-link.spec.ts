import { expect, test, type Page } from '@playwright/test';
import { FakeSignalCli } from '../test-support/fake-signal/fake-signal-cli.js';
import { login as loginAs, open, shot } from './ui.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

/**
 * Linking Signal from the Control UI: the gateway (a real process) asks the
 * fake signal-cli daemon for a device link, the Channels page shows the
 * `sgnl://linkdevice` QR, and when the "phone" scans it the panel says Linked
 * and the Signal row turns Connected.
 */
let gateway: GatewayProcess;
const signal = new FakeSignalCli({ keepAliveMs: 200, linked: false });

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  // Long enough that the code on screen is still the one the test scans.
  signal.linkTtlMs = 30_000;
  await signal.listen();
  gateway = await startGatewayProcess({ config: { channels: { signal: { httpUrl: signal.httpUrl, livenessMs: 5000 } }, logging: { level: 'info' } } });
});

test.afterAll(async () => {
  await gateway?.stop();
  await signal.close();
});

const login = (page: Page) => loginAs(page, gateway);

test('signal: the link QR comes from signal-cli, and scanning it connects the channel', async ({ page }) => {
  await login(page);
  await open(page, 'Channels');
  const row = page.locator('[data-testid="channel-row"][data-channel="signal"]');
  // Not linked yet: the row says how to link instead of retrying.
  await expect(row.getByTestId('channel-state')).toHaveAttribute('data-state', 'failed');
  await expect(row.getByTestId('channel-error')).toContainText('openclaw channels login signal');

  await row.getByRole('button', { name: /^Link Signal.* with a QR code$/ }).click();
  const panel = page.getByTestId('whatsapp-login');
  await expect(panel).toContainText('Scan this QR code in Signal');
  const qr = panel.getByRole('img', { name: 'Signal QR code' });
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAttribute('src', /^data:image\/png;base64,/);
  expect(signal.linkUris.length).toBeGreaterThan(0);
  await shot(page, 'signal-link-qr');

  signal.scan();
  await expect(panel.getByTestId('whatsapp-linked')).toHaveText('Linked');
  await expect(row.getByTestId('channel-state')).toHaveText('Connected', { timeout: 20_000 });
  await expect(row.getByTestId('channel-state')).toHaveAttribute('data-state', 'running');
  expect(signal.linked.has(signal.account)).toBe(true);
  await shot(page, 'signal-linked');
});
