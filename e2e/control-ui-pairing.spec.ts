import { expect, test } from '@playwright/test';
import { FakeTelegram } from '../test-support/fake-telegram/fake-telegram.js';
import { startFakeModel, type FakeModel } from './fake-model.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { login, open, shot } from './ui.js';

/**
 * A stranger writes to the Telegram bot (through the fake Bot API server):
 * the request shows up on the Pairing page live, the owner approves it there
 * with "tell them", and the stranger's held message is then answered.
 */
const REPLY = 'Hello, I can help now.';
const STRANGER = { id: 4242, first_name: 'Ada', username: 'ada' };

let telegram: FakeTelegram;
let model: FakeModel;
let gateway: GatewayProcess;

test.beforeAll(async () => {
  telegram = await FakeTelegram.start();
  telegram.api.addUser({ ...STRANGER });
  model = await startFakeModel(REPLY, 0);
  gateway = await startGatewayProcess({
    config: {
      models: { providers: { fake: { baseUrl: model.baseUrl, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
      channels: { telegram: { botToken: telegram.token, apiRoot: telegram.apiRoot, dmPolicy: 'pairing' } },
    },
  });
});

test.afterAll(async () => {
  await gateway?.stop();
  await model?.close();
  await telegram?.close();
});

const sentToStranger = () => telegram.api.sentTo(STRANGER.id).map((s) => s.text);

test('a pairing request from Telegram appears live and is approved from the Pairing page', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Pairing');
  await expect(page.getByTestId('pairing-empty')).toBeVisible();

  // The stranger writes while the page is open: the request arrives through the `pairing` event.
  await telegram.post({ chat: STRANGER.id, from: STRANGER.id, text: 'hi, can you help me?' });
  const row = page.getByTestId('pairing-request');
  await expect(row).toHaveCount(1);
  const code = await row.getAttribute('data-code');
  expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
  await expect(row).toContainText('Ada');
  await expect(row).toContainText('1 message held');
  await telegram.waitUntil(() => (sentToStranger().some((t) => t.includes(code!)) ? true : undefined), 10_000, 'the pairing code reply');
  expect(model.calls()).toBe(0);
  await shot(page, 'pairing-request');

  await page.getByRole('checkbox', { name: /^Tell .*Ada.* they were approved$/ }).check();
  await page.getByRole('button', { name: /^Approve .*Ada/ }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('pairing-empty')).toBeVisible();

  // The held message is answered, and the stranger is told.
  await telegram.waitUntil(() => (sentToStranger().includes(REPLY) ? true : undefined), 15_000, 'the held message to be answered');
  expect(sentToStranger().some((t) => /access approved/.test(t))).toBe(true);
  await shot(page, 'pairing-approved');
});
