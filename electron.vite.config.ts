import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
// Type-only import: scripts/build-renderer.mjs loads this file with plain vite, without electron-vite.
import type { UserConfig } from 'electron-vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };

/**
 * Electron main (ESM) → out/main, sandboxed preload (CJS, as sandboxed preloads require) → out/preload,
 * renderer → out/renderer. The renderer section is also what the gateway serves as the Control UI.
 */
export default {
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: {
        // The gateway runs in its own process: main.ts forks out/main/gateway-host.js with utilityProcess.
        input: { index: resolve(root, 'src-main/app/main.ts'), 'gateway-host': resolve(root, 'src-main/gateway/host-entry.ts') },
        external: ['better-sqlite3'],
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      rolldownOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    base: './',
    plugins: [react()],
    define: { __OPENCLAW_VERSION__: JSON.stringify(pkg.version) },
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // electron-vite leaves the renderer unminified; the same files are served over HTTP as the Control UI.
      minify: true,
      reportCompressedSize: false,
      rolldownOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
} satisfies UserConfig;
