import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXEC_OUTPUT_CAP, execTool, resolveAllowedProgram } from './exec.js';
import { runTool } from './registry.js';
import { makeToolFixture, type ToolSandboxFixture } from '../../../test-support/tool-context.js';
import type { AgentTool, ToolContext } from './types.js';

let fx: ToolSandboxFixture;
let ctx: ToolContext;
beforeEach(() => {
  fx = makeToolFixture();
  ctx = fx.ctx({ execAllow: ['echo', 'ls', 'cat', 'sleep', 'pwd', 'head', 'tar', 'printenv', process.execPath] });
  writeFileSync(path.join(fx.workspace, 'a.txt'), 'A');
  writeFileSync(path.join(fx.workspace, 'b.txt'), 'B');
  mkdirSync(path.join(fx.workspace, 'sub'));
});
afterEach(() => fx.cleanup());
const exec = (params: unknown) => runTool(execTool as AgentTool, params, ctx);

describe('exec: no shell (S7)', () => {
  it.each([
    ['$(id)'],
    ['`id`'],
    ['a; id'],
    ['a && id'],
    ['$HOME'],
    ['${PATH}'],
    ['*'],
    ['a\nid'],
    ['| cat /etc/passwd'],
    ['> out.txt'],
  ])('echo %j prints it literally', async (arg) => {
    const res = await exec({ argv: ['echo', arg] });
    expect(res.isError).toBeFalsy();
    expect((res.details as { stdout: string }).stdout).toBe(`${arg}\n`);
  });

  it('ls * does not expand the glob', async () => {
    const res = await exec({ argv: ['ls', '*'] });
    expect(res.isError).toBe(true);
    const d = res.details as { stdout: string; stderr: string; exitCode: number };
    expect(d.stdout).not.toContain('a.txt');
    expect(d.stderr).toMatch(/\*/);
    expect(d.exitCode).not.toBe(0);
  });

  it('head $HOME/... reads nothing outside', async () => {
    const res = await exec({ argv: ['head', '$HOME/.bashrc'] });
    expect(res.isError).toBe(true);
    expect((res.details as { stderr: string }).stderr).toContain('$HOME/.bashrc');
  });

  it('creates no file from a redirection-looking argument', async () => {
    await exec({ argv: ['echo', 'x', '>', 'out.txt'] });
    const res = await exec({ argv: ['ls'] });
    expect((res.details as { stdout: string }).stdout).not.toContain('out.txt');
  });
});

describe('exec: allow-list', () => {
  it('refuses programs not listed, relative paths and unlisted absolute paths', async () => {
    expect((await exec({ argv: ['id'] })).content).toMatch(/Denied: Program not allowed: id/);
    expect((await exec({ argv: ['./echo'] })).content).toMatch(/not allowed/);
    expect((await exec({ argv: ['/usr/bin/id'] })).content).toMatch(/not allowed/);
    expect((await runTool(execTool as AgentTool, { argv: ['echo', 'x'] }, fx.ctx())).content).toMatch(/Allowed: \(none\)/);
  });
  it('resolves bare names through PATH to an absolute path', async () => {
    const res = await exec({ argv: ['echo', 'hi'] });
    expect((res.details as { program: string }).program).toMatch(/^\/.*\/echo$/);
    expect(await resolveAllowedProgram('ls', ['/usr/bin/ls'], '/usr/bin')).toBe('/usr/bin/ls');
    expect(await resolveAllowedProgram('/usr/bin/ls', ['/usr/bin/ls'], '')).toBe('/usr/bin/ls');
    await expect(resolveAllowedProgram('no-such-prog', ['no-such-prog'], process.env.PATH ?? '')).rejects.toMatchObject({ code: 'EXEC_NOT_FOUND' });
  });
  it('applies the option policy', async () => {
    expect((await exec({ argv: ['tar', '--to-comm=sh', '-xf', 'x.tar'] })).content).toMatch(/Denied: Refused: tar --to-command/);
  });
});

