import { expect, test } from '@playwright/test';
import { CLI_DEFAULT_SCOPES } from '../src-shared/protocol/index.js';
import { GatewayClient } from '../src-main/cli/gateway-client.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

/**
 * "Open Control UI in browser" and `openclaw dashboard`: a signed-in operator mints a one-time link;
 * Chromium opening it lands signed in, with no token prompt and no code left in the address bar. The
 * same link opened again is refused, and the page says so.
 */
let gateway: GatewayProcess;

test.beforeAll(async () => {
  gateway = await startGatewayProcess();
});

test.afterAll(async () => {
  await gateway?.stop();
});

async function mintLink(): Promise<string> {
  const op = await GatewayClient.connect({ url: `ws://127.0.0.1:${gateway.port}/`, token: gateway.token, scopes: [...CLI_DEFAULT_SCOPES] });
  try {
    return (await op.call('controlUi.loginLink', {})).url;
  } finally {
    op.close();
  }
}

test('a one-time link signs the browser in without the token, and works once', async ({ browser }) => {
  const link = await mintLink();
  expect(link).toMatch(/\?login=/);

  const first = await browser.newContext();
  const page = await first.newPage();
  await page.goto(link);
  await expect(page.getByTestId('granted-scopes')).toContainText('operator.admin');
  await expect(page.getByLabel('Gateway token')).toHaveCount(0);
  expect(page.url()).not.toContain('login=');
  expect(page.url()).toBe(gateway.url);
  // Back does not lead to the code either: the entry was replaced, not pushed (the other entry is the new tab's blank page).
  await page.goBack();
  expect(page.url()).not.toContain('login=');
  await page.goForward();

  // A reload signs in again with the device token the link gave this browser (the code is gone).
  await page.reload();
  await expect(page.getByTestId('granted-scopes')).toContainText('operator.admin');
  await first.close();

  // The same link in another browser profile: refused, said plainly, and the token form is offered.
  const second = await browser.newContext();
  const again = await second.newPage();
  await again.goto(link);
  await expect(again.getByTestId('login-error')).toContainText('already used');
  await expect(again.getByLabel('Gateway token')).toBeVisible();
  expect(again.url()).not.toContain('login=');
  await second.close();
});
