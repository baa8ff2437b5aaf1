import { expect, test, type Page } from '@playwright/test';

/** Log in with the gateway token and wait for the shell to show the granted scopes. */
export async function login(page: Page, gateway: { url: string; token: string }): Promise<void> {
  await page.goto(gateway.url);
  await page.getByLabel('Gateway token').fill(gateway.token);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('granted-scopes')).toContainText('operator.admin');
}

/** Open a page from the sidebar and wait for it. */
export async function open(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name, exact: true }).click();
  await expect(page.locator(`main[data-page="${name.toLowerCase()}"]`)).toBeVisible();
}

/** A full-page screenshot attached to the test report. */
export async function shot(page: Page, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await test.info().attach(name, { path, contentType: 'image/png' });
}
