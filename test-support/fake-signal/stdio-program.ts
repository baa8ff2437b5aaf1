/**
 * A `signal-cli` program for tests: an executable file in a temporary folder
 * that runs fake-signal-cli-stdio.mjs (JSON-RPC over stdio) against a
 * FakeSignalCli, so the Signal plugin can be given it as `cliPath`.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RELAY = join(fileURLToPath(import.meta.url), '..', 'fake-signal-cli-stdio.mjs');

export interface FakeSignalProgram {
  /** The executable, for `channels.signal.cliPath`. */
  path: string;
  remove(): void;
}

/** `env` is set for the program (e.g. `FAKE_SIGNAL_FAIL`). */
export function writeFakeSignalProgram(fakeUrl: string, env: Record<string, string> = {}): FakeSignalProgram {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-fake-signal-cli-'));
  const path = join(dir, 'signal-cli');
  const vars = { FAKE_SIGNAL_URL: fakeUrl, ...env };
  writeFileSync(
    path,
    [`#!${process.execPath}`, ...Object.entries(vars).map(([k, v]) => `process.env[${JSON.stringify(k)}] = ${JSON.stringify(v)};`), `import(${JSON.stringify(pathToFileURL(RELAY).href)});`, ''].join('\n'),
  );
  chmodSync(path, 0o755);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
