import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { checkRepoConfigEntry, localRemotePath, splitConfigKey } from './git-policy.js';
import { ToolDeniedError } from './types.js';
import { isInside, toWorkspaceRelative } from './workspace-path.js';

/** Nested repositories (submodules) followed below the one git opens, and how many in all. */
const MAX_DEPTH = 4;
const MAX_REPOSITORIES = 64;
/** Entries of a git dir looked at for links (loose objects excluded); a bigger one is refused. */
const MAX_GITDIR_ENTRIES = 50_000;

export interface GitRepoCheckOptions {
  /** Absolute path of the git binary that will run. */
  git: string;
  /** The child's environment (no system or global config, safety overrides). */
  env: NodeJS.ProcessEnv;
  /** Real path where git will run. */
  cwd: string;
  /** Real path of the workspace. */
  workspace: string;
  /** A directory outside any repository, where git reads config files. */
  scratch: string;
}

/**
 * Before git runs: every repository it could open must keep to the workspace and configure nothing that runs a
 * program. That covers each `.git` (directory or `gitdir:` file) from `cwd` up to the workspace root, any
 * directory there laid out as a bare repository, and every populated submodule of the repository found
 * (git status, describe --dirty and others run git inside them with their own config). For each: the git dir,
 * its common dir, objects, refs and alternates are inside the workspace; every key of its config files is on
 * the allow-list (`checkRepoConfigEntry`); `core.worktree` names the work tree it already has; local remotes are
 * inside the workspace.
 *
 * Hooks are not read here: `core.hooksPath` is forced to a missing folder. The check and the run are not atomic;
 * a config written between them by another session sharing the workspace is still covered by the forced
 * single-valued settings, not by this check.
 */
export async function checkGitRepositories(opts: GitRepoCheckOptions): Promise<void> {
  const seen = new Set<string>();
  for (let dir = opts.cwd; ; dir = path.dirname(dir)) {
    const gitdir = await gitDirAt(dir, opts);
    if (gitdir) await checkGitDir(gitdir, dir, opts, seen);
    else if (await looksLikeGitDir(dir)) await checkGitDir(dir, undefined, opts, seen);
    if (dir === opts.workspace || !isInside(opts.workspace, path.dirname(dir))) break;
  }
  if (seen.size === 0) return;
  // The work tree git itself settles on (the config it read has been checked above).
  const top = await runGit(opts, ['rev-parse', '--show-toplevel'], opts.cwd);
  const topDir = top.ok ? await realpath(top.stdout.trim()).catch(() => undefined) : undefined;
  if (topDir) await checkSubmodules(inside(opts, topDir, topDir), opts, seen, 1);
}

/** The real git dir of `<dir>/.git` (a directory or a `gitdir:` file), which must be in the workspace. */
async function gitDirAt(dir: string, opts: GitRepoCheckOptions): Promise<string | undefined> {
  const dotgit = path.join(dir, '.git');
  const st = await stat(dotgit).catch(() => undefined);
  if (!st) {
    if (await lstat(dotgit).catch(() => undefined)) throw refuse(opts, dotgit, 'a link to nothing');
    return undefined;
  }
  if (st.isDirectory()) return inside(opts, dotgit, await realpath(dotgit));
  const text = (await readFile(dotgit, 'utf8')).slice(0, 4096);
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!m) throw refuse(opts, dotgit, 'not a gitdir file');
  return inside(opts, dotgit, await realpathOrSelf(path.resolve(dir, m[1])));
}

async function looksLikeGitDir(dir: string): Promise<boolean> {
  const [head, objects, refs] = await Promise.all(['HEAD', 'objects', 'refs'].map((n) => lstat(path.join(dir, n)).catch(() => undefined)));
  return Boolean(head && objects && refs);
}

async function checkGitDir(gitdir: string, worktree: string | undefined, opts: GitRepoCheckOptions, seen: Set<string>): Promise<void> {
  if (seen.has(gitdir)) return;
  seen.add(gitdir);
  if (seen.size > MAX_REPOSITORIES) throw new ToolDeniedError(`Refused: more than ${MAX_REPOSITORIES} nested repositories.`, 'EXEC_GIT_REPO_DENIED');
  const commonFile = await readFile(path.join(gitdir, 'commondir'), 'utf8').catch(() => undefined);
  const common = commonFile === undefined ? gitdir : inside(opts, path.join(gitdir, 'commondir'), await realpathOrSelf(path.resolve(gitdir, commonFile.trim())));
  // Everything git reads from these folders must really be in the workspace: a link in `.git/info` to
  // /etc/shadow would be read as an exclude file, and `git check-ignore -v` prints the line that matched.
  await checkLinks(gitdir, opts);
  if (common !== gitdir) await checkLinks(common, opts);
  await checkAlternates(path.join(common, 'objects'), opts);
  const files = [...new Set([path.join(common, 'config'), path.join(gitdir, 'config'), path.join(gitdir, 'config.worktree')])];
  for (const file of files) {
    const real = await realpath(file).catch(() => undefined);
    if (!real) continue;
    inside(opts, file, real);
    for (const [key, value] of await readConfigEntries(real, opts)) {
      const parts = splitConfigKey(key);
      if (parts?.section === 'core' && parts.sub === undefined && parts.name === 'worktree') {
        const target = value === undefined ? undefined : await realpathOrSelf(path.resolve(gitdir, value));
        if (!worktree || target !== worktree) throw refuse(opts, file, `core.worktree is ${value ?? '(nothing)'}, not the folder the repository belongs to`);
        continue;
      }
      const reason = checkRepoConfigEntry(key, value);
      if (reason) throw refuse(opts, file, reason);
      const remote = parts?.section === 'remote' && (parts.name === 'url' || parts.name === 'pushurl') && value !== undefined ? localRemotePath(value) : undefined;
      if (remote !== undefined && !isInside(opts.workspace, await realpathOrSelf(path.resolve(remote)))) throw refuse(opts, file, `${key} names a repository outside the workspace`);
    }
  }
}

