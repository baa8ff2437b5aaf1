import { expect, test, type Page } from '@playwright/test';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { shot } from './ui.js';

/**
 * "Restart to update" in the desktop window. The window's preload bridge (`window.openclaw`) needs
 * Electron, which Chromium cannot run, so this spec injects a small stand-in with the bridge's two
 * functions (`call`, `on`) before the page loads; it answers only the main process's `desktop.update.*`
 * calls and pushes `desktop.update` events the way the main process does. The renderer itself is the
 * real build, served by a real gateway. The same page without a bridge (a browser) has no banner.
 */
let gateway: GatewayProcess;

test.beforeAll(async () => {
  gateway = await startGatewayProcess();
});

test.afterAll(async () => {
  await gateway?.stop();
});

interface StandInWindow {
  __desktop: { snapshot: unknown; calls: string[]; emit(event: string, payload: unknown): void };
}

async function openWithBridge(page: Page, snapshot: unknown): Promise<void> {
  await page.addInitScript((initial) => {
    const listeners = new Set<(payload: unknown, event: string) => void>();
    const desktop = {
      snapshot: initial,
      calls: [] as string[],
      emit(event: string, payload: unknown) {
        for (const fn of listeners) fn(payload, event);
      },
    };
    (globalThis as unknown as StandInWindow).__desktop = desktop;
    (globalThis as unknown as { openclaw: unknown }).openclaw = {
      async call(method: string) {
        desktop.calls.push(method);
        if (method === 'desktop.update.get') return { ok: true, value: desktop.snapshot };
        if (method === 'desktop.update.restart') {
          const s = desktop.snapshot as { update: { version: string } };
          desktop.snapshot = { update: { phase: 'installing', version: s.update.version }, runningTurns: 0 };
          return { ok: true, value: desktop.snapshot };
        }
        return { ok: false, error: { code: 'UNAVAILABLE', message: 'not part of this stand-in' } };
      },
      on(event: string, fn: (payload: unknown, event: string) => void) {
        if (event !== '*') return () => undefined;
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
    };
  }, snapshot);
  await page.goto(gateway.url);
}

const banner = (page: Page) => page.getByRole('status', { name: 'Update' });

test('a downloaded update offers "Restart to update", held back while a reply is written', async ({ page }) => {
  await openWithBridge(page, { update: { phase: 'ready', version: '1.4.0' }, runningTurns: 1 });
  await expect(banner(page)).toContainText('Update 1.4.0 ready');
  const restart = banner(page).getByRole('button', { name: 'Restart to update' });
  await expect(restart).toBeDisabled();
  await expect(banner(page)).toContainText('after the current reply');
  await shot(page, 'update-banner-waiting-for-reply');

  // The reply ends: the main process pushes the new count and the button comes alive.
  await page.evaluate(() => (globalThis as unknown as StandInWindow).__desktop.emit('desktop.update', { update: { phase: 'ready', version: '1.4.0' }, runningTurns: 0 }));
  await expect(restart).toBeEnabled();
  await expect(banner(page)).not.toContainText('after the current reply');
  await restart.click();
  await expect(banner(page)).toContainText('Restarting to install update 1.4.0');
  expect(await page.evaluate(() => (globalThis as unknown as StandInWindow).__desktop.calls)).toContain('desktop.update.restart');
});

test('no update, no banner; and a browser (no bridge) never has one', async ({ page, browser }) => {
  await openWithBridge(page, { update: { phase: 'idle' }, runningTurns: 0 });
  await expect(page.getByTestId('granted-scopes')).toBeVisible();
  await expect(banner(page)).toHaveCount(0);

  const plain = await browser.newPage();
  await plain.goto(gateway.url);
  await expect(plain.getByLabel('Gateway token')).toBeVisible();
  await expect(banner(plain)).toHaveCount(0);
  await plain.close();
});
