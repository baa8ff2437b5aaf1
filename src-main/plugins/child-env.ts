/**
 * The environment and Node flags of a plugin's child process. The child gets
 * an allow-listed environment (never the gateway token or any `OPENCLAW_*`
 * variable), its data folder as HOME and working directory, and, where the
 * Node permission model is available, read access to its own folders only and
 * write access to its data folder only.
 *
 * Network hosts in `permissions.network` are not enforced by Node's permission
 * model (it has no network switch in the versions we run on); they are shown
 * at install and by `plugins doctor`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PluginPermissions } from '../../src-shared/plugin/manifest-schema.js';

const BASE_ENV = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'NODE_ENV'];
// Windows cannot resolve hosts or load system libraries without these.
const WINDOWS_ENV = ['SystemRoot', 'SYSTEMROOT', 'windir', 'PATHEXT', 'ComSpec'];
const PROXY_ENV = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];

/** The child's environment. Returns the names it refused from `permissions.env`. */
export function buildChildEnv(opts: {
  parentEnv: NodeJS.ProcessEnv;
  permissions?: PluginPermissions;
  dataDir: string;
  platform?: NodeJS.Platform;
  /** Added last (e.g. `ELECTRON_RUN_AS_NODE=1` when the gateway runs inside Electron). */
  extra?: Record<string, string>;
}): { env: Record<string, string>; refused: string[] } {
  const platform = opts.platform ?? process.platform;
  const names = [...BASE_ENV, ...(platform === 'win32' ? WINDOWS_ENV : [])];
  if ((opts.permissions?.network?.length ?? 0) > 0) names.push(...PROXY_ENV);
  const refused: string[] = [];
  for (const name of opts.permissions?.env ?? []) {
    // The gateway's own settings and secrets are never handed to a plugin, whatever it asks for.
    if (/^OPENCLAW_/i.test(name) || name === 'NODE_OPTIONS') refused.push(name);
    else names.push(name);
  }
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = opts.parentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  const tmp = path.join(opts.dataDir, 'tmp');
  Object.assign(env, { HOME: opts.dataDir, TMPDIR: tmp, TMP: tmp, TEMP: tmp }, platform === 'win32' ? { USERPROFILE: opts.dataDir } : {}, opts.extra ?? {});
  return { env, refused };
}

/**
 * Node permission-model flags: read its plugin folder, the child entry's
 * folder, its data folder and declared paths; write its data folder and
 * declared paths; spawn programs only when it declares `processes`.
 */
export function permissionFlags(opts: {
  nodeMajor: number;
  childEntry: string;
  rootDir: string;
  dataDir: string;
  permissions?: PluginPermissions;
  homeDir?: string;
}): string[] {
  const home = opts.homeDir ?? os.homedir();
  const declared = (list: readonly string[] | undefined) => (list ?? []).map((p) => real(expandHome(p, home)));
  const write = [real(opts.dataDir), ...declared(opts.permissions?.filesystem?.write)];
  const read = [real(path.dirname(opts.childEntry)), real(opts.rootDir), ...write, ...declared(opts.permissions?.filesystem?.read)];
  // Node 20 takes one flag per path (a comma no longer separates paths); 22 renamed the switch.
  const flags = [opts.nodeMajor >= 22 ? '--permission' : '--experimental-permission', '--disable-warning=ExperimentalWarning'];
  for (const p of unique(read)) flags.push(`--allow-fs-read=${p}`);
  for (const p of unique(write)) flags.push(`--allow-fs-write=${p}`);
  if ((opts.permissions?.processes?.length ?? 0) > 0) flags.push('--allow-child-process');
  return flags;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return path.resolve(p);
}

// The permission model compares real paths (macOS keeps temp folders behind /var → /private/var).
function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
