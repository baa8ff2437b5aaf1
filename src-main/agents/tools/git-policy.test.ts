import { describe, expect, it } from 'vitest';
import { checkExecOptions } from './exec-policy.js';
import { checkRepoConfigEntry, localRemotePath, splitConfigKey } from './git-policy.js';

// Through the exec policy entry point, so git's long-option blocks apply too. `true` = refused.
const ARGV: [string[], boolean][] = [
  // everyday use
  [['git', 'status'], false],
  [['git', 'status', '--short', '--branch'], false],
  [['git', 'log', '--oneline', '-n', '5'], false],
  [['git', 'diff', 'HEAD~1'], false],
  [['git', 'diff', '--stat', 'main...HEAD'], false],
  [['git', 'show', 'HEAD', '--stat'], false],
  [['git', 'add', '-A'], false],
  [['git', 'commit', '-m', 'fix: a::b and core.pager=x in a message'], false],
  [['git', 'checkout', '-b', 'feature'], false],
  [['git', 'switch', '-c', 'x'], false],
  [['git', 'restore', '--staged', 'a.txt'], false],
  [['git', 'branch', '-a'], false],
  [['git', 'tag', 'v1'], false],
  [['git', 'stash', 'push', '-m', 'wip'], false],
  [['git', 'merge', '--no-ff', 'feature'], false],
  [['git', 'merge', '-s', 'ours', 'feature'], false],
  [['git', 'merge', '--strategy=recursive', '-X', 'theirs', 'feature'], false],
  [['git', 'rebase', 'main'], false],
  [['git', 'rebase', '-i', 'HEAD~3'], false], // the sequence editor is `false`
  [['git', 'cherry-pick', '-s', 'abc123'], false], // -s is --signoff here
  [['git', 'grep', '-n', 'TODO'], false],
  [['git', 'grep', '-C', '3', 'x'], false],
  [['git', 'blame', 'a.txt'], false],
  [['git', 'rev-parse', '--show-toplevel'], false],
  [['git', 'ls-files'], false],
  [['git', 'init'], false],
  [['git', 'clone', 'https://example.com/r.git', 'r'], false],
  [['git', 'fetch', 'origin'], false],
  [['git', 'remote', 'add', 'origin', 'https://example.com/r.git'], false],
  [['git', 'config', 'user.name', 'Ada'], false],
  [['git', 'config', '--get', 'core.fsmonitor'], false],
  [['git', 'config', '--unset', 'core.fsmonitor'], false],
  [['git', 'config', '-l'], false],
  [['git', 'bisect', 'start'], false],
  [['git', '--no-pager', 'log'], false],
  [['git', '-p', 'log'], false], // stdout is a pipe and GIT_PAGER=cat: no pager runs
  [['git', '--version'], false],
  // global options
  [['git', '-c', 'core.sshCommand=sh', 'fetch'], true],
  [['git', '-ccore.pager=sh', 'log'], true],
  [['git', '-C', '/etc', 'status'], true],
  [['git', '-C', 'sub', 'status'], true],
  [['git', '--git-dir=/etc/x', 'log'], true],
  [['git', '--work-tree', '/', 'status'], true],
  [['git', '--exec-path=/tmp', 'status'], true],
  [['git', '--exec-p', '/tmp', 'status'], true],
  [['git', '--config-env=core.pager=X', 'log'], true],
  [['git', '--namespace=x', 'log'], true],
  [['git', '--bare', 'log'], true],
  [['git', '--version', '--build-options'], true],
  [['git'], true],
  // subcommands outside the allow-list (aliases included: git never lets an alias shadow a built-in)
  ...['st', 'submodule', 'worktree', 'difftool', 'mergetool', 'help', 'instaweb', 'web--browse', 'filter-branch', 'for-each-repo', 'hook', 'send-email',
    'svn', 'daemon', 'upload-pack', 'credential', 'maintenance', 'gc', 'update-index', 'update-ref', 'var', 'am', 'bundle', 'fast-import', 'replace'].map(
    (sub): [string[], boolean] => [['git', sub], true],
  ),
  // options that run programs or open editors, viewers or other repositories
  [['git', 'log', '--help'], true],
  [['git', 'grep', '-O', 'x'], true],
  [['git', 'grep', '-Otouch /tmp/x', 'x'], true],
  [['git', 'grep', '--open-files-in-pager=vim', 'x'], true],
  [['git', 'grep', '--open', 'x'], true],
  [['git', 'rebase', '-x', 'touch /tmp/x', 'main'], true],
  [['git', 'rebase', '-ix', 'sh', 'main'], true],
  [['git', 'rebase', '--exec=sh', 'main'], true],
  [['git', 'merge', '-s', '../../tmp/evil', 'x'], true],
  [['git', 'merge', '-sevil', 'x'], true],
  [['git', 'pull', '--strategy=evil'], true],
  [['git', 'pull', '--strat', 'evil'], true],
  [['git', 'revert', '--strategy', 'evil', 'HEAD'], true],
  [['git', 'bisect', 'run', 'sh', '-c', 'id'], true],
  [['git', 'checkout', '--recurse-submodules', 'main'], true],
  [['git', 'clone', '--recursive', 'https://example.com/r.git'], true],
  [['git', 'clone', '--recurse', 'https://example.com/r.git'], true],
  [['git', 'clone', '-c', 'core.fsmonitor=touch /tmp/x', 'https://example.com/r.git'], true],
  [['git', 'clone', '--config', 'alias.x=!id', 'https://example.com/r.git'], true],
  [['git', 'clone', '--template=tpl', 'https://example.com/r.git'], true],
  [['git', 'clone', '-u', 'sh', 'repo'], true],
  [['git', 'clone', 'ext::sh -c id', 'x'], true],
  [['git', 'fetch', 'fd::3'], true],
  [['git', 'ls-remote', 'evil::x'], true],
  [['git', 'fetch', '--upload-pack=sh', 'origin'], true],
  [['git', 'fetch', '--upload-p=sh', 'origin'], true],
  [['git', 'push', '--receive-pack=sh', 'origin'], true],
  [['git', 'archive', '--remote=x', 'HEAD'], true],
  [['git', 'archive', '--exec=sh', 'HEAD'], true],
  [['git', 'apply', '--unsafe-paths', 'p.diff'], true],
  [['git', 'diff', '--ext-diff'], true],
  [['git', 'log', '-p', '--textconv'], true],
  [['git', 'log', '--output=/tmp/x'], true],
  [['git', 'remote', 'add', 'x', 'ext::sh'], true],
  [['git', 'remote', 'add', 'x', 'relative/repo'], true],
  [['git', 'remote', 'set-url', 'origin', 'evil::x'], true],
  // git config: other files, the editor, and keys that run programs or load other config
  [['git', 'config', '--global', 'user.name', 'x'], true],
  [['git', 'config', '--system', '--list'], true],
  [['git', 'config', '--file', '.git/config', 'alias.x', '!id'], true],
  [['git', 'config', '-f', 'x', 'a.b', 'c'], true],
  [['git', 'config', '--blob', 'HEAD:x', '--list'], true],
  [['git', 'config', '--edit'], true],
  [['git', 'config', '-e'], true],
  [['git', 'config', '--includes', '--list'], true],
  [['git', 'config', '--rename-section', 'x', 'alias'], true],
  [['git', 'config', 'edit'], true],
  [['git', 'config', 'core.sshCommand', 'sh'], true],
  [['git', 'config', 'CORE.SSHCOMMAND', 'sh'], true],
  [['git', 'config', 'core.fsmonitor', 'touch /tmp/x'], true],
  [['git', 'config', 'core.hooksPath', 'hooks'], true],
  [['git', 'config', 'core.pager', 'sh'], true],
  [['git', 'config', 'core.editor', 'sh'], true],
  [['git', 'config', 'core.worktree', '/'], true],
  [['git', 'config', 'core.excludesFile', '/etc/shadow'], true],
  [['git', 'config', 'alias.st', '!id'], true],
  [['git', 'config', 'diff.x.textconv', 'sh'], true],
  [['git', 'config', 'filter.x.clean', 'sh'], true],
  [['git', 'config', 'merge.x.driver', 'sh'], true],
  [['git', 'config', 'include.path', 'evil.cfg'], true],
  [['git', 'config', 'includeIf.gitdir:/.path', 'evil.cfg'], true],
  [['git', 'config', 'credential.helper', '!id'], true],
  [['git', 'config', 'gpg.program', 'sh'], true],
  [['git', 'config', 'url.ext::sh.insteadOf', 'https://'], true],
  [['git', 'config', 'remote.origin.uploadpack', 'sh'], true],
  [['git', 'config', 'remote.origin.url', 'ext::sh'], true],
  [['git', 'config', '--add', 'alias.x', '!id'], true],
  [['git', 'config', '--type=bool', 'core.fsmonitor', 'true'], true],
  [['git', 'config', 'set', 'alias.x', '!id'], true],
];

