import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import JSON5 from 'json5';
import { startFakeModel, type FakeModel } from './fake-model.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { login, open, shot } from './ui.js';

// A first start on a fresh machine: no config and no token given, so the gateway creates both.
let gateway: GatewayProcess;
let model: FakeModel;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  model = await startFakeModel('Usage is counted from real turns.', 5);
  gateway = await startGatewayProcess({ fresh: true });
});

test.afterAll(async () => {
  await gateway?.stop();
  await model?.close();
});

test('first run: the Overview shows what the first start created and what to do next; steps tick off as the gateway changes', async ({ page }) => {
  await page.goto(gateway.url);
  await expect(page.getByTestId('login-first-run')).toContainText('credentials/gateway.token');
  await login(page, gateway);

  const welcome = page.getByTestId('welcome');
  await expect(welcome.getByRole('heading', { name: 'Welcome to OpenClaw' })).toBeVisible();
  const created = page.getByTestId('welcome-created');
  await expect(created).toContainText(join(gateway.stateDir, 'credentials', 'gateway.token'));
  await expect(created).toContainText(join(gateway.stateDir, 'openclaw.json'));
  const steps = page.getByTestId('welcome-steps');
  await expect(steps.locator('[data-step="model"]')).toHaveAttribute('data-done', 'false');
  await expect(steps.locator('[data-step="channel"]')).toHaveAttribute('data-done', 'false');
  await expect(steps.locator('[data-step="phone"]')).toHaveAttribute('data-done', 'false');
  await shot(page, 'first-run');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'first-run-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The user adds a model provider (here straight into the file the panel names); the hot reload ticks the step.
  const configPath = join(gateway.stateDir, 'openclaw.json');
  const config = JSON5.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    configPath,
    JSON.stringify({
      ...config,
      models: { providers: { fake: { baseUrl: model.baseUrl, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm', cost: { input: 3000, output: 15000 } }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
    }),
  );
  await expect(steps.locator('[data-step="model"]')).toHaveAttribute('data-done', 'true');

  // Each step links to its page.
  await steps.getByRole('link', { name: /Open Channels/ }).click();
  await expect(page.locator('main[data-page="channels"]')).toBeVisible();

  // Dismissed stays dismissed.
  await open(page, 'Overview');
  await welcome.getByRole('button', { name: 'Dismiss' }).click();
  await expect(welcome).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('health-ok')).toBeVisible();
  await expect(page.getByTestId('welcome')).toHaveCount(0);
});

test('usage: after a chat turn the page shows real turns, tokens and cost per day, agent and model', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Usage');
  await expect(page.getByTestId('usage-empty')).toBeVisible();

  await open(page, 'Chat');
  await page.getByLabel('Message').fill('How much does this cost?');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('chat-messages').getByText('Usage is counted from real turns.')).toBeVisible();

  await open(page, 'Usage');
  await expect(page.getByTestId('usage-total-turns')).toHaveText('1');
  await expect(page.getByTestId('usage-total-tokens')).not.toHaveText('0 / 0');
  await expect(page.getByTestId('usage-total-cost')).not.toHaveText('$0.00');
  const agents = page.getByTestId('usage-agents');
  await expect(agents.locator('tr[data-key="main"] td').first()).toHaveText('1');
  await expect(page.getByTestId('usage-models').locator('tr[data-key="fake/m"]')).toBeVisible();

  // The chart is an image with a description, and today's column has a bar and a tooltip.
  const chart = page.getByTestId('usage-turns-chart');
  await expect(chart.getByRole('img', { name: /Turns per day/ })).toBeVisible();
  const today = chart.locator('g.chart-column').last();
  await expect(today.locator('rect.series-turns')).toHaveCount(1);
  await expect(today.locator('title')).toHaveText(/: 1 turn$/);
  await expect(page.getByTestId('usage-tokens-chart').locator('g.chart-column').last().locator('rect.series-input')).toHaveCount(1);

  await page.getByLabel('Period').selectOption('7');
  await expect(chart.locator('g.chart-column')).toHaveCount(7);
  await shot(page, 'usage');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'usage-dark');
});
