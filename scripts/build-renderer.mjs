#!/usr/bin/env node
// Builds only the renderer (the Control UI the gateway serves) into out/renderer, with plain vite.
// Runs in `npm ci`'s prepare step, so it must stay fast and need nothing beyond vite + plugin-react.
// The config is the renderer section of electron.vite.config.ts, so both builds stay identical.
import { fileURLToPath } from 'node:url';
import { build, loadConfigFromFile } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

const loaded = await loadConfigFromFile(
  { command: 'build', mode: 'production' },
  'electron.vite.config.ts',
  root,
  'silent',
);
const renderer = loaded?.config?.renderer;
if (!renderer) {
  console.error('build-renderer: electron.vite.config.ts has no renderer section');
  process.exit(1);
}

const started = Date.now();
await build({
  ...renderer,
  configFile: false,
  envDir: false,
  base: './',
  logLevel: process.env.OPENCLAW_BUILD_VERBOSE ? 'info' : 'warn',
});
console.log(`build-renderer: out/renderer built in ${Date.now() - started} ms`);
