import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeToolFixture, type ToolSandboxFixture } from '../../../test-support/tool-context.js';
import { decodeUntilStable, isInside, resolveWorkspacePath } from './workspace-path.js';

let fx: ToolSandboxFixture;
beforeEach(() => {
  fx = makeToolFixture();
  writeFileSync(path.join(fx.outside, 'secret.txt'), 'SECRET');
  writeFileSync(path.join(fx.workspace, 'ok.txt'), 'fine');
  mkdirSync(path.join(fx.workspace, 'sub'));
  mkdirSync(path.join(fx.root, 'ws-evil'));
  writeFileSync(path.join(fx.root, 'ws-evil', 'x.txt'), 'evil');
  symlinkSync(path.join(fx.outside, 'secret.txt'), path.join(fx.workspace, 'link-file'));
  symlinkSync(fx.outside, path.join(fx.workspace, 'link-dir'));
  symlinkSync(path.join(fx.outside, 'missing.txt'), path.join(fx.workspace, 'dangling'));
  symlinkSync(path.join(fx.workspace, 'ok.txt'), path.join(fx.workspace, 'inner-link'));
});
afterEach(() => fx.cleanup());

const escapes = (fxr: () => ToolSandboxFixture): [string | (() => string)][] => [
  ['../outside/secret.txt'],
  ['sub/../../outside/secret.txt'],
  ['..\\outside\\secret.txt'],
  ['/etc/passwd'],
  ['link-file'],
  ['link-dir/secret.txt'],
  ['link-dir/new.txt'],
  ['dangling'],
  ['%2e%2e/outside/secret.txt'],
  ['%252e%252e%252foutside%252fsecret.txt'],
  ['%25252e%25252e%25252foutside%25252fsecret.txt'],
  ['../ws-evil/x.txt'],
  [() => path.join(fxr().root, 'ws-evil', 'x.txt')],
];

describe('resolveWorkspacePath', () => {
  it.each(escapes(() => fx))('refuses %s', async (p) => {
    const userPath = typeof p === 'function' ? p() : p;
    await expect(resolveWorkspacePath(fx.workspace, userPath)).rejects.toMatchObject({ name: 'ToolDeniedError', code: 'PATH_ESCAPE' });
    await expect(resolveWorkspacePath(fx.workspace, userPath, { forWrite: true })).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
  });

  it('refuses NUL bytes, raw and encoded', async () => {
    await expect(resolveWorkspacePath(fx.workspace, 'ok.txt\0.png')).rejects.toMatchObject({ code: 'PATH_INVALID' });
    await expect(resolveWorkspacePath(fx.workspace, 'ok.txt%00.png')).rejects.toMatchObject({ code: 'PATH_INVALID' });
  });

  it('refuses through a symlinked parent directory and a symlinked workspace sibling', async () => {
    symlinkSync(path.join(fx.root, 'ws-evil'), path.join(fx.workspace, 'sub', 'evil'));
    await expect(resolveWorkspacePath(fx.workspace, 'sub/evil/x.txt')).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    await expect(resolveWorkspacePath(fx.workspace, 'sub/evil/deep/new.txt', { forWrite: true })).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
  });

  it('allows paths inside, including absolute ones and links that stay inside', async () => {
    const ok = path.join(fx.workspace, 'ok.txt');
    expect(await resolveWorkspacePath(fx.workspace, 'ok.txt')).toBe(ok);
    expect(await resolveWorkspacePath(fx.workspace, ok)).toBe(ok);
    expect(await resolveWorkspacePath(fx.workspace, 'sub/../ok.txt')).toBe(ok);
    expect(await resolveWorkspacePath(fx.workspace, 'inner-link')).toBe(ok);
    expect(await resolveWorkspacePath(fx.workspace, 'new/dir/file.txt', { forWrite: true })).toBe(path.join(fx.workspace, 'new/dir/file.txt'));
    expect(await resolveWorkspacePath(fx.workspace, 'my%20file.txt', { forWrite: true })).toBe(path.join(fx.workspace, 'my file.txt'));
  });

  it('resolves relative to a symlinked workspace root', async () => {
    const alias = path.join(fx.root, 'alias');
    symlinkSync(fx.workspace, alias);
    expect(await resolveWorkspacePath(alias, 'ok.txt')).toBe(path.join(fx.workspace, 'ok.txt'));
  });

  it('reports missing files when mustExist', async () => {
    await expect(resolveWorkspacePath(fx.workspace, 'nope.txt', { mustExist: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses writing the root itself and empty paths', async () => {
    await expect(resolveWorkspacePath(fx.workspace, '.', { forWrite: true })).rejects.toMatchObject({ code: 'PATH_INVALID' });
    await expect(resolveWorkspacePath(fx.workspace, '')).rejects.toMatchObject({ code: 'PATH_INVALID' });
  });
});

describe('helpers', () => {
  it('isInside needs a separator boundary', () => {
    expect(isInside('/ws', '/ws')).toBe(true);
    expect(isInside('/ws', '/ws/a')).toBe(true);
    expect(isInside('/ws', '/ws-evil')).toBe(false);
    expect(isInside('/ws', '/w')).toBe(false);
  });
  it('decodes until stable and stops at malformed escapes', () => {
    expect(decodeUntilStable('%25252e')).toBe('.');
    expect(decodeUntilStable('100%')).toBe('100%');
    expect(decodeUntilStable('plain')).toBe('plain');
  });
});
