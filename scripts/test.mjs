#!/usr/bin/env node
// `npm test`: build the CLI bundle the integration tests spawn, typecheck, make sure the Debian programs the tests
// start are installed (Chromium, an IRC server, speech tools), lint, run vitest, then the browser e2e.
// Each step's own output is shown; the first failing step's exit code is the result.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const steps = [
  ['build', [join(root, 'scripts/build-node.mjs')]],
  ['typecheck', [join(root, 'node_modules/typescript/bin/tsc'), '-b']],
  ['system tools', [join(root, 'scripts/ensure-system-tools.mjs')]],
  ['lint', [join(root, 'node_modules/eslint/bin/eslint.js'), '.']],
  ['unit and integration', [join(root, 'node_modules/vitest/vitest.mjs'), 'run']],
  ['browser e2e', [join(root, 'scripts/e2e.mjs')]],
];
for (const [name, args] of steps) {
  process.stdout.write(`\n== ${name} ==\n`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`\n${name} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
}
