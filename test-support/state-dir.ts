import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempState {
  dir: string;
  stateDir: string;
  configPath: string;
  logFile: string;
  env: NodeJS.ProcessEnv;
  writeConfig(config: unknown): void;
  cleanup(): void;
}

/**
 * A private state dir with its own config, log file and HOME, so a test never
 * touches the user's ~/.openclaw or /tmp/openclaw.
 */
export function makeTempState(config: Record<string, unknown> = {}, extraEnv: NodeJS.ProcessEnv = {}): TempState {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-test-'));
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const configPath = join(stateDir, 'openclaw.json');
  const logFile = join(dir, 'logs', 'gateway.log');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    OPENCLAW_STATE_DIR: stateDir,
    ...extraEnv,
  };
  const writeConfig = (c: unknown) => writeFileSync(configPath, JSON.stringify(c, null, 2));
  const logging = (config.logging ?? {}) as Record<string, unknown>;
  writeConfig({ ...config, logging: { file: logFile, ...logging } });
  return { dir, stateDir, configPath, logFile, env, writeConfig, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
