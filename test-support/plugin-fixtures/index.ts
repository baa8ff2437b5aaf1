/**
 * Plugin fixtures (plain ESM folders beside this file) and helpers for the
 * plugin tests: a logger that records lines, a one-off build of the child
 * process entry, and temporary state folders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { readCandidate } from '../../src-main/plugins/manifest.js';
import type { PluginCandidate, PluginSource } from '../../src-main/plugins/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');

/** Names of the fixture folders. */
export type FixtureName =
  | 'good'
  | 'throws-at-import'
  | 'throws-in-register'
  | 'register-hangs'
  | 'future-api'
  | 'needs-config'
  | 'tool-throws'
  | 'crashes'
  | 'loops'
  | 'channel'
  | 'process-channel'
  | 'package-entry'
  | 'weather'
  | 'sockets';

/** Absolute folder of a fixture. */
export function fixtureDir(name: FixtureName): string {
  return join(here, name);
}

/** A discovery candidate for a fixture (its manifest must be valid). */
export function fixtureCandidate(name: FixtureName, source: PluginSource = 'path'): PluginCandidate & { manifest: NonNullable<PluginCandidate['manifest']>; entry: string } {
  const c = readCandidate(fixtureDir(name), source);
  if (!c.manifest || !c.entry) throw new Error(`fixture ${name} has no usable manifest: ${c.problem?.message}`);
  return c as PluginCandidate & { manifest: NonNullable<PluginCandidate['manifest']>; entry: string };
}

export { memoryLogger, type LoggedLine } from '../recording-logger.js';

/** Bundles `src-main/plugins/process-child.ts` into `<outDir>/plugin-child.mjs`, as the release build does. */
export async function buildPluginChild(outDir: string): Promise<string> {
  const outfile = join(outDir, 'plugin-child.mjs');
  await build({
    entryPoints: [join(repoRoot, 'src-main/plugins/process-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}

/** A temporary folder removed by `cleanup`. */
export function tempDir(prefix = 'openclaw-plugins-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
