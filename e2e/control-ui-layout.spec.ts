import { createServer, type Server } from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { GatewayClient } from '../src-main/cli/gateway-client.js';
import { generateDeviceKeys } from '../src-main/nodes/device-keys.js';
import { CLI_DEFAULT_SCOPES } from '../src-shared/protocol/index.js';
import { FakeOpenAIServer } from '../test-support/fake-openai.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { layoutProblems, VIEWPORTS } from './layout-checks.js';
import { login } from './ui.js';

// Every page, at the desktop window's default size and at 640 px, in light and dark: a screenshot
// of each (kept under test-results/) and no sideways scrolling, clipped tables, squeezed text or
// overlapping chart labels. The gateway has real data in it: turns with long Markdown replies, a
// channel whose API is down (long error text), log lines and usage.

const REPLY = [
  'Here is **the plan**, with a [link](https://example.com/a/very/long/path/that/keeps/going/and/going) and some `inline code`.',
  '',
  '```sh',
  'npx openclaw config set models.providers.local.baseUrl http://127.0.0.1:11434/v1 && npx openclaw gateway call health --params "{}" --json',
  '```',
  '',
  '| Column | Another column | A third, longer column |',
  '| --- | --- | --- |',
  '| one | two | three |',
].join('\n');

let gateway: GatewayProcess;
let model: FakeOpenAIServer;
let botApi: Server;


/** A Telegram Bot API that is down: every call gets 502. */
async function startBrokenBotApi(): Promise<string> {
  botApi = createServer((req, res) => {
    req.resume();
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error_code: 502, description: 'Bad Gateway' }));
  });
  await new Promise<void>((resolve) => botApi.listen(0, '127.0.0.1', resolve));
  const address = botApi.address();
  if (!address || typeof address !== 'object') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

test.beforeAll(async () => {
  model = new FakeOpenAIServer({ script: () => ({ text: REPLY }), chunkDelayMs: 0 });
  await model.start();
  gateway = await startGatewayProcess({
    config: {
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'sk-test', api: 'openai-completions', models: [{ id: 'fake-model-with-a-long-name' }] } } },
      agents: { defaults: { model: { primary: 'fake/fake-model-with-a-long-name' } } },
      channels: { telegram: { botToken: '123456789:AAE2eTestTokenThatTelegramNeverSees', apiRoot: await startBrokenBotApi() } },
      logging: { level: 'debug' },
    },
  });
  // Real turns, so Chat, Sessions and Usage have something to lay out.
  const op = await GatewayClient.connect({ url: `ws://127.0.0.1:${gateway.port}`, token: gateway.token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
  try {
    for (const [i, sessionKey] of ['agent:main:main', 'agent:main:a-session-with-a-rather-long-name-for-layout'].entries()) {
      const sent = await op.call<{ runId: string }>('chat.send', { sessionKey, message: `Question ${i}: how do I point the gateway at my local model?`, idempotencyKey: `layout-${i}` });
      await op.call('agent.wait', { runId: sent.runId, timeoutMs: 20_000 }, { timeoutMs: 25_000 });
    }
  } finally {
    op.close();
  }
});

test.afterAll(async () => {
  await gateway?.stop();
  await model?.close();
  await new Promise<void>((resolve) => (botApi ? botApi.close(() => resolve()) : resolve()));
});

/** What each page shows once its data is in. */
const PAGES: { id: string; ready(page: Page): Promise<void> }[] = [
  { id: 'overview', ready: (p) => expect(p.getByTestId('health-ok')).toBeVisible() },
  { id: 'chat', ready: (p) => expect(p.getByTestId('transcript-message').first()).toBeVisible() },
  { id: 'sessions', ready: (p) => expect(p.getByTestId('session-row').first()).toBeVisible() },
  { id: 'config', ready: (p) => expect(p.locator('[data-path="gateway.port"]').or(p.getByTestId('config-sections'))).not.toHaveCount(0) },
  { id: 'logs', ready: (p) => expect(p.getByTestId('log-line').first()).toBeVisible() },
  { id: 'channels', ready: (p) => expect(p.getByTestId('channel-error').first()).toBeVisible() },
  { id: 'nodes', ready: (p) => expect(p.getByTestId('nodes-empty')).toBeVisible() },
  { id: 'pairing', ready: (p) => expect(p.getByTestId('pairing-empty')).toBeVisible() },
  { id: 'plugins', ready: (p) => expect(p.getByTestId('plugins-table').or(p.getByTestId('plugins-empty'))).toBeVisible() },
  { id: 'automations', ready: (p) => expect(p.getByTestId('automations-empty')).toBeVisible() },
  { id: 'usage', ready: (p) => expect(p.getByTestId('usage-agents')).toBeVisible() },
  { id: 'memory', ready: (p) => expect(p.getByTestId('memory-none')).toBeVisible() },
];

for (const vp of VIEWPORTS) {
  test(`every page fits a ${vp.width}×${vp.height} window in light and dark`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await login(page, gateway);
    const found: string[] = [];
    for (const { id, ready } of PAGES) {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: new RegExp(`^${id}$`, 'i') }).click();
      await expect(page.locator(`main[data-page="${id}"]`)).toBeVisible();
      await ready(page);
      await expect(page.locator('main').getByText('Loading…', { exact: true })).toHaveCount(0);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const path = test.info().outputPath(`${id}-${vp.width}-${scheme}.png`);
        await page.screenshot({ path, fullPage: true });

        for (const problem of await layoutProblems(page)) found.push(`${id} (${scheme}): ${problem}`);
      }
      await page.emulateMedia({ colorScheme: 'light' });
    }
    expect(found, found.join('\n')).toEqual([]);
  });
}
