/**
 * `exec` with `git` allowed, against the real git binary in a temp workspace: every way a repository or an
 * argument can make git run a program or read outside the workspace is refused or neutralised (no marker file
 * appears outside the workspace), and everyday git use still works.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeToolFixture, type ToolSandboxFixture } from '../../../test-support/tool-context.js';
import { buildChildEnv, createExecSandboxDir } from './exec-env.js';
import { execTool, runProcess } from './exec.js';
import { runTool } from './registry.js';
import type { AgentTool, ToolContext, ToolResult } from './types.js';

const ID = { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };
const GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

let fx: ToolSandboxFixture;
let ctx: ToolContext;
let markers: string;
let n = 0;

beforeAll(() => {
  fx = makeToolFixture();
  markers = path.join(fx.outside, 'markers');
  mkdirSync(markers);
  ctx = fx.ctx({ execAllow: ['git', 'ls', 'cat'], stateDir: path.join(fx.root, 'state') });
});
afterAll(() => fx.cleanup());

const exec = (argv: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<ToolResult> => runTool(execTool as AgentTool, { argv, ...opts }, ctx);
const stdout = (r: ToolResult) => (r.details as { stdout?: string }).stdout ?? '';
const code = (r: ToolResult) => (r.details as { code?: string }).code;
const mark = (name: string) => path.join(markers, name);
const ws = (...p: string[]) => path.join(fx.workspace, ...p);

/** A committed repository in a new workspace folder, made through exec itself. */
async function repo(): Promise<string> {
  const name = `r${++n}`;
  mkdirSync(ws(name));
  writeFileSync(ws(name, 'a.txt'), 'one\n');
  for (const argv of [['git', 'init', '-q'], ['git', 'add', 'a.txt'], ['git', 'commit', '-q', '-m', 'init']]) {
    const r = await exec(argv, { cwd: name, env: ID });
    expect(r.content).toMatch(/^exit code: 0/);
  }
  return name;
}

const appendConfig = (name: string, text: string) => writeFileSync(ws(name, '.git', 'config'), text, { flag: 'a' });

