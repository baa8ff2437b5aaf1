#!/usr/bin/env node
// Builds the browser node page (src-node-page) into out/node-page: one script, one stylesheet, the
// HTML. The gateway serves it at /node/. Runs in `prepare` and `build`, so it must stay fast.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'out', 'node-page');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const started = Date.now();

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// src-shared only declares things (schemas, constants, pure functions): marking it side-effect free
// lets esbuild drop the modules the page does not use, so the page stays a few kilobytes.
const sharedIsPure = {
  name: 'shared-is-pure',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData?.inner) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
      if (r.errors.length) return { errors: r.errors };
      return { path: r.path, sideEffects: !r.path.includes(`${sep}src-shared${sep}`) };
    });
  },
};

await build({
  entryPoints: { 'node-page': join(root, 'src-node-page', 'main.ts') },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome111', 'safari16.4', 'firefox115'],
  minify: true,
  sourcemap: false,
  plugins: [sharedIsPure],
  define: { __OPENCLAW_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
copyFileSync(join(root, 'src-node-page', 'index.html'), join(out, 'index.html'));
copyFileSync(join(root, 'src-node-page', 'node-page.css'), join(out, 'node-page.css'));
console.log(`build-node-page: out/node-page built in ${Date.now() - started} ms`);
