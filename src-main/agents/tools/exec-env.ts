import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ToolDeniedError } from './types.js';
import { isInside } from './workspace-path.js';

/**
 * Variables a caller may set, each with the values it may take. Every one of them carries data that a program
 * prints or records (a locale, a time zone, a terminal type, a commit identity); none names a program, a library,
 * a config source or a file. Anything else is refused, so a variable added to some program tomorrow
 * (`GIT_TRACE`, `XDG_CONFIG_HOME`, `LD_AUDIT`, …) stays out without anyone listing it.
 */
const CALLER_ENV: readonly { name: RegExp; value: RegExp; hint?: string }[] = [
  // Locale names; a `/` would make the C library load a locale from that path.
  { name: /^(LANG|LANGUAGE|LC_[A-Z]+)$/, value: /^[A-Za-z0-9_.@:-]*$/, hint: 'a locale name' },
  // IANA or POSIX zone; not a zone file path.
  { name: /^TZ$/, value: /^(?!:?[/.])(?!.*\.\.)[A-Za-z0-9_+\-/,.<>:]*$/, hint: 'a zone name such as Europe/Paris' },
  // A terminfo name, not a path.
  { name: /^TERM$/, value: /^[A-Za-z0-9._+-]*$/, hint: 'a terminal name' },
  { name: /^(NO_COLOR|FORCE_COLOR|CLICOLOR|CLICOLOR_FORCE|CI|COLUMNS|LINES)$/, value: /^[^\n\r]{0,64}$/ },
  // Commit identity and dates: recorded in the commit, never interpreted.
  { name: /^GIT_(AUTHOR|COMMITTER)_(NAME|EMAIL|DATE)$/, value: /^[^\n\r<>]{0,256}$/ },
  { name: /^SOURCE_DATE_EPOCH$/, value: /^\d{1,12}$/ },
];

/** For messages: what a caller may set. */
export const CALLER_ENV_NAMES = 'LANG, LANGUAGE, LC_*, TZ, TERM, NO_COLOR, FORCE_COLOR, CLICOLOR, CLICOLOR_FORCE, CI, COLUMNS, LINES, GIT_AUTHOR_NAME/EMAIL/DATE, GIT_COMMITTER_NAME/EMAIL/DATE, SOURCE_DATE_EPOCH';

/** Host variables copied into every child when their values pass the same checks as a caller's. */
const HOST_PASSTHROUGH = ['LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TZ', 'USER', 'LOGNAME'];
/** Windows programs fail without these; they name system folders, not anything a caller controls. */
const WINDOWS_PASSTHROUGH = ['SYSTEMROOT', 'SYSTEMDRIVE', 'WINDIR', 'COMSPEC', 'PATHEXT'];

/** Refuses caller variables outside the allow-list (`EXEC_ENV_DENIED`), naming every offender. */
export function checkCallerEnv(extra: Readonly<Record<string, string>>): void {
  const refused: string[] = [];
  for (const [name, value] of Object.entries(extra)) {
    const rule = CALLER_ENV.find((r) => r.name.test(name));
    if (!rule) refused.push(name);
    else if (!rule.value.test(value)) {
      throw new ToolDeniedError(`Environment variable ${name} has a value exec does not accept${rule.hint ? ` (expected ${rule.hint})` : ''}.`, 'EXEC_ENV_DENIED');
    }
  }
  if (refused.length > 0) throw new ToolDeniedError(`Environment variables not allowed: ${refused.join(', ')}. exec accepts only ${CALLER_ENV_NAMES}.`, 'EXEC_ENV_DENIED');
}

/**
 * A private directory for one run, outside the workspace and the state dir: the child's HOME, XDG folders and
 * TMPDIR point here, so nothing the agent wrote (a `.gitconfig`, an `.npmrc`, a `git/config` under
 * XDG_CONFIG_HOME) is read as user config, and nothing in the real home is. Removed after the run.
 */
export interface ExecSandboxDir {
  root: string;
  home: string;
  tmp: string;
  /** An empty file used as git's global config. */
  gitGlobalConfig: string;
  /** A directory that does not exist: git's hooks path. */
  noHooks: string;
  remove(): Promise<void>;
}

export async function createExecSandboxDir(base = os.tmpdir()): Promise<ExecSandboxDir> {
  const root = await mkdtemp(path.join(base, 'openclaw-exec-'));
  const sub = (name: string) => path.join(root, name);
  await Promise.all(['home', 'tmp', 'config', 'cache', 'data', 'state'].map((d) => mkdir(sub(d), { mode: 0o700 })));
  await writeFile(sub('gitconfig'), '', { mode: 0o600 });
  return {
    root,
    home: sub('home'),
    tmp: sub('tmp'),
    gitGlobalConfig: sub('gitconfig'),
    noHooks: sub('no-hooks'),
    remove: () => rm(root, { recursive: true, force: true, maxRetries: 2 }),
  };
}

