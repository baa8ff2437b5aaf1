// Bundles the CLI and headless gateway into one ESM file so `openclaw` starts fast
// (one file to load, no TypeScript at run time), and beside it the gateway host entry the desktop app
// forks (gateway-host.js). Runs in `prepare`, so `npm ci` leaves it ready.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Chunk names change with their content: start from an empty folder.
rmSync(join(root, 'out/node'), { recursive: true, force: true });

const nodeBundle = {
  outdir: join(root, 'out/node'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Split so heavy, rarely needed modules (model SDKs) load on first use, not at start-up.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  target: 'node20',
  sourcemap: 'linked',
  // Native addons and optional native helpers stay outside the bundle. Chat channels are plugins in
  // extensions/, built below: the gateway loads one when its channel first starts.
  external: [
    'better-sqlite3',
    'fsevents',
    'bufferutil',
    'utf-8-validate',
    'electron',
    'playwright-core',
  ],
  define: { __OPENCLAW_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    // CommonJS dependencies inside an ESM bundle still call require() for builtins.
    js: "import { createRequire as __ocCreateRequire } from 'node:module'; const require = __ocCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
};
// One build per entry, not one shared split: the gateway finds the app's files (extensions/, the
// renderer) relative to the module it is bundled in, so that module must sit in out/node itself, not in
// a chunk shared by two entries. Chunk files that come out the same in both builds are the same file.
await build({ ...nodeBundle, entryPoints: { cli: join(root, 'src-main/cli/entry.ts') } });
await build({ ...nodeBundle, entryPoints: { 'gateway-host': join(root, 'src-main/gateway/host-entry.ts') } });

// The out-of-process plugin host's child: one self-contained file in its own folder, because a plugin
// child may read that whole folder (and nothing else of the app) under Node's permission model.
rmSync(join(root, 'out/plugin-child'), { recursive: true, force: true });
await build({
  entryPoints: { 'plugin-child': join(root, 'src-main/plugins/process-child.ts') },
  outdir: join(root, 'out/plugin-child'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});

// The bundled plugins: each extension's entry becomes `extensions/<id>/dist/index.js`, the file its
// manifest names. The plugin API it imports from src-shared is bundled in; its own dependencies (the
// platform SDKs, from its package.json) stay as their authors ship them and load from node_modules.
const extensionsDir = join(root, 'extensions');
for (const id of readdirSync(extensionsDir).sort()) {
  const entry = join(extensionsDir, id, 'src', 'index.ts');
  if (!existsSync(entry)) continue;
  rmSync(join(extensionsDir, id, 'dist'), { recursive: true, force: true });
  await build({
    entryPoints: { index: entry },
    outdir: join(extensionsDir, id, 'dist'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
