import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { login as loginAs, open, shot } from './ui.js';
import JSON5 from 'json5';
import { startFakeModel, type FakeModel } from './fake-model.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

const REPLY = 'Hello from the fake model, streamed in small pieces.';

let gateway: GatewayProcess;
let model: FakeModel;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  // Slow enough (about 0.7 s per reply) that the streaming state and Abort can be seen.
  model = await startFakeModel(REPLY, 80);
  gateway = await startGatewayProcess({
    config: {
      models: { providers: { fake: { baseUrl: model.baseUrl, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
      logging: { level: 'info' },
    },
  });
});

test.afterAll(async () => {
  await gateway?.stop();
  await model?.close();
});

/** Log in with the gateway token and wait for the shell. */
const login = (page: Page) => loginAs(page, gateway);

test('login with the token grants operator scopes through the signed device identity; a reload reconnects with the device token', async ({ page }) => {
  await login(page);
  await expect(page.getByTestId('granted-scopes')).toContainText('operator.admin');
  await shot(page, 'overview');

  // e2e is typechecked without the DOM lib (and page functions are serialised), so globals are cast inline.
  type PageStorage = { getItem(k: string): string | null; clear(): void };
  const stored = await page.evaluate(() => {
    const g = globalThis as unknown as { localStorage: PageStorage };
    return JSON.parse(g.localStorage.getItem('openclaw.deviceToken') ?? 'null') as { deviceId: string } | null;
  });
  expect(stored?.deviceId).toMatch(/^[0-9a-f]{64}$/);
  // No gateway token in this tab any more: the device token and the IndexedDB key are enough.
  await page.evaluate(() => (globalThis as unknown as { sessionStorage: PageStorage }).sessionStorage.clear());
  await page.reload();
  await expect(page.getByTestId('health-ok')).toHaveText('OK');
  await expect(page.getByTestId('granted-scopes')).toContainText('operator.admin');
});

test('sidebar: keyboard navigation and honest empty pages', async ({ page }) => {
  await login(page);
  const nav = page.getByRole('navigation', { name: 'Pages' });
  await nav.getByRole('link', { name: 'Overview' }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(nav.getByRole('link', { name: 'Chat' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(nav.getByRole('link', { name: 'Memory' })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(nav.getByRole('link', { name: 'Usage' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('usage-empty')).toBeVisible();
  await shot(page, 'usage');

  for (const [name, testId] of [
    ['Channels', 'channels-empty'],
    ['Nodes', 'nodes-empty'],
    ['Pairing', 'pairing-empty'],
  ] as const) {
    await open(page, name);
    await expect(page.getByTestId(testId)).toBeVisible();
    await shot(page, name.toLowerCase());
  }
  await expect(page.getByTestId('pairing-empty')).toContainText('pairing');
});

test('chat: a turn streams from the fake model and finishes; New chat starts a second conversation', async ({ page }) => {
  await login(page);
  await open(page, 'Chat');
  await expect(page.getByRole('navigation', { name: 'Conversations' }).locator('[data-key="agent:main:main"]')).toHaveAttribute('aria-current', 'true');
  await page.getByLabel('Message', { exact: true }).fill('Say hello');
  await page.getByRole('button', { name: 'Send' }).click();
  const messages = page.getByTestId('chat-messages');
  await expect(messages.getByText(REPLY)).toBeVisible();
  await expect(messages.getByText('Say hello')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
  await expect(page.getByTestId('chat-error')).toHaveCount(0);
  expect(model.calls()).toBeGreaterThan(0);

  // A second conversation, so the sessions page has more than one row.
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByLabel('Message', { exact: true }).fill('Second session');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(messages.getByText(REPLY)).toBeVisible();
  await shot(page, 'chat');
});

test('sessions: list, search, transcript from real data; delete with confirmation', async ({ page }) => {
  await login(page);
  await open(page, 'Sessions');
  const rows = page.getByTestId('session-row');
  await expect(rows.filter({ hasText: 'agent:main:main' })).toBeVisible();
  await expect(rows.filter({ hasText: 'agent:main:chat-' })).toBeVisible();

  await page.getByLabel('Search sessions').fill('chat-');
  await expect(rows).toHaveCount(1);
  await page.getByLabel('Search sessions').fill('');

  await rows.filter({ hasText: 'agent:main:main' }).click();
  const transcript = page.getByTestId('transcript');
  await expect(transcript.locator('[data-role="user"]').getByText('Say hello')).toBeVisible();
  await expect(transcript.locator('[data-role="assistant"]').getByText(REPLY)).toBeVisible();
  await shot(page, 'sessions');

  await rows.filter({ hasText: 'agent:main:chat-' }).click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('cannot be undone');
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(rows.filter({ hasText: 'agent:main:chat-' })).toHaveCount(0);
  await expect(rows.filter({ hasText: 'agent:main:main' })).toBeVisible();
});

test('config: an invalid value is refused at its field and nothing is saved; a valid one reaches the gateway', async ({ page }) => {
  const configPath = join(gateway.stateDir, 'openclaw.json');
  const before = readFileSync(configPath, 'utf8');
  await login(page);
  await open(page, 'Config');

  await page.getByRole('navigation', { name: 'Config sections' }).getByRole('link', { name: 'gateway', exact: true }).click();
  await page.locator('[data-path="gateway.port"]').fill('0');
  await page.getByRole('button', { name: 'Save form' }).click();
  const fieldError = page.getByTestId('field-error-gateway.port');
  await expect(fieldError).toBeVisible();
  await expect(page.getByTestId('config-error')).toContainText('CONFIG_INVALID');
  await shot(page, 'config-refused');
  expect(readFileSync(configPath, 'utf8')).toBe(before);

  // The raw editor refuses an unknown level, shown at the logging.level field.
  await page.getByRole('button', { name: 'Reload', exact: true }).click();
  await expect(fieldError).toHaveCount(0);
  const raw = page.getByLabel('Raw JSON5');
  const text = await raw.inputValue();
  await raw.fill(text.replace(/"level":\s*"info"/, '"level": "loud"'));
  await page.getByRole('button', { name: 'Save raw' }).click();
  await expect(page.getByTestId('field-error-logging.level')).toBeVisible();
  await expect(page.getByTestId('raw-issues')).toContainText('logging.level');
  expect(readFileSync(configPath, 'utf8')).toBe(before);

  await page.getByRole('button', { name: 'Reload', exact: true }).click();
  // The reload has landed once the raw editor holds the file again: a choice made before that would be replaced.
  await expect(raw).not.toHaveValue(/"loud"/);
  await page.locator('[data-path="logging.level"]').selectOption('debug');
  await page.getByRole('button', { name: 'Save form' }).click();
  await expect(page.getByTestId('config-saved')).toContainText('logging.level');
  const saved = JSON5.parse(readFileSync(configPath, 'utf8')) as { logging?: { level?: string }; models?: unknown };
  expect(saved.logging?.level).toBe('debug');
  expect(saved.models).toBeTruthy();
  // And the gateway reads it back.
  await page.getByRole('button', { name: 'Reload', exact: true }).click();
  await expect(page.locator('[data-path="logging.level"]')).toHaveValue('debug');
  await shot(page, 'config');
});

test('config: one section at a time with jump links, and a search across every section', async ({ page }) => {
  await page.setViewportSize({ width: 1100, height: 760 });
  await login(page);
  await open(page, 'Config');
  const sections = page.getByRole('navigation', { name: 'Config sections' });
  await expect(sections.getByRole('link')).not.toHaveCount(0);
  await sections.getByRole('link', { name: 'logging', exact: true }).click();
  await expect(sections.getByRole('link', { name: 'logging', exact: true })).toHaveAttribute('aria-current', 'true');
  await expect(page.locator('[data-path="logging.level"]')).toBeVisible();
  await expect(page.locator('[data-path="gateway.port"]')).toHaveCount(0);
  // A page a person can scroll, not one 20,000 px long.
  expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollHeight)).toBeLessThan(4 * 760);

  await page.getByLabel('Search settings').fill('port');
  const results = page.getByTestId('config-search-results');
  await expect(results.locator('[data-path="gateway.port"]')).toBeVisible();
  await expect(results.locator('[data-path="logging.level"]')).toHaveCount(0);
  await page.getByLabel('Search settings').fill('log level');
  await expect(results.locator('[data-path="logging.level"]')).toBeVisible();
  await expect(results.locator('[data-path="gateway.port"]')).toHaveCount(0);
  await shot(page, 'config-search');
});

test('logs: live tail with level filter and pause', async ({ page }) => {
  await login(page);
  await open(page, 'Logs');
  await expect(page.getByTestId('log-line').first()).toBeVisible();
  await page.getByLabel('Level').selectOption('error');
  await page.getByLabel('Level').selectOption('trace');
  await expect(page.getByTestId('log-line').first()).toBeVisible();
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await shot(page, 'logs');
});
