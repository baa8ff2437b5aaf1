import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import JSON5 from 'json5';
import { fixtureDir } from '../test-support/plugin-fixtures/index.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { login as loginAs, open, shot } from './ui.js';

/** The plugins the app ships (every folder of extensions/ with a manifest), and which of them are channels only. */
const EXTENSIONS = fileURLToPath(new URL('../extensions', import.meta.url));
const MANIFESTS = readdirSync(EXTENSIONS)
  .filter((d) => existsSync(join(EXTENSIONS, d, 'openclaw.plugin.json')))
  .map((d) => JSON.parse(readFileSync(join(EXTENSIONS, d, 'openclaw.plugin.json'), 'utf8')) as { id: string; kind?: string | string[] });
const BUNDLED = MANIFESTS.map((m) => m.id);
/** The bundled channel plugins: on by default, loaded when their channel is configured. */
const BUNDLED_CHANNELS = MANIFESTS.filter((m) => [m.kind].flat().every((k) => k === 'channel')).map((m) => m.id);

let gateway: GatewayProcess;
let guardDir: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  // A critical plugin that fails at import: the gateway refuses agent turns while it is broken.
  guardDir = mkdtempSync(join(tmpdir(), 'openclaw-e2e-guard-'));
  cpSync(fixtureDir('throws-at-import'), join(guardDir, 'guard'), { recursive: true });
  const manifestPath = join(guardDir, 'guard', 'openclaw.plugin.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, id: 'guard', name: 'Content guard', critical: true }));

  gateway = await startGatewayProcess({
    config: {
      plugins: { load: { paths: [fixtureDir('good'), fixtureDir('throws-at-import'), fixtureDir('needs-config'), join(guardDir, 'guard')] } },
      logging: { level: 'info' },
    },
  });
});

test.afterAll(async () => {
  await gateway?.stop();
  if (guardDir) rmSync(guardDir, { recursive: true, force: true });
});

const configPath = () => join(gateway.stateDir, 'openclaw.json');
const readConfig = () => JSON5.parse(readFileSync(configPath(), 'utf8')) as { plugins?: { entries?: Record<string, { enabled?: boolean; config?: Record<string, unknown> }> } };

/** What the page's own WebSocket client asked and was answered, by method. */
interface Wire {
  sent(method: string): number;
  results(method: string): unknown[];
}

/** Records the page's requests and their results; must be called before the page connects. */
function watchWire(page: Page): Wire {
  const methods = new Map<string, string>();
  const sent: string[] = [];
  const results: { method: string; payload: unknown }[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => {
      const f = JSON.parse(String(payload)) as { type?: string; id?: string; method?: string };
      if (f.type === 'req' && f.id && f.method) {
        methods.set(f.id, f.method);
        sent.push(f.method);
      }
    });
    ws.on('framereceived', ({ payload }) => {
      const f = JSON.parse(String(payload)) as { type?: string; id?: string; ok?: boolean; payload?: unknown };
      const method = f.type === 'res' && f.id ? methods.get(f.id) : undefined;
      if (method && f.ok) results.push({ method, payload: f.payload });
    });
  });
  return {
    sent: (method) => sent.filter((m) => m === method).length,
    results: (method) => results.filter((r) => r.method === method).map((r) => r.payload),
  };
}

/** The state of plugin `id` in the latest `plugins.list` answer the page received. */
function listedState(wire: Wire, id: string): string | undefined {
  const last = wire.results('plugins.list').at(-1) as { plugins: { id: string; state: string }[] } | undefined;
  return last?.plugins.find((p) => p.id === id)?.state;
}

const row = (page: Page, id: string) => page.locator(`[data-testid="plugin-row"][data-plugin="${id}"]`);

async function openPlugins(page: Page): Promise<void> {
  await loginAs(page, gateway);
  await open(page, 'Plugins');
  await expect(page.getByTestId('plugins-table')).toBeVisible();
}

