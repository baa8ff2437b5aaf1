import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDockerExecArgv, buildDockerRunArgv, detectDocker } from './docker.js';

const HARDENING = ['--network', 'none', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--pids-limit', '256', '--memory', '512m', '--tmpfs', '/tmp'];
const opts = { image: 'openclaw-sandbox:bookworm-slim', containerName: 'openclaw-sbx-agent-main-12345678', workspace: '/home/u/ws', sandboxWorkspace: '/home/u/.openclaw/sandboxes/openclaw-sbx-agent-main-12345678' };
const head = ['docker', 'run', '-d', '--name', opts.containerName, '--label', 'openclaw.sandbox=1', ...HARDENING];
const tail = ['openclaw-sandbox:bookworm-slim', 'sleep', 'infinity'];

describe('buildDockerRunArgv', () => {
  it('ro mounts the workspace read-only at /agent', () => {
    expect(buildDockerRunArgv({ ...opts, workspaceAccess: 'ro' })).toEqual([...head, '-v', '/home/u/ws:/agent:ro', '-w', '/agent', ...tail]);
  });
  it('rw mounts the workspace read-write at /workspace', () => {
    expect(buildDockerRunArgv({ ...opts, workspaceAccess: 'rw' })).toEqual([...head, '-v', '/home/u/ws:/workspace:rw', '-w', '/workspace', ...tail]);
  });
  it('none mounts the per-scope sandbox dir at /workspace and never the agent workspace', () => {
    const argv = buildDockerRunArgv({ ...opts, workspaceAccess: 'none' });
    expect(argv).toEqual([...head, '-v', `${opts.sandboxWorkspace}:/workspace:rw`, '-w', '/workspace', ...tail]);
    expect(argv.join(' ')).not.toContain('/home/u/ws:');
  });
  it('refuses unsafe mount sources and names', () => {
    expect(() => buildDockerRunArgv({ ...opts, workspace: '/a:/etc', workspaceAccess: 'rw' })).toThrow(/Unsafe mount/);
    expect(() => buildDockerRunArgv({ ...opts, workspace: 'rel/ws', workspaceAccess: 'ro' })).toThrow(/Unsafe mount/);
    expect(() => buildDockerRunArgv({ ...opts, containerName: '--privileged', workspaceAccess: 'ro' })).toThrow(/Invalid container name/);
  });
});

describe('buildDockerExecArgv', () => {
  it('passes argv through untouched', () => {
    expect(buildDockerExecArgv('c1', ['ls', '-la', '$(id)', '*'], '/workspace/sub')).toEqual(['docker', 'exec', '-w', '/workspace/sub', 'c1', 'ls', '-la', '$(id)', '*']);
  });
  it('needs an absolute cwd and a program', () => {
    expect(() => buildDockerExecArgv('c1', ['ls'], 'sub')).toThrow();
    expect(() => buildDockerExecArgv('c1', [], '/workspace')).toThrow();
  });
});

describe('detectDocker', () => {
  it('is false when the CLI is missing', async () => {
    expect(await detectDocker({ dockerPath: '/nonexistent/docker' })).toBe(false);
  });
  it('is false here (no engine runs on this machine) and answers within the timeout', async () => {
    const started = Date.now();
    expect(await detectDocker({ timeoutMs: 2000 })).toBe(false);
    expect(Date.now() - started).toBeLessThan(4000);
  });
  it('is true when the CLI reports a server version', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-docker-'));
    try {
      const fake = path.join(dir, 'docker');
      writeFileSync(fake, `#!${process.execPath}\nif (process.argv.slice(2).join(' ') === 'version --format {{.Server.Version}}') console.log('27.1.0'); else process.exit(1);\n`);
      chmodSync(fake, 0o755);
      expect(await detectDocker({ dockerPath: fake })).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