/**
 * git settings forced on every child through `GIT_CONFIG_COUNT` (read after the repository's own config, so
 * they win for these single-valued keys). They cover what git would otherwise run by default or from a config
 * the agent can write; multi-name keys (aliases, diff/filter/merge drivers) are handled by refusing repository
 * config that sets them (git-repo-check.ts) and by the subcommand allow-list (git-policy.ts).
 */
export function gitSafetyConfig(sandbox: Pick<ExecSandboxDir, 'noHooks'>): [string, string][] {
  return [
    ['core.fsmonitor', 'false'],
    ['core.hooksPath', sandbox.noHooks],
    ['core.pager', 'cat'],
    ['core.editor', 'false'],
    ['sequence.editor', 'false'],
    ['core.askPass', 'false'],
    ['core.sshCommand', 'false'],
    // An empty helper clears the list: no credential helper runs.
    ['credential.helper', ''],
    ['protocol.allow', 'never'],
    // A directory the agent laid out as a bare repository is not opened by discovery.
    ['safe.bareRepository', 'explicit'],
    ['submodule.recurse', 'false'],
    ['fetch.recurseSubmodules', 'false'],
    ['push.recurseSubmodules', 'no'],
    ['help.autocorrect', '0'],
  ];
}

export interface ChildEnvOptions {
  sandbox: ExecSandboxDir;
  /** The PATH the child gets (already sanitised). */
  searchPath: string;
  /** git does not look for a repository in or above these (the workspace's parent). */
  gitCeiling?: string;
  /** Caller variables, already checked with `checkCallerEnv`. */
  extra?: Readonly<Record<string, string>>;
}

/**
 * The whole environment of a child: nothing inherited but a few harmless host values; HOME, XDG and temp folders
 * in the run's private directory; pagers and editors that run nothing the agent chose; git with no system or
 * global config, no prompts, and transports limited to http(s), git and local repositories.
 */
export function buildChildEnv(opts: ChildEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const host = (names: readonly string[]) => {
    for (const k of names) {
      const v = process.env[k];
      if (v === undefined) continue;
      const rule = CALLER_ENV.find((r) => r.name.test(k));
      if (!rule || rule.value.test(v)) env[k] = v;
    }
  };
  host(HOST_PASSTHROUGH);
  if (process.platform === 'win32') host(WINDOWS_PASSTHROUGH);
  Object.assign(env, opts.extra ?? {});
  const sb = opts.sandbox;
  const safety = gitSafetyConfig(sb);
  Object.assign(env, {
    PATH: opts.searchPath,
    HOME: sb.home,
    ...(process.platform === 'win32' ? { USERPROFILE: sb.home } : {}),
    XDG_CONFIG_HOME: path.join(sb.root, 'config'),
    XDG_CACHE_HOME: path.join(sb.root, 'cache'),
    XDG_DATA_HOME: path.join(sb.root, 'data'),
    XDG_STATE_HOME: path.join(sb.root, 'state'),
    TMPDIR: sb.tmp,
    TMP: sb.tmp,
    TEMP: sb.tmp,
    PAGER: 'cat',
    MANPAGER: 'cat',
    GIT_PAGER: 'cat',
    LESSSECURE: '1',
    EDITOR: 'false',
    VISUAL: 'false',
    GIT_EDITOR: 'false',
    GIT_SEQUENCE_EDITOR: 'false',
    GIT_MERGE_AUTOEDIT: 'no',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'false',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: sb.gitGlobalConfig,
    GIT_ATTR_NOSYSTEM: '1',
    // No ssh (it would use the real user's keys and ssh config), no ext:: or other remote helpers.
    GIT_ALLOW_PROTOCOL: 'https:http:git:file',
    GIT_CONFIG_COUNT: String(safety.length),
    ...(opts.gitCeiling ? { GIT_CEILING_DIRECTORIES: opts.gitCeiling } : {}),
  });
  safety.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/**
 * The host PATH without entries a program could be planted in: relative ones (they depend on the cwd) and any
 * inside the given folders (the workspace, the state dir).
 */
export function sanitizeSearchPath(hostPath: string, exclude: readonly string[]): string {
  return hostPath
    .split(path.delimiter)
    .filter((dir) => dir !== '' && path.isAbsolute(dir))
    .filter((dir) => !exclude.some((root) => isInside(root, path.resolve(dir))))
    .join(path.delimiter);
}
