// Bundles the TypeScript pieces benchmarks reuse (fake model server, store) into out/bench, so
// the benchmarks run under plain Node with the same code the tests use.
import { build } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

export async function buildBenchFixtures() {
  await build({
    entryPoints: {
      'fake-openai': join(ROOT, 'test-support/fake-openai.ts'),
      store: join(ROOT, 'src-main/store/sqlite-store.ts'),
      'fake-telegram': join(ROOT, 'test-support/fake-telegram/fake-telegram.ts'),
      'device-keys': join(ROOT, 'src-main/nodes/device-keys.ts'),
    },
    outdir: join(ROOT, 'out/bench'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'telegram-test-api', 'grammy'],
    outExtension: { '.js': '.mjs' },
    banner: { js: "import { createRequire as __ocCreateRequire } from 'node:module'; const require = __ocCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return {
    fake: await import(join(ROOT, 'out/bench/fake-openai.mjs')),
    store: await import(join(ROOT, 'out/bench/store.mjs')),
    telegram: await import(join(ROOT, 'out/bench/fake-telegram.mjs')),
    deviceKeys: await import(join(ROOT, 'out/bench/device-keys.mjs')),
  };
}