test('every plugin is listed; failed ones show their error, and the failed critical one raises the banner', async ({ page }) => {
  await openPlugins(page);
  // The four fixture plugins and the bundled ones, which are plugins like any other.
  await expect(page.getByTestId('plugin-row')).toHaveCount(4 + BUNDLED.length);
  const telegram = row(page, 'telegram');
  await expect(telegram).toContainText('Bundled');
  await expect(telegram.getByTestId('plugin-state')).toHaveText('Not loaded');
  await expect(telegram).toContainText('Loads when one of its channels starts.');

  const good = row(page, 'good');
  await expect(good.getByTestId('plugin-state')).toHaveText('Loaded');
  await expect(good).toContainText('Good plugin');
  await expect(good).toContainText('1.0.0');
  await expect(good).toContainText('skill');
  await expect(good).toContainText('Folder');
  await expect(good.getByTestId('plugin-load-time')).toHaveText(/^in \d+ ms$/);
  await expect(good.getByRole('switch', { name: 'Good plugin enabled' })).toBeChecked();

  const broken = row(page, 'throws-at-import');
  await expect(broken.getByTestId('plugin-state')).toHaveText('Failed');
  await expect(broken.getByTestId('plugin-error')).toContainText('Failed to load: threw while loading');
  await expect(broken.getByTestId('plugin-error')).toContainText('boom at import');
  await expect(row(page, 'needs-config').getByTestId('plugin-error')).toContainText('invalid settings');

  const banner = page.getByTestId('plugins-critical-banner');
  await expect(banner).toContainText('The critical plugin Content guard failed: agent turns are refused until it is fixed.');
  await expect(row(page, 'guard').getByTestId('plugin-critical')).toBeVisible();
  // What needs fixing comes first: the critical failure, then the other failures, then the rest.
  const order = async () => Promise.all((await page.getByTestId('plugin-row').all()).map((r) => r.getAttribute('data-plugin')));
  expect((await order()).slice(0, 3)).toEqual(['guard', 'needs-config', 'throws-at-import']);
  expect((await order()).slice(3).sort()).toEqual(['good', ...BUNDLED].sort());

  const doctor = page.getByTestId('plugins-doctor');
  await expect(doctor.locator('[data-testid="finding-group"][data-plugin="throws-at-import"]')).toContainText('boom at import');
  await expect(doctor.locator('[data-testid="finding-group"][data-plugin="throws-at-import"]')).toContainText('Fix:');
  await shot(page, 'plugins');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'plugins-dark');
});

test('turning good off and on again: the row, the gateway and the config file agree', async ({ page }) => {
  const wire = watchWire(page);
  await openPlugins(page);
  const good = row(page, 'good');
  const toggle = good.getByRole('switch', { name: 'Good plugin enabled' });

  // Keyboard only: focus the switch and press Space.
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(good.getByTestId('plugin-state')).toHaveText('Disabled');
  await expect(toggle).not.toBeChecked();
  await expect(page.getByTestId('plugins-notice')).toHaveText('Turned Good plugin off.');
  await expect.poll(() => listedState(wire, 'good')).toBe('disabled');
  expect(readConfig().plugins?.entries?.good?.enabled).toBe(false);
  await expect(page.getByTestId('plugins-action-error')).toHaveCount(0);
  await shot(page, 'plugins-good-disabled');

  await toggle.click();
  await expect(good.getByTestId('plugin-state')).toHaveText('Loaded');
  await expect(toggle).toBeChecked();
  await expect.poll(() => listedState(wire, 'good')).toBe('loaded');
  expect(readConfig().plugins?.entries?.good?.enabled).toBe(true);
});

