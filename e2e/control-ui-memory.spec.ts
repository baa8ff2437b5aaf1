import { expect, test, type Page } from '@playwright/test';
import { GatewayClient } from '../src-main/cli/gateway-client.js';
import { generateDeviceKeys } from '../src-main/nodes/device-keys.js';
import { CLI_DEFAULT_SCOPES } from '../src-shared/protocol/index.js';
import { FakeEmbeddingsServer } from '../test-support/fake-embeddings/fake-embeddings.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { layoutProblems, VIEWPORTS } from './layout-checks.js';
import { login, open, shot } from './ui.js';

// The Memory page against a real gateway running the bundled memory-lancedb plugin (real LanceDB,
// the deterministic local embeddings server): memories stored through the agent's own tool show up,
// search ranks by meaning with scores, forgetting asks first and removes it for good. Two more
// gateways show the page with no memory plugin on, and with the plugin failed.

let gateway: GatewayProcess;
let embeddings: FakeEmbeddingsServer;

test.describe.configure({ mode: 'serial' });

const FACTS = [
  { session: 'agent:main:direct:alice', text: 'Alice parks on level 3 of the north garage at work' },
  { session: 'agent:main:direct:alice', text: 'Alice prefers window seats on long flights' },
  { session: 'agent:main:direct:bob', text: 'Bob is allergic to peanuts and hazelnuts' },
];

/** Stores memories the way the agent does: the `memory_store` tool, run in each person's session. */
async function storeFacts(g: GatewayProcess): Promise<void> {
  const op = await GatewayClient.connect({ url: `ws://127.0.0.1:${g.port}`, token: g.token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
  try {
    // Enabled plugins load in the background once the gateway listens.
    await expect
      .poll(async () => (await op.call('plugins.list', {})).plugins.find((p) => p.id === 'memory-lancedb')?.state, { timeout: 20_000 })
      .toBe('loaded');
    for (const f of FACTS) {
      const r = await op.call<{ ok: boolean; result: { content: { text: string }[] } }>('tools.invoke', { tool: 'memory_store', sessionKey: f.session, args: { text: f.text } });
      expect(r.result.content[0]?.text).toMatch(/^Remembered/);
    }
  } finally {
    op.close();
  }
}

const memoryConfig = (embeddingsUrl: string) => ({
  // A plugin's tool is run from outside a turn only where the owner names it.
  gateway: { tools: { allow: ['memory_store'] } },
  plugins: { slots: { memory: 'memory-lancedb' }, entries: { 'memory-lancedb': { config: { embedding: { baseUrl: embeddingsUrl, model: 'hash-256', timeoutMs: 2000 } } } } },
});

const rows = (page: Page) => page.getByTestId('memory-table').getByTestId('memory-row');

test.beforeAll(async () => {
  embeddings = new FakeEmbeddingsServer();
  const url = await embeddings.start();
  gateway = await startGatewayProcess({ config: memoryConfig(url) });
  await storeFacts(gateway);
});

test.afterAll(async () => {
  await gateway?.stop();
  await embeddings?.close();
});

test('memory: browse per person, search ranks by meaning with scores, forget asks and removes it', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Memory');
  await expect(page.getByTestId('memory-total')).toHaveText('3');
  await expect(page.getByTestId('memory-provider')).toHaveAttribute('data-ok', 'true');
  await expect(rows(page)).toHaveCount(3);
  await expect(page.getByTestId('memory-table')).toContainText('north garage');

  // Per person: Bob's memories only.
  await page.getByTestId('memory-person').selectOption('direct:bob');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('peanuts');
  await page.getByTestId('memory-person').selectOption('');
  await expect(rows(page)).toHaveCount(3);

  // Search by meaning: the parking fact comes first, with a score.
  await page.getByRole('searchbox', { name: 'Search memories by meaning' }).fill('where do I park at work');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Search results' })).toBeVisible();
  await expect(rows(page).first()).toContainText('north garage');
  const top = Number(await rows(page).first().getByTestId('memory-score').textContent());
  expect(top).toBeGreaterThan(0.1);
  const second = Number(await rows(page).nth(1).getByTestId('memory-score').textContent());
  expect(top).toBeGreaterThan(second);
  await shot(page, 'memory-search');

  // Forget asks first; Cancel keeps it.
  const parking = rows(page).first();
  const id = await parking.getAttribute('data-id');
  await parking.getByRole('button', { name: /^Forget/ }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('cannot be undone');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(page.locator(`[data-testid="memory-row"][data-id="${id}"]`)).toHaveCount(1);

  await parking.getByRole('button', { name: /^Forget/ }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Forget', exact: true }).click();
  await expect(page.getByTestId('memory-notice')).toContainText('Forgotten: “Alice parks on level 3');
  await expect(page.locator(`[data-testid="memory-row"][data-id="${id}"]`)).toHaveCount(0);
  await expect(page.getByTestId('memory-total')).toHaveText('2');
  await expect(rows(page).first()).not.toContainText('north garage');

  // Gone for good: a new page load lists two.
  await page.reload();
  await open(page, 'Memory');
  await expect(rows(page)).toHaveCount(2);
  await expect(page.getByTestId('memory-table')).not.toContainText('north garage');
});

for (const vp of VIEWPORTS) {
  test(`memory page fits a ${vp.width}×${vp.height} window in light and dark`, async ({ page }) => {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await login(page, gateway);
    await open(page, 'Memory');
    await page.getByRole('searchbox', { name: 'Search memories by meaning' }).fill('what food should I avoid');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(rows(page).first()).toContainText('peanuts');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await shot(page, `memory-${vp.width}-${scheme}`);
      expect(await layoutProblems(page)).toEqual([]);
    }
  });
}

test('no memory plugin on: a plain-words empty state with the commands that turn it on', async ({ page }) => {
  const bare = await startGatewayProcess({});
  try {
    await login(page, bare);
    await open(page, 'Memory');
    const empty = page.getByTestId('memory-none');
    await expect(empty).toContainText('No memory plugin is on');
    await expect(empty).toContainText('openclaw config set plugins.slots.memory memory-lancedb');
    await expect(page.getByTestId('memory-table')).toHaveCount(0);
    expect(await layoutProblems(page)).toEqual([]);
    await shot(page, 'memory-none');
  } finally {
    await bare.stop();
  }
});

test('memory plugin failed: the page says so, with its error and where to fix it', async ({ page }) => {
  // Chosen, but its settings lack the required embeddings provider: the plugin fails, the gateway runs on.
  const broken = await startGatewayProcess({ config: { plugins: { slots: { memory: 'memory-lancedb' }, entries: { 'memory-lancedb': { config: {} } } } } });
  try {
    await login(page, broken);
    await open(page, 'Memory');
    const failed = page.getByTestId('memory-failed');
    await expect(failed).toContainText('failed to start');
    await expect(failed).toContainText('embedding');
    await expect(failed).toContainText('Plugins page');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'memory-failed-dark');
  } finally {
    await broken.stop();
  }
});
