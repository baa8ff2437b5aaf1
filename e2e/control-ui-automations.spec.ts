import { expect, test } from '@playwright/test';
import { startFakeModel, type FakeModel } from './fake-model.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { login, open, shot } from './ui.js';

const REPLY = 'Two meetings and a dentist appointment.';

let gateway: GatewayProcess;
let model: FakeModel;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  model = await startFakeModel(REPLY, 5);
  gateway = await startGatewayProcess({
    config: {
      models: { providers: { fake: { baseUrl: model.baseUrl, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
    },
  });
});

test.afterAll(async () => {
  await gateway?.stop();
  await model?.close();
});

test('automations: a bad schedule is refused with the reason; a job is added, run now, shows its run, and is removed', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Automations');
  await expect(page.getByTestId('automations-empty')).toBeVisible();
  await expect(page.getByTestId('automation-runs-empty')).toBeVisible();

  const form = page.getByTestId('automation-add');
  await form.getByLabel('Name').fill('standup');
  await form.getByLabel('Ask the agent').fill('What is on my calendar?');
  await form.getByLabel('Cron expression').fill('61 * * * *');
  await form.getByLabel('Time zone').fill('Europe/Berlin');
  await form.getByRole('button', { name: 'Add automation' }).click();
  await expect(page.getByTestId('automation-add-error')).toContainText('invalid cron expression "61 * * * *": Invalid value for minute: 61');

  await form.getByLabel('Cron expression').fill('0 9 * * 1-5');
  await form.getByRole('button', { name: 'Add automation' }).click();
  const row = page.locator('[data-testid="automation-row"][data-job="standup"]');
  await expect(row).toContainText('cron 0 9 * * 1-5 (Europe/Berlin)');
  await expect(row.getByTestId('automation-last')).toHaveText('not run yet');
  await expect(form.getByLabel('Name')).toHaveValue('');

  await row.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByTestId('automations-notice')).toHaveText('Started "standup".');
  const run = page.getByTestId('automation-run').first();
  await expect(run).toContainText(REPLY);
  await expect(run).toContainText('ok');
  await expect(row.getByTestId('automation-last')).toHaveText('ok');
  await shot(page, 'automations');

  await row.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('automations-empty')).toBeVisible();
  await expect(page.getByTestId('automation-runs-empty')).toBeVisible();
});
