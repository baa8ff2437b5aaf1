import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';

interface StartHelpers {
  findElectronBinary(): { ok: true; path: string } | { ok: false; reason: string };
  hasDisplay(): boolean;
}

const root = fileURLToPath(new URL('..', import.meta.url));
// A computed specifier keeps TypeScript from wanting declarations for the .mjs helper.
const startScript = new URL('../scripts/start.mjs', import.meta.url).href;
const { findElectronBinary, hasDisplay } = (await import(startScript)) as StartHelpers;

const binary = findElectronBinary();
const skipReason = !binary.ok
  ? `Electron binary not installed on this machine: ${binary.reason}`
  : !hasDisplay()
    ? 'No display for Electron: neither DISPLAY nor WAYLAND_DISPLAY is set'
    : !existsSync(`${root}/out/main/index.js`)
      ? 'out/main/index.js is missing: run `npx electron-vite build` first'
      : undefined;

if (skipReason) console.log(`[electron.spec] skipped: ${skipReason}`);

test('desktop window shows gateway health over IPC', async () => {
  test.skip(skipReason !== undefined, skipReason ?? '');
  if (!binary.ok) return;
  const app = await electron.launch({
    executablePath: binary.path,
    args: [root],
    env: { ...process.env, OPENCLAW_STATE_DIR: `${root}/.tmp/electron-e2e-state` },
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('connection-state')).toHaveText(/desktop/);
    await expect(window.getByTestId('health-ok')).toHaveText('OK');
    // IPC transport: no login form and no WebSocket from the renderer.
    await expect(window.getByLabel('Gateway token')).toHaveCount(0);
    const isolated = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require === 'undefined');
    expect(isolated).toBe(true);
  } finally {
    await app.close();
  }
});
