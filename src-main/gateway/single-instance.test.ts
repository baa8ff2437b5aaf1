import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, runCli, spawnGateway } from '../../test-support/gateway.js';
import { makeTempState } from '../../test-support/state-dir.js';

describe('one gateway per state dir and port', () => {
  it('a second gateway on the same state dir exits non-zero naming the holder; a kill -9 leaves a lock the next start recovers', async () => {
    const s = makeTempState({});
    const first = await spawnGateway(s.env, ['--port', '0']);
    try {
      const second = await runCli(['gateway', '--port', '0'], s.env);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`pid ${first.child.pid}`);
      expect(second.stderr).toContain(`port ${first.port}`);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);

      first.child.kill('SIGKILL');
      await first.exited;
      const third = await spawnGateway(s.env, ['--port', '0']);
      expect(third.port).toBeGreaterThan(0);
      third.child.kill('SIGTERM');
      expect((await third.exited).code).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
      s.cleanup();
    }
  });

  it('a port held by another gateway (another state dir) is reported plainly', async () => {
    const a = makeTempState({});
    const b = makeTempState({});
    const first = await spawnGateway(a.env, ['--port', '0']);
    try {
      const r = await runCli(['gateway', '--port', String(first.port)], b.env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
      a.cleanup();
      b.cleanup();
    }
  });

  it('SIGINT stops the foreground gateway cleanly: exit 0, lock released', async () => {
    const s = makeTempState({});
    const g = await spawnGateway(s.env, ['--port', '0']);
    g.child.kill('SIGINT');
    expect(await g.exited).toEqual({ code: 0, signal: null });
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${s.stateDir}/gateway.lock`)).toBe(false);
    s.cleanup();
  });

  it('--profile gives an isolated state dir', async () => {
    const s = makeTempState({});
    const env = { ...s.env, OPENCLAW_STATE_DIR: undefined };
    const child = spawn(process.execPath, [CLI_BIN, '--profile', 'work', 'config', 'file'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await once(child, 'close');
    expect(out.trim()).toBe(`${s.dir}/.openclaw-work/openclaw.json`);
    s.cleanup();
  });
});