test("good's settings form saves a greeting that round-trips through the config", async ({ page }) => {
  await openPlugins(page);
  await row(page, 'good').getByRole('button', { name: 'Details of Good plugin' }).click();
  const details = page.getByTestId('plugin-details');
  await expect(details.getByRole('heading', { name: 'Good plugin' })).toBeFocused();
  await expect(details.getByTestId('plugin-permissions')).toContainText('GOOD_PLUGIN_TOKEN');
  await expect(details.getByTestId('plugin-install')).toContainText('plugins.load.paths');

  const greeting = details.locator('[data-path="greeting"]');
  await expect(greeting).toHaveValue('');
  await greeting.fill('Ahoy from the settings form');
  await details.getByRole('button', { name: 'Save settings' }).click();
  await expect(details.getByTestId('plugin-settings-saved')).toHaveText("Saved Good plugin's settings.");
  expect(readConfig().plugins?.entries?.good?.config).toEqual({ greeting: 'Ahoy from the settings form' });
  await shot(page, 'plugins-good-settings');

  // A fresh page reads it back from the gateway.
  await page.reload();
  // The address keeps the page: it opens on Plugins again.
  await expect(page.getByTestId('plugins-table')).toBeVisible();
  await row(page, 'good').getByRole('button', { name: 'Details of Good plugin' }).click();
  await expect(page.getByTestId('plugin-details').locator('[data-path="greeting"]')).toHaveValue('Ahoy from the settings form');
  await expect(row(page, 'good').getByTestId('plugin-state')).toHaveText('Loaded');

  // Closing the details hands the keyboard back to the row it came from.
  await page.getByRole('button', { name: 'Close details' }).click();
  await expect(page.getByTestId('plugin-details')).toHaveCount(0);
  await expect(row(page, 'good').getByRole('button', { name: 'Details of Good plugin' })).toBeFocused();
});

test('invalid settings are refused at the field before anything is sent; valid ones let the plugin load', async ({ page }) => {
  const wire = watchWire(page);
  await openPlugins(page);
  await row(page, 'needs-config').getByRole('button', { name: 'Details of needs-config' }).click();
  const details = page.getByTestId('plugin-details');
  const before = readFileSync(configPath(), 'utf8');

  await details.locator('[data-path="retries"]').fill('-1');
  await details.getByRole('button', { name: 'Save settings' }).click();
  await expect(details.getByTestId('field-error-apiKey')).toHaveText('is required');
  await expect(details.getByTestId('field-error-retries')).toHaveText('must be 0 or more');
  await expect(details.locator('[data-path="apiKey"]')).toBeFocused();
  expect(wire.sent('config.patch')).toBe(0);
  expect(readFileSync(configPath(), 'utf8')).toBe(before);
  await shot(page, 'plugins-settings-refused');

  await details.locator('[data-path="apiKey"]').fill('k-123');
  await details.locator('[data-path="retries"]').fill('2');
  await expect(details.getByTestId('field-error-retries')).toHaveCount(0);
  await details.getByRole('button', { name: 'Save settings' }).click();
  await expect(details.getByTestId('plugin-settings-saved')).toBeVisible();
  expect(wire.sent('config.patch')).toBe(1);
  await expect(row(page, 'needs-config').getByTestId('plugin-state')).toHaveText('Loaded');
  await expect(row(page, 'needs-config').getByTestId('plugin-error')).toHaveCount(0);
});

test.describe('a gateway with only what it ships', () => {
  let bare: GatewayProcess;
  test.beforeAll(async () => {
    bare = await startGatewayProcess({ config: { logging: { level: 'info' } } });
  });
  test.afterAll(async () => {
    await bare?.stop();
  });

  test('lists the bundled channels, none loaded until its channel is configured', async ({ page }) => {
    await loginAs(page, bare);
    await open(page, 'Plugins');
    expect(BUNDLED_CHANNELS).toEqual(expect.arrayContaining(['discord', 'googlechat', 'imessage', 'slack', 'telegram', 'whatsapp']));
    await expect(page.getByTestId('plugin-row')).toHaveCount(BUNDLED.length);
    for (const id of BUNDLED_CHANNELS) {
      await expect(row(page, id)).toContainText('Bundled');
      await expect(row(page, id).getByTestId('plugin-state')).toHaveText('Not loaded');
    }
    await expect(page.getByTestId('plugins-empty')).toHaveCount(0);
    await expect(page.getByTestId('plugins-doctor-ok')).toHaveText('No problems found.');
    await shot(page, 'plugins-bundled-only');
  });
});