describe('git argv: allow-lists', () => {
  it.each(ARGV)('%j refused=%s', (argv, refused) => {
    const reason = checkExecOptions(argv);
    if (refused) expect(reason).toBeTruthy();
    else expect(reason).toBeUndefined();
  });
});

// `true` = refused.
const REPO_CONFIG: [string, string | undefined, boolean][] = [
  ['core.repositoryformatversion', '0', false],
  ['core.filemode', 'true', false],
  ['core.bare', 'false', false],
  ['core.logallrefupdates', 'true', false],
  ['core.ignorecase', 'true', false],
  ['user.name', 'Ada', false],
  ['init.defaultBranch', 'main', false],
  ['remote.origin.url', 'https://example.com/r.git', false],
  ['remote.origin.url', '/ws/other', false], // inside or not: checked against the workspace by the repository check
  ['remote.origin.url', 'file:///ws/other', false],
  ['remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*', false],
  ['remote.my.fork.url', 'git://example.com/r', false],
  ['branch.main.remote', 'origin', false],
  ['branch.main.merge', 'refs/heads/main', false],
  ['color.diff.meta', 'blue', false],
  ['pull.rebase', 'true', false],
  ['extensions.worktreeConfig', 'true', false],
  ['core.fsmonitor', 'x', true],
  ['core.hooksPath', 'x', true],
  ['core.pager', 'x', true],
  ['core.editor', 'x', true],
  ['core.sshCommand', 'x', true],
  ['core.gitProxy', 'x', true],
  ['core.askPass', 'x', true],
  ['core.alternateRefsCommand', 'x', true],
  ['core.worktree', '/', true],
  ['core.excludesFile', '/etc/shadow', true],
  ['core.attributesFile', '/etc/shadow', true],
  ['core.protectNTFS', 'false', true],
  ['sequence.editor', 'x', true],
  ['pager.log', 'x', true],
  ['alias.st', '!x', true],
  ['diff.external', 'x', true],
  ['diff.evil.textconv', 'x', true],
  ['diff.evil.command', 'x', true],
  ['filter.evil.clean', 'x', true],
  ['filter.evil.smudge', 'x', true],
  ['filter.evil.process', 'x', true],
  ['merge.evil.driver', 'x', true],
  ['gpg.program', 'x', true],
  ['gpg.ssh.program', 'x', true],
  ['gpg.ssh.defaultKeyCommand', 'x', true],
  ['credential.helper', 'x', true],
  ['credential.https://x.helper', 'x', true],
  ['include.path', 'x', true],
  ['includeIf.gitdir:/x/.path', 'x', true],
  ['uploadpack.packObjectsHook', 'x', true],
  ['remote.origin.uploadpack', 'x', true],
  ['remote.origin.receivepack', 'x', true],
  ['remote.origin.vcs', 'x', true],
  ['remote.origin.proxy', 'x', true],
  ['remote.origin.url', 'ext::sh -c id', true],
  ['remote.origin.url', 'relative/path', true],
  ['url.ext::sh.insteadOf', 'https://', true],
  ['protocol.ext.allow', 'always', true],
  ['submodule.x.update', '!x', true],
  ['submodule.recurse', 'true', true],
  ['branch.main.mergeOptions', '-s evil', true],
  ['pull.twohead', 'evil', true],
  ['trailer.x.command', 'x', true],
  ['sendemail.smtpserver', 'x', true],
  ['web.browser', 'x', true],
  ['help.format', 'web', true],
  ['commit.template', '/etc/shadow', true],
  ['mailmap.file', '/etc/shadow', true],
  ['blame.ignoreRevsFile', '/etc/shadow', true],
  ['http.cookieFile', '/etc/shadow', true],
  ['log.showSignature', 'true', true],
  ['maintenance.auto', 'true', true],
  ['lfs.url', 'x', true],
  ['nosection', 'x', true],
];

describe('repository config: an allow-list', () => {
  it.each(REPO_CONFIG)('%s=%s refused=%s', (key, value, refused) => {
    const reason = checkRepoConfigEntry(key, value);
    if (refused) expect(reason).toBeTruthy();
    else expect(reason).toBeUndefined();
  });

  it('splits keys as git does (subsections keep their case and dots)', () => {
    expect(splitConfigKey('Remote.My.Fork.URL')).toEqual({ section: 'remote', sub: 'My.Fork', name: 'url' });
    expect(splitConfigKey('core.fsmonitor')).toEqual({ section: 'core', name: 'fsmonitor' });
    expect(splitConfigKey('nodot')).toBeUndefined();
  });

  it('finds the local path of a remote', () => {
    expect(localRemotePath('file:///srv/r%20x')).toBe('/srv/r x');
    expect(localRemotePath('/srv/r')).toBe('/srv/r');
    expect(localRemotePath('https://example.com/r')).toBeUndefined();
    expect(localRemotePath('host:path')).toBeUndefined();
  });
});
