import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeToolFixture, type ToolSandboxFixture } from '../../../test-support/tool-context.js';
import { checkPathArguments, pathCandidates } from './exec-paths.js';

describe('pathCandidates', () => {
  it.each([
    ['notes.txt', ['notes.txt']],
    ['--output=/tmp/x', ['--output=/tmp/x', '/tmp/x']],
    ['-f/etc/x', ['-f/etc/x', '/etc/x']],
    ['-xf/etc/x', ['-xf/etc/x', 'f/etc/x', '/etc/x']],
    ['-la', ['-la', 'a']],
    ['if=/etc/shadow', ['if=/etc/shadow', '/etc/shadow']],
    ['@/etc/args', ['@/etc/args', '/etc/args']],
    ['file:///etc/passwd', ['file:///etc/passwd', '/etc/passwd']],
    ['--url=file:///etc/pass%77d', ['--url=file:///etc/pass%77d', 'file:///etc/pass%77d', '/etc/passwd']],
    ['   ', []],
  ])('%s -> %j', (arg, expected) => expect(pathCandidates(arg)).toEqual(expected));
});

let fx: ToolSandboxFixture;
beforeAll(() => {
  fx = makeToolFixture();
  mkdirSync(path.join(fx.workspace, 'src', 'deep'), { recursive: true });
  writeFileSync(path.join(fx.workspace, 'src', 'a.ts'), 'a');
  writeFileSync(path.join(fx.outside, 'secret.txt'), 'secret');
  mkdirSync(path.join(fx.outside, 'sub'));
  // A link inside the workspace to a folder outside: `link/..` is the outside folder's parent for the kernel.
  symlinkSync(path.join(fx.outside, 'sub'), path.join(fx.workspace, 'link'));
  symlinkSync(path.join(fx.outside, 'secret.txt'), path.join(fx.workspace, 'secret-link'));
  symlinkSync(path.join(fx.outside, 'missing.txt'), path.join(fx.workspace, 'dangling'));
  symlinkSync(path.join(fx.outside, 'secret.txt'), path.join(fx.workspace, 'odd%2fname'));
});
afterAll(() => fx.cleanup());

const check = (args: string[], cwd = fx.workspace) => checkPathArguments(args, { cwd, workspace: fx.workspace });

describe('checkPathArguments: every path-like argument stays in the workspace', () => {
  const allowed: string[][] = [
    ['-la', 'src'],
    ['src/a.ts'],
    ['status'],
    ['log', '--oneline', '-n', '5'],
    ['diff', 'HEAD~1'],
    ['log', 'origin/main..HEAD', '--', 'src'],
    ['show', 'HEAD:src/a.ts'],
    ['commit', '-m', 'see /etc/hosts for details'],
    ['log', '--format=%h %s'],
    ['clone', 'https://example.com/repo.git'],
    ['%2e%2e/%2e%2e/etc/passwd'], // literal: a file of that name in the cwd
    ['--', './src/deep/../a.ts'],
    ['a\\..\\..\\etc\\passwd'], // one file name on POSIX
  ];
  it.each(allowed)('allows %j', async (...args) => {
    await expect(check(args)).resolves.toBeUndefined();
  });

  const refused: string[][] = [
    ['/etc/shadow'],
    ['../outside/secret.txt'],
    ['src/../../outside/secret.txt'],
    ['--no-index', '/etc/passwd', 'x'],
    ['--output=/tmp/x'],
    ['--git-dir=../.git'],
    ['-f/etc/passwd'],
    ['-xf../x.tar'],
    ['if=/etc/shadow'],
    ['@/etc/args'],
    ['file:///etc/passwd'],
    ['~/.ssh/id_rsa'],
    ['~root'],
    ['secret-link'],
    ['dangling'],
    ['link/../secret.txt'], // the kernel resolves `..` from the link's target
    ['odd%2fname'], // a link whose name only looks encoded
    ['..'],
  ];
  it.each(refused)('refuses %j', async (...args) => {
    await expect(check(args)).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
  });

  it('resolves relative arguments from the cwd', async () => {
    const cwd = path.join(fx.workspace, 'src');
    await expect(check(['a.ts', 'deep', '..'], cwd)).resolves.toBeUndefined();
    await expect(check(['../..'], cwd)).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
  });
});