describe('exec: cwd, env, output, exit code, timeout', () => {
  it('runs in a workspace subdirectory', async () => {
    const res = await exec({ argv: ['pwd'], cwd: 'sub' });
    expect((res.details as { stdout: string }).stdout.trim()).toBe(path.join(fx.workspace, 'sub'));
  });
  it('reports the exit code', async () => {
    const res = await exec({ argv: [process.execPath, '-e', 'process.exit(3)'] });
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/exit code: 3/);
  });
  it('passes allowed env and refuses everything else', async () => {
    const res = await exec({ argv: ['printenv', 'TZ'], env: { TZ: 'Europe/Paris' } });
    expect((res.details as { stdout: string }).stdout).toBe('Europe/Paris\n');
    expect((await exec({ argv: ['echo'], env: { LD_PRELOAD: '/x.so' } })).content).toMatch(/Environment variables not allowed: LD_PRELOAD/);
    for (const name of ['PATH', 'GIT_CONFIG_COUNT', 'BAD KEY', 'GREETING', 'HOME']) {
      expect((await exec({ argv: ['echo'], env: { [name]: '1' } })).details).toEqual({ code: 'EXEC_ENV_DENIED' });
    }
  });
  it('does not leak host secrets into the child', async () => {
    process.env.OPENCLAW_TEST_SECRET = 'sk-shh';
    try {
      const res = await exec({ argv: ['printenv', 'OPENCLAW_TEST_SECRET'] });
      expect((res.details as { stdout: string }).stdout).toBe('');
    } finally {
      delete process.env.OPENCLAW_TEST_SECRET;
    }
  });
  it('keeps the tail of large output and says so', async () => {
    const script = `process.stdout.write('x'.repeat(${EXEC_OUTPUT_CAP * 3}) + 'END')`;
    const res = await exec({ argv: [process.execPath, '-e', script] });
    const d = res.details as { stdout: string; stdoutTruncated: boolean };
    expect(d.stdoutTruncated).toBe(true);
    expect(d.stdout.length).toBe(EXEC_OUTPUT_CAP);
    expect(d.stdout.endsWith('END')).toBe(true);
    expect(res.content).toMatch(/truncated: last 64 KiB shown/);
  });
  it('kills the whole process group on timeout', async () => {
    const started = Date.now();
    // The child spawns a grandchild that would keep the pipes open; the group kill ends both.
    const script = "require('node:child_process').spawn('sleep', ['30'], { stdio: 'inherit' }); setTimeout(() => {}, 30000)";
    const res = await exec({ argv: [process.execPath, '-e', script], timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((res.details as { timedOut: boolean }).timedOut).toBe(true);
    expect(res.content).toMatch(/Timed out after 300 ms/);
  });
});

describe('exec: confinement', () => {
  it('refuses to run while the workspace contains the state dir (token, config), and runs when it sits next to it', async () => {
    const holding = fx.ctx({ execAllow: ['ls'], stateDir: path.join(fx.workspace, '.openclaw') });
    const res = await runTool(execTool as AgentTool, { argv: ['ls'] }, holding);
    expect(res.details).toEqual({ code: 'EXEC_STATE_DIR' });
    expect(res.content).toMatch(/contains the gateway's state directory/);
    const beside = fx.ctx({ execAllow: ['ls'], stateDir: path.join(fx.root, 'state') });
    expect((await runTool(execTool as AgentTool, { argv: ['ls'] }, beside)).content).toMatch(/^exit code: 0/);
  });

  it('refuses a cwd and path arguments outside the workspace', async () => {
    expect((await exec({ argv: ['ls'], cwd: '../outside' })).details).toEqual({ code: 'PATH_ESCAPE' });
    expect((await exec({ argv: ['cat', '/etc/passwd'] })).details).toEqual({ code: 'PATH_ESCAPE' });
    expect((await exec({ argv: ['ls', '-la', 'sub'] })).content).toMatch(/^exit code: 0/);
  });

  it('gives the child a private HOME and TMPDIR that are gone after the run, and no stdin', async () => {
    const res = await exec({ argv: ['printenv', 'HOME', 'TMPDIR'] });
    const [home, tmp] = (res.details as { stdout: string }).stdout.trim().split('\n');
    expect(home).toMatch(/openclaw-exec-[^/]+\/home$/);
    expect(tmp).toMatch(/openclaw-exec-[^/]+\/tmp$/);
    expect(home.startsWith(fx.workspace)).toBe(false);
    expect(existsSync(home)).toBe(false);
    const cat = await exec({ argv: ['cat'], timeoutMs: 5000 });
    expect(cat.content).toBe('exit code: 0');
  });

  it('does not find allowed programs in PATH folders inside the workspace', async () => {
    mkdirSync(path.join(fx.workspace, 'bin'));
    writeFileSync(path.join(fx.workspace, 'bin', 'ls'), '#!/bin/sh\necho planted\n', { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${path.join(fx.workspace, 'bin')}:.:${saved}`;
    try {
      const res = await exec({ argv: ['ls'] });
      expect((res.details as { program: string }).program).not.toContain(fx.workspace);
      expect((res.details as { stdout: string }).stdout).not.toContain('planted');
    } finally {
      process.env.PATH = saved;
    }
  });
});
