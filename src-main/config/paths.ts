import os from 'node:os';
import path from 'node:path';

/** Where the config and state live for this process. */
export interface ConfigPaths {
  /** State directory (config, credentials, sessions, logs). */
  stateDir: string;
  /** The JSON5 config file. */
  configPath: string;
  /** The active profile, when one was selected. */
  profile?: string;
  /** Pre-rename location read when `configPath` does not exist. */
  legacyConfigPath: string;
}

const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return path.resolve(p);
}

/**
 * Resolves state dir and config path. Precedence:
 * - stateDir: `OPENCLAW_STATE_DIR` > profile (`opts.profile` > `OPENCLAW_PROFILE`) → `<home>/.openclaw-<name>` > `<home>/.openclaw`;
 * - configPath: `OPENCLAW_CONFIG_PATH` > `<stateDir>/openclaw.json`;
 * - home: `OPENCLAW_HOME` > `opts.homeDir` > `os.homedir()`.
 * @throws Error when the profile name is not `[a-z0-9][a-z0-9_-]{0,63}`.
 */
export function resolveConfigPaths(opts: { profile?: string; env?: NodeJS.ProcessEnv; homeDir?: string } = {}): ConfigPaths {
  const env = opts.env ?? process.env;
  const home = path.resolve(nonEmpty(env.OPENCLAW_HOME) ?? opts.homeDir ?? os.homedir());
  const profile = nonEmpty(opts.profile) ?? nonEmpty(env.OPENCLAW_PROFILE);
  if (profile !== undefined && !PROFILE_NAME.test(profile)) {
    throw new Error(`invalid profile name "${profile}": use 1-64 characters from a-z, 0-9, "_" and "-", starting with a letter or digit`);
  }
  const explicitStateDir = nonEmpty(env.OPENCLAW_STATE_DIR);
  const stateDir = explicitStateDir
    ? expandHome(explicitStateDir, home)
    : path.join(home, profile === undefined ? '.openclaw' : `.openclaw-${profile}`);
  const explicitConfig = nonEmpty(env.OPENCLAW_CONFIG_PATH);
  const configPath = explicitConfig ? expandHome(explicitConfig, home) : path.join(stateDir, 'openclaw.json');
  return {
    stateDir,
    configPath,
    ...(profile === undefined ? {} : { profile }),
    legacyConfigPath: path.join(home, '.clawdbot', 'openclaw.json'),
  };
}
