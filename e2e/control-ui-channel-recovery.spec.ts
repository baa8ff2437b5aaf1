import { expect, test } from '@playwright/test';
import { FakeTelegram } from '../test-support/fake-telegram/fake-telegram.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { login, open, shot } from './ui.js';

/** A Telegram bot whose API is down at start and then recovers: once connected, the old error is history, not a "Problem". */
let telegram: FakeTelegram;
let gateway: GatewayProcess;

test.beforeAll(async () => {
  telegram = await FakeTelegram.start();
  telegram.setFault('5xx', true);
  gateway = await startGatewayProcess({ config: { channels: { telegram: { botToken: telegram.token, apiRoot: telegram.apiRoot } } } });
});

test.afterAll(async () => {
  await gateway?.stop();
  await telegram?.close();
});

test('an error from before the bot connected is not shown as a problem beside Connected', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Channels');
  const row = page.locator('[data-testid="channel-row"][data-channel="telegram"]');
  const state = row.getByTestId('channel-state');
  await expect(state).toHaveAttribute('data-state', /^(backoff|starting)$/);
  await expect(row.getByTestId('channel-error').locator('.problem')).toContainText('Bad Gateway');

  telegram.setFault('5xx', false);
  await expect(state).toHaveText('Connected', { timeout: 15_000 });
  const problem = row.getByTestId('channel-error');
  await expect(problem.locator('.problem')).toHaveCount(0);
  await expect(problem).toContainText('none');
  await expect(problem.getByTestId('channel-earlier-error')).toContainText('Earlier, before it connected');
  await expect(problem.getByTestId('channel-earlier-error')).toContainText('Bad Gateway');
  await shot(page, 'channels-recovered');
});
