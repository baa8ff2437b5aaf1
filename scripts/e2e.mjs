#!/usr/bin/env node
// `npm run e2e`: chromium present, renderer rebuilt, then Playwright (extra args are passed through).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './ensure-system-tools.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

if (!ensureChromium()) process.exit(1);

// Always rebuilt (about a second each), so the specs never test a stale UI or node page.
for (const script of ['scripts/build-renderer.mjs', 'scripts/build-node-page.mjs']) {
  const r = spawnSync(process.execPath, [join(root, script)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const playwright = join(root, 'node_modules/@playwright/test/cli.js');
const r = spawnSync(process.execPath, [playwright, 'test', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