// [vector, repository config, extra files, argv]
const CONFIG_VECTORS: [string, string, Record<string, string>, string[]][] = [
  ['core.fsmonitor', '[core]\n\tfsmonitor = touch MARK; echo\n', {}, ['git', 'status']],
  ['core.hooksPath', '[core]\n\thooksPath = hooks\n', { 'hooks/pre-commit': '#!/bin/sh\ntouch MARK\n' }, ['git', 'commit', '--allow-empty', '-m', 'x']],
  ['core.pager', '[core]\n\tpager = touch MARK; cat\n', {}, ['git', '-p', 'log']],
  ['pager.log', '[pager]\n\tlog = touch MARK; cat\n', {}, ['git', 'log']],
  ['core.editor', '[core]\n\teditor = touch MARK; true\n', {}, ['git', 'commit', '--allow-empty']],
  ['sequence.editor', '[sequence]\n\teditor = touch MARK; true\n', {}, ['git', 'rebase', '-i', 'HEAD']],
  ['diff textconv via .gitattributes', '[diff "evil"]\n\ttextconv = touch MARK; cat\n', { '.gitattributes': '* diff=evil\n' }, ['git', 'log', '-p']],
  ['diff command via .gitattributes', '[diff "evil"]\n\tcommand = touch MARK\n', { '.gitattributes': '* diff=evil\n', 'a.txt': 'two\n' }, ['git', 'diff']],
  ['diff.external', '[diff]\n\texternal = touch MARK\n', { 'a.txt': 'two\n' }, ['git', 'diff']],
  ['clean filter via .gitattributes', '[filter "evil"]\n\tclean = touch MARK; cat\n', { '.gitattributes': '* filter=evil\n', 'a.txt': 'two\n' }, ['git', 'add', 'a.txt']],
  ['smudge filter', '[filter "evil"]\n\tsmudge = touch MARK; cat\n', { '.gitattributes': '* filter=evil\n', 'a.txt': 'two\n' }, ['git', 'checkout', '--', 'a.txt']],
  ['merge driver', '[merge "evil"]\n\tdriver = touch MARK\n', { '.gitattributes': '* merge=evil\n' }, ['git', 'merge', 'HEAD']],
  ['alias with !', '[alias]\n\tlg = !touch MARK\n', {}, ['git', 'status']],
  ['include.path', '[include]\n\tpath = ../evil.cfg\n', { '../evil.cfg': '[core]\n\tfsmonitor = touch MARK; echo\n' }, ['git', 'status']],
  ['includeIf', '[includeIf "gitdir:/"]\n\tpath = ../evil.cfg\n', { '../evil.cfg': '[core]\n\tfsmonitor = touch MARK; echo\n' }, ['git', 'status']],
  ['credential.helper', '[credential]\n\thelper = !touch MARK\n', {}, ['git', 'status']],
  ['gpg.program with commit.gpgSign', '[gpg]\n\tprogram = touch MARK\n[commit]\n\tgpgSign = true\n', {}, ['git', 'commit', '--allow-empty', '-m', 'x']],
  ['core.sshCommand', '[core]\n\tsshCommand = touch MARK\n[remote "o"]\n\turl = ssh://example.invalid/r\n', {}, ['git', 'fetch', 'o']],
  ['remote uploadpack', '[remote "o"]\n\turl = /nonexistent\n\tuploadpack = touch MARK\n', {}, ['git', 'fetch', 'o']],
  ['url insteadOf to ext::', '[url "ext::sh -c touch% MARK% #"]\n\tinsteadOf = https://\n', {}, ['git', 'ls-remote', 'https://example.invalid/r']],
  ['uploadpack.packObjectsHook', '[uploadpack]\n\tpackObjectsHook = touch MARK\n', {}, ['git', 'status']],
  ['core.worktree outside', '[core]\n\tworktree = OUTSIDE\n', {}, ['git', 'status']],
  ['core.excludesFile outside', '[core]\n\texcludesFile = /etc/passwd\n', {}, ['git', 'check-ignore', '-v', '--no-index', 'root']],
  ['remote outside the workspace', '[remote "o"]\n\turl = OUTSIDE/other\n', {}, ['git', 'fetch', 'o']],
];