/** Every symbolic link under a git dir (loose object folders skipped) must resolve inside the workspace. */
async function checkLinks(root: string, opts: GitRepoCheckOptions): Promise<void> {
  let count = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (++count > MAX_GITDIR_ENTRIES) throw new ToolDeniedError(`Refused: ${toWorkspaceRelative(opts.workspace, root)} has more than ${MAX_GITDIR_ENTRIES} entries to check.`, 'EXEC_GIT_REPO_DENIED');
      const p = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const real = await realpath(p).catch(() => undefined);
        if (!real) throw refuse(opts, p, 'a link to nothing');
        inside(opts, p, real);
      } else if (entry.isDirectory() && !(path.basename(dir) === 'objects' && /^[0-9a-f]{2}$/.test(entry.name))) {
        await walk(p);
      }
    }
  };
  await walk(root);
}

/** `objects/info/alternates` lists other object stores git reads from: each must be in the workspace. */
async function checkAlternates(objects: string, opts: GitRepoCheckOptions): Promise<void> {
  const file = path.join(objects, 'info', 'alternates');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  for (const line of text.split('\n')) {
    const entry = line.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    if (entry.startsWith('"')) throw refuse(opts, file, 'a quoted path, which exec does not read');
    inside(opts, file, await realpathOrSelf(path.resolve(objects, entry)));
  }
}

/** Populated submodules (gitlinks in the index with a `.git` in their folder), checked like the top repository. */
async function checkSubmodules(worktree: string, opts: GitRepoCheckOptions, seen: Set<string>, depth: number): Promise<void> {
  const listed = await runGit(opts, ['ls-files', '--stage', '-z'], worktree);
  if (!listed.ok) {
    // An index git cannot read would hide what it contains.
    throw new ToolDeniedError(`Refused: git cannot list the index of ${toWorkspaceRelative(opts.workspace, worktree)}: ${listed.stderr.trim().split('\n')[0]}`, 'EXEC_GIT_REPO_DENIED');
  }
  for (const entry of listed.stdout.split('\0')) {
    const m = /^160000 [0-9a-f]+ \d\t(.+)$/s.exec(entry);
    if (!m) continue;
    const subdir = path.join(worktree, m[1]);
    const real = await realpath(subdir).catch(() => undefined);
    if (!real) continue;
    inside(opts, subdir, real);
    const gitdir = await gitDirAt(real, opts);
    if (!gitdir) continue;
    if (depth >= MAX_DEPTH) throw new ToolDeniedError(`Refused: submodules nested deeper than ${MAX_DEPTH} levels.`, 'EXEC_GIT_REPO_DENIED');
    await checkGitDir(gitdir, real, opts, seen);
    await checkSubmodules(real, opts, seen, depth + 1);
  }
}

/** `git config --file … --list`: git's own parser, with includes not followed (the default for `--file`). */
async function readConfigEntries(file: string, opts: GitRepoCheckOptions): Promise<[string, string | undefined][]> {
  const r = await runGit(opts, ['config', '--file', file, '--no-includes', '--list', '-z'], opts.scratch);
  if (!r.ok) throw refuse(opts, file, `git cannot read it (${r.stderr.trim().split('\n')[0] ?? ''})`);
  return r.stdout
    .split('\0')
    .filter(Boolean)
    .map((item) => {
      const nl = item.indexOf('\n');
      return nl < 0 ? [item, undefined] : [item.slice(0, nl), item.slice(nl + 1)];
    });
}

function runGit(opts: GitRepoCheckOptions, args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(opts.git, args, { cwd, env: opts.env, shell: false, windowsHide: true, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

/** `real` when it is in the workspace; otherwise a refusal naming `shown`. */
function inside(opts: GitRepoCheckOptions, shown: string, real: string): string {
  if (!isInside(opts.workspace, real)) throw refuse(opts, shown, `it leads outside the workspace (${real})`);
  return real;
}

async function realpathOrSelf(p: string): Promise<string> {
  return realpath(p).catch(() => p);
}

function refuse(opts: GitRepoCheckOptions, file: string, why: string): ToolDeniedError {
  const shown = isInside(opts.workspace, file) ? toWorkspaceRelative(opts.workspace, file) : file;
  return new ToolDeniedError(`Refused: ${shown}: ${why}. git reads it from this folder; fix or remove it (for example with the edit tool) to use git here.`, 'EXEC_GIT_REPO_DENIED');
}
