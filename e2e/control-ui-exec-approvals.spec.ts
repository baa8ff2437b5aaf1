import { expect, test } from '@playwright/test';
import { endsWithToolResult } from '../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../test-support/fake-openai.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { login, open, shot } from './ui.js';

// The agent wants to run `uname -s`, which is not on the allow-list; with tools.exec.ask on-miss the owner is asked on the Overview.
let gateway: GatewayProcess;
let model: FakeOpenAIServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  model = new FakeOpenAIServer({
    script: (req) => {
      if (!endsWithToolResult(req)) return { toolCalls: [{ name: 'exec', input: { argv: ['uname', '-s'] } }] };
      const last = req.messages.at(-1) as { content?: unknown };
      return { text: `The tool said: ${typeof last.content === 'string' ? last.content : JSON.stringify(last.content)}` };
    },
  });
  await model.start();
  gateway = await startGatewayProcess({
    config: {
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
      tools: { exec: { allow: [], ask: 'on-miss' } },
    },
  });
});

test.afterAll(async () => {
  await gateway?.stop();
  await model?.close();
});

test('the agent asks to run a program outside the allow-list: the Overview shows the command; Allow once lets the turn go on', async ({ page }) => {
  await login(page, gateway);
  await expect(page.getByTestId('exec-approvals')).toHaveCount(0);
  await open(page, 'Chat');
  await page.getByRole('textbox', { name: /message/i }).fill('what system is this?');
  await page.keyboard.press('Enter');
  await open(page, 'Overview');
  const card = page.getByTestId('exec-approvals');
  await expect(card.getByTestId('exec-approval-command')).toHaveText('uname -s');
  await shot(page, 'exec-approval');
  await card.getByRole('button', { name: 'Allow once' }).click();
  await expect(card.getByTestId('exec-approvals-notice')).toHaveText('Allowed uname this once.');
  await expect(card.getByTestId('exec-approval')).toHaveCount(0);
  await open(page, 'Chat');
  await expect(page.getByText(/The tool said: .*Linux/)).toBeVisible();
});

test('Deny: the agent is told the owner did not allow it', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Chat');
  await page.getByRole('textbox', { name: /message/i }).fill('and again?');
  await page.keyboard.press('Enter');
  await open(page, 'Overview');
  const card = page.getByTestId('exec-approvals');
  await card.getByRole('button', { name: 'Deny' }).click();
  await expect(card.getByTestId('exec-approvals-notice')).toHaveText('Denied uname; the agent is told.');
  await open(page, 'Chat');
  await expect(page.getByText(/The tool said: .*The owner did not allow running uname/)).toBeVisible();
});