describe('git with a hostile repository: refused before git runs', () => {
  it.each(CONFIG_VECTORS)('%s', async (vector, config, files, argv) => {
    const name = await repo();
    const marker = mark(vector.replace(/\W+/g, '-'));
    const fill = (s: string) => s.replaceAll('MARK', marker).replaceAll('OUTSIDE', fx.outside);
    appendConfig(name, fill(config));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(ws(name, file)), { recursive: true });
      writeFileSync(ws(name, file), fill(text), { mode: 0o755 });
    }
    const r = await exec(argv, { cwd: name, env: ID });
    expect(r.isError).toBe(true);
    expect(code(r)).toBe('EXEC_GIT_REPO_DENIED');
    expect(r.content).toMatch(/\.git\/config: config key|core\.worktree|outside the workspace/);
    expect(existsSync(marker)).toBe(false);
  });

  it('a .git file (gitdir:) pointing at a repository outside the workspace', async () => {
    execFileSync(GIT, ['init', '-q', path.join(fx.outside, 'foreign')]);
    mkdirSync(ws('linked'));
    writeFileSync(ws('linked', '.git'), `gitdir: ${path.join(fx.outside, 'foreign', '.git')}\n`);
    const r = await exec(['git', 'log'], { cwd: 'linked' });
    expect(code(r)).toBe('EXEC_GIT_REPO_DENIED');
    expect(r.content).toMatch(/leads outside the workspace/);
  });

  it('a .git symlink to a repository outside the workspace', async () => {
    mkdirSync(ws('symlinked'));
    symlinkSync(path.join(fx.outside, 'foreign', '.git'), ws('symlinked', '.git'));
    expect(code(await exec(['git', 'status'], { cwd: 'symlinked' }))).toBe('EXEC_GIT_REPO_DENIED');
  });

  it('objects/info/alternates naming an object store outside the workspace', async () => {
    const name = await repo();
    writeFileSync(ws(name, '.git', 'objects', 'info', 'alternates'), `${path.join(fx.outside, 'foreign', '.git', 'objects')}\n`);
    expect(code(await exec(['git', 'log'], { cwd: name }))).toBe('EXEC_GIT_REPO_DENIED');
  });

  it('a link inside .git to a file outside (an exclude file git would echo from)', async () => {
    const name = await repo();
    rmSync(ws(name, '.git', 'info', 'exclude'), { force: true });
    symlinkSync('/etc/passwd', ws(name, '.git', 'info', 'exclude'));
    const r = await exec(['git', 'check-ignore', '-v', '--no-index', 'root'], { cwd: name });
    expect(code(r)).toBe('EXEC_GIT_REPO_DENIED');
    expect(r.content).toMatch(/\.git\/info\/exclude: it leads outside the workspace/);
  });

  it('a populated submodule with its own hostile config (git status would run its filter)', async () => {
    const name = await repo();
    mkdirSync(ws(name, 'sub'));
    writeFileSync(ws(name, 'sub', 'f.txt'), 'x\n');
    for (const argv of [['git', 'init', '-q'], ['git', 'add', 'f.txt'], ['git', 'commit', '-q', '-m', 's']]) await exec(argv, { cwd: `${name}/sub`, env: ID });
    expect((await exec(['git', 'add', 'sub'], { cwd: name })).content).toMatch(/^exit code: 0/);
    const marker = mark('submodule-filter');
    appendConfig(`${name}/sub`, `[filter "evil"]\n\tclean = touch ${marker}; cat\n`);
    writeFileSync(ws(name, 'sub', '.gitattributes'), '* filter=evil\n');
    for (const argv of [['git', 'status'], ['git', 'describe', '--dirty', '--always'], ['git', 'diff', '--ignore-submodules=none']]) {
      const r = await exec(argv, { cwd: name });
      expect(code(r)).toBe('EXEC_GIT_REPO_DENIED');
      expect(r.content).toContain('sub/.git/config');
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('a folder laid out as a bare repository', async () => {
    const marker = mark('bare');
    mkdirSync(ws('bare', 'objects'), { recursive: true });
    mkdirSync(ws('bare', 'refs'));
    writeFileSync(ws('bare', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(ws('bare', 'config'), `[core]\n\trepositoryformatversion = 0\n\tbare = true\n\tfsmonitor = touch ${marker}\n`);
    expect(code(await exec(['git', 'log'], { cwd: 'bare' }))).toBe('EXEC_GIT_REPO_DENIED');
    expect(existsSync(marker)).toBe(false);
  });

  it('no marker from any vector', () => expect(readdirSync(markers)).toEqual([]));
});

describe('git neutralised by the environment alone (defence in depth)', () => {
  it('forced settings win over the repository config; no system, global or host git variables reach git', async () => {
    const name = await repo();
    const marker = mark('env-only');
    appendConfig(name, `[core]\n\tpager = touch ${marker}\n\teditor = touch ${marker}\n\tfsmonitor = touch ${marker}; echo\n\thooksPath = hooks\n[sequence]\n\teditor = touch ${marker}\n`);
    const sandbox = await createExecSandboxDir();
    process.env.GIT_CONFIG_PARAMETERS = `'core.fsmonitor=touch ${marker}'`;
    process.env.GIT_DIR = fx.outside;
    try {
      const env = buildChildEnv({ sandbox, searchPath: process.env.PATH ?? '', gitCeiling: fx.root });
      const git = async (...args: string[]) => (await runProcess(GIT, args, { cwd: ws(name), env, timeoutMs: 10_000 })).stdout.trim();
      expect(await git('var', 'GIT_PAGER')).toBe('cat');
      expect(await git('var', 'GIT_EDITOR')).toBe('false');
      expect(await git('config', 'sequence.editor')).toBe('false');
      expect(await git('config', 'core.fsmonitor')).toBe('false');
      expect(await git('config', 'core.hooksPath')).toBe(sandbox.noHooks);
      expect(await git('config', '--show-scope', '--get-regexp', '.')).not.toMatch(/^(global|system)/m);
      await git('status');
      const commit = await runProcess(GIT, ['commit', '--allow-empty'], { cwd: ws(name), env: { ...env, ...ID }, timeoutMs: 10_000 });
      expect(commit.exitCode).not.toBe(0);
      expect(commit.stderr).toMatch(/editor/);
      expect(existsSync(marker)).toBe(false);
    } finally {
      delete process.env.GIT_CONFIG_PARAMETERS;
      delete process.env.GIT_DIR;
      await sandbox.remove();
    }
  });

  it('an executable hook in .git/hooks does not run', async () => {
    const name = await repo();
    const marker = mark('hook');
    writeFileSync(ws(name, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(ws(name, '.git', 'hooks', 'pre-commit'), 0o755);
    const r = await exec(['git', 'commit', '-q', '--allow-empty', '-m', 'second'], { cwd: name, env: ID });
    expect(r.content).toMatch(/^exit code: 0/);
    expect(existsSync(marker)).toBe(false);
  });

  it('git commit without -m and git -p log run nothing the agent chose', async () => {
    const name = await repo();
    const noMessage = await exec(['git', 'commit', '--allow-empty'], { cwd: name, env: ID });
    expect(noMessage.isError).toBe(true);
    expect(noMessage.content).toMatch(/editor/);
    const paged = await exec(['git', '-p', 'log', '--oneline'], { cwd: name });
    expect(stdout(paged)).toMatch(/init/);
  });
});

describe('everyday git still works', () => {
  it('init, add, commit, log, diff, show, branch, switch, stash, tag, grep, blame, config, clone', async () => {
    const name = await repo();
    const ok = async (argv: string[], cwd = name) => {
      const r = await exec(argv, { cwd, env: ID });
      expect(r.content, argv.join(' ')).toMatch(/^exit code: 0/);
      return stdout(r);
    };
    writeFileSync(ws(name, 'a.txt'), 'one\ntwo\n');
    expect(await ok(['git', 'status', '--short'])).toBe(' M a.txt\n');
    await ok(['git', 'add', '-A']);
    await ok(['git', 'commit', '-q', '-m', 'second']);
    expect(await ok(['git', 'log', '--oneline'])).toMatch(/second[\s\S]*init/);
    expect(await ok(['git', 'diff', 'HEAD~1'])).toContain('+two');
    expect(await ok(['git', 'show', '--stat', 'HEAD'])).toContain('a.txt');
    await ok(['git', 'branch', 'feature']);
    await ok(['git', 'switch', '-q', 'feature']);
    await ok(['git', 'checkout', '-q', '-b', 'other']);
    writeFileSync(ws(name, 'a.txt'), 'changed\n');
    await ok(['git', 'stash', '-q']);
    await ok(['git', 'stash', 'pop', '-q']);
    await ok(['git', 'tag', 'v1']);
    expect(await ok(['git', 'grep', '-n', 'two', 'HEAD'])).toContain('a.txt:2:two');
    expect(await ok(['git', 'blame', 'HEAD', '--', 'a.txt'])).toContain('Ada');
    expect(await ok(['git', 'rev-parse', '--show-toplevel'])).toBe(`${ws(name)}\n`);
    expect(await ok(['git', 'ls-files'])).toBe('a.txt\n');
    await ok(['git', 'config', 'user.name', 'Grace']);
    expect(await ok(['git', 'config', '--get', 'user.name'])).toBe('Grace\n');
    await ok(['git', 'clone', '-q', name, `${name}-copy`], '.');
    expect(await ok(['git', 'log', '--oneline', '-n', '1'], `${name}-copy`)).toMatch(/second/);
    expect(await ok(['ls', '-la', name], '.')).toContain('a.txt');
    expect(await ok(['cat', `${name}/a.txt`], '.')).toBe('changed\n');
  });
});
