import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import JSON5 from 'json5';
import { lastUserText } from '../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../test-support/fake-openai.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { login, open, shot } from './ui.js';

// A first start with no model: the Overview offers the providers, a wrong key is refused by the
// provider's own answer to one real request, the right one is saved, and the first message works.
// The fake servers stand in for an OpenAI-compatible provider (with a key) and a local Ollama.

let gateway: GatewayProcess;
let provider: FakeOpenAIServer;
let ollama: FakeOpenAIServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  provider = new FakeOpenAIServer({ script: (req) => ({ text: `Hello! You said: ${lastUserText(req)}` }), apiKey: 'sk-the-right-key' });
  ollama = new FakeOpenAIServer({ script: () => ({ text: 'OK' }), models: ['qwen3', 'llama3.2'] });
  await Promise.all([provider.start(), ollama.start()]);
  gateway = await startGatewayProcess({ fresh: true, env: { OPENCLAW_OLLAMA_URL: ollama.baseUrl } });
});

test.afterAll(async () => {
  await gateway?.stop();
  await Promise.all([provider?.close(), ollama?.close()]);
});

const configPath = () => join(gateway.stateDir, 'openclaw.json');
const savedConfig = () => (existsSync(configPath()) ? (JSON5.parse(readFileSync(configPath(), 'utf8')) as any) : {});

test('with no model, the first screen offers the providers and finds the local Ollama', async ({ page }) => {
  await login(page, gateway);
  const setup = page.getByTestId('model-setup');
  await expect(setup.getByRole('heading', { name: 'Connect a model' })).toBeVisible();
  for (const name of ['Anthropic', 'OpenAI', 'OpenAI-compatible server', 'Ollama on this computer']) await expect(setup.getByRole('radio', { name: new RegExp(`^${name} `) })).toBeVisible();
  await expect(setup).toContainText(`Found at ${ollama.baseUrl} with 2 models`);
  // Ollama was found, so it is offered first, with its models to choose from.
  await expect(setup.getByRole('radio', { name: /^Ollama/ })).toBeChecked();
  await expect(setup.getByLabel('Model', { exact: true })).toHaveValue('qwen3');
  await setup.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(setup.getByTestId('model-setup-result')).toHaveAttribute('data-ok', 'true');
  await expect(setup.getByTestId('model-setup-result')).toContainText('ollama/qwen3 answered');
  // Testing saves nothing.
  expect(savedConfig().models).toBeUndefined();
  await shot(page, 'onboarding');
});

test('a wrong key is refused by one real request; the right one is saved and the first message is answered', async ({ page }) => {
  await login(page, gateway);
  const setup = page.getByTestId('model-setup');
  await setup.getByRole('radio', { name: /^OpenAI-compatible/ }).check();
  await setup.getByLabel('Server address').fill(`${provider.baseUrl}/v1`);
  await setup.getByLabel(/API key/).fill('sk-a-wrong-key');
  await setup.getByLabel('Model', { exact: true }).fill('fake-chat');
  provider.reset();
  await setup.getByRole('button', { name: 'Test and save' }).click();
  const result = setup.getByTestId('model-setup-result');
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText('refused the key');
  expect(provider.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1);
  expect(savedConfig().models).toBeUndefined();
  await shot(page, 'onboarding-refused');

  await setup.getByLabel(/API key/).fill('sk-the-right-key');
  await setup.getByRole('button', { name: 'Test and save' }).click();
  await expect(setup.getByTestId('model-setup-saved')).toContainText('custom/fake-chat answered');
  const config = savedConfig();
  expect(config.models.providers.custom).toMatchObject({ baseUrl: `${provider.baseUrl}/v1`, api: 'openai-completions', apiKey: 'sk-the-right-key', models: [{ id: 'fake-chat' }] });
  expect(config.agents.defaults.model.primary).toBe('custom/fake-chat');

  await setup.getByRole('link', { name: /Start chatting/ }).click();
  await expect(page.locator('main[data-page="chat"]')).toBeVisible();
  await page.getByLabel('Message', { exact: true }).fill('my first message');
  await page.getByLabel('Message', { exact: true }).press('Enter');
  await expect(page.getByTestId('chat-messages').getByText('Hello! You said: my first message')).toBeVisible();

  // The Overview no longer asks for a model.
  await open(page, 'Overview');
  await expect(page.getByTestId('health-ok')).toBeVisible();
  await expect(page.getByTestId('model-setup')).toHaveCount(0);
});
