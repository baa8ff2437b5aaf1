import { describe, expect, it } from 'vitest';
import { checkExecOptions, matchBlockedLong, programName } from './exec-policy.js';

// S8: table-driven. `true` = refused.
const CASES: [string[], boolean][] = [
  // tar: full names, GNU abbreviations, --opt=value, short and clustered forms, old-style clusters
  [['tar', '-cf', 'a.tar', 'dir'], false],
  [['tar', '--create', '--file', 'a.tar', 'dir'], false],
  [['tar', '-xf', 'a.tar', '--to-command', 'sh'], true],
  [['tar', '-xf', 'a.tar', '--to-command=sh'], true],
  [['tar', '-xf', 'a.tar', '--to-com=sh'], true],
  [['tar', '-xf', 'a.tar', '--to-c', 'sh'], true],
  [['tar', '--use-compress-program=sh', '-xf', 'a.tar'], true],
  [['tar', '--use-compress-prog', 'sh', '-xf', 'a.tar'], true],
  [['tar', '--use', 'sh', '-xf', 'a.tar'], true],
  [['tar', '--checkpoint=1', '--checkpoint-action=exec=sh'], true],
  [['tar', '--checkpoint-act=exec=sh'], true],
  [['tar', '--checkpoint=10', '-cf', 'a.tar', '.'], false],
  [['tar', '-I', 'sh', '-xf', 'a.tar'], true],
  [['tar', '-xIsh', '-f', 'a.tar'], true],
  [['tar', 'xIf', 'sh', 'a.tar'], true],
  [['tar', 'xzf', 'a.tar'], false],
  [['tar', '-C', 'out', '-xf', 'a.tar'], false],
  [['tar', '-cf', '--to-command=x', 'dir'], false], // value of -f: an archive name, not an option
  [['tar', '-xf', 'a.tar', '--', '--to-command=sh'], false], // after -- it is a file name
  [['TAR.exe', '--to-command=sh'], true],
  [['/usr/bin/tar', '--to-command=sh'], true],
  // sort: the CVE example
  [['sort', '--compress-program=sh', 'f'], true],
  [['sort', '--compress-prog=sh', 'f'], true],
  [['sort', '--compress', 'sh', 'f'], true],
  [['sort', '-r', '-k', '2', 'f'], false],
  [['sort', '-o', '/etc/x', 'f'], true],
  // find primaries are exact words anywhere, even after --
  [['find', '.', '-name', '*.ts'], false],
  [['find', '.', '-exec', 'rm', '{}', ';'], true],
  [['find', '.', '-execdir', 'sh', ';'], true],
  [['find', '.', '-ok', 'sh', ';'], true],
  [['find', '.', '-delete'], true],
  [['find', '.', '-fprint', '/tmp/x'], true],
  [['find', '--', '.', '-exec', 'sh', ';'], true],
  // git
  [['git', 'status'], false],
  [['git', 'log', '--oneline', '-n', '5'], false],
  [['git', 'add', '-u'], false],
  [['git', 'grep', '-C', '3', 'x'], false],
  [['git', '-c', 'core.sshCommand=sh', 'fetch'], true],
  [['git', '-ccore.pager=sh', 'log'], true],
  [['git', '-C', '/etc', 'status'], true],
  [['git', 'config', 'core.sshCommand', 'sh'], true],
  [['git', 'config', 'CORE.SSHCOMMAND', 'sh'], true],
  [['git', 'fetch', '--upload-pack=sh', 'origin'], true],
  [['git', 'fetch', '--upload-p=sh', 'origin'], true],
  [['git', 'clone', '-u', 'sh', 'repo'], true],
  [['git', '--exec-path=/tmp', 'status'], true],
  [['git', '--exec-p', '/tmp', 'status'], true],
  [['git', 'archive', '--exec=sh', '--remote=x'], true],
  [['git', 'clone', 'ext::sh -c id', 'x'], true],
  [['git', 'log', '--', 'core.sshCommand'], false],
  // following links out of the workspace while recursing or archiving
  [['grep', '-rn', 'x', '.'], false],
  [['grep', '-R', 'x', '.'], true],
  [['grep', '-nR', 'x', '.'], true],
  [['grep', '-e', '-R', '.'], false], // the pattern, not an option
  [['grep', '--dereference-recursive', 'x', '.'], true],
  [['grep', '--dereference', 'x', '.'], true],
  [['tar', '-chf', 'a.tar', 'dir'], true],
  [['tar', 'chf', 'a.tar', 'dir'], true],
  [['tar', '--dereference', '-cf', 'a.tar', 'dir'], true],
  // rsync
  [['rsync', '-av', 'a/', 'b/'], false],
  [['rsync', '-e', 'sh', 'a', 'b'], true],
  [['rsync', '-avze', 'sh', 'a', 'b'], true],
  [['rsync', '--rsh=sh', 'a', 'b'], true],
  [['rsync', '--rs=sh', 'a', 'b'], true],
  [['rsync', '--rsync-path=sh', 'a', 'b'], true],
  [['rsync', '-av', '--', '-e', 'b'], false],
  // sed
  [['sed', '-n', 's/a/b/p', 'f'], false],
  [['sed', '-e', 's/a/b/g', 'f'], false],
  [['sed', 'e id', 'f'], true],
  [['sed', '-e', '1e id', 'f'], true],
  [['sed', '--expression=1e id', 'f'], true],
  [['sed', '--expr', 's/x/id/e', 'f'], true],
  [['sed', 's/x/y/w /tmp/out', 'f'], true],
  [['sed', '/foo/w /tmp/out', 'f'], true],
  [['sed', '-i', 's/a/b/', 'f'], true],
  [['sed', '--in-place=.bak', 's/a/b/', 'f'], true],
  [['sed', '--in-pl', 's/a/b/', 'f'], true],
  [['sed', '-f', 'script.sed', 'f'], true],
  [['sed', '--', 'e id', 'f'], true],
  // xargs runs programs by design
  [['xargs', 'echo'], true],
  // unknown programs are not restricted by this table
  [['ls', '-la', '--color=never'], false],
];

describe('checkExecOptions', () => {
  it.each(CASES)('%j -> refused=%s', (argv, refused) => {
    const reason = checkExecOptions(argv);
    expect(reason !== undefined, reason ?? 'allowed').toBe(refused);
  });
});

describe('helpers', () => {
  it('matches prefixes of blocked long options, with exact safe options winning', () => {
    const policy = { blockedLong: ['compress-program'], safeExact: ['compress'] };
    expect(matchBlockedLong('compress-prog', policy)).toBe('compress-program');
    expect(matchBlockedLong('c', policy)).toBe('compress-program');
    expect(matchBlockedLong('compress', policy)).toBeUndefined();
    expect(matchBlockedLong('compression', policy)).toBeUndefined();
    expect(matchBlockedLong('', policy)).toBeUndefined();
  });
  it('programName strips directories and .exe', () => {
    expect(programName('/usr/bin/git')).toBe('git');
    expect(programName('C:\\Git\\git.EXE')).toBe('git');
  });
});
