import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnGateway, type SpawnedGateway } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { writeStarterConfig } from '../gateway/startup.js';

let s: TempState | undefined;
let g: SpawnedGateway | undefined;
afterEach(async () => {
  if (g && g.child.exitCode === null) {
    g.child.kill('SIGTERM');
    await g.exited;
  }
  g = undefined;
  s?.cleanup();
});

/** The other commands find a gateway started with `--port` through the lock it holds in the state dir. */
describe('openclaw gateway --port N, then other commands', () => {
  it('a first start with --port writes no port into the new config, and health finds the gateway without being told the port', async () => {
    s = makeTempState();
    rmSync(s.configPath); // a fresh machine: the gateway writes the starter config
    const env = { ...s.env, OPENCLAW_LOG_FILE: s.logFile };
    g = await spawnGateway(env, ['--port', '0']);
    const written = JSON.parse(readFileSync(s.configPath, 'utf8')) as { gateway: Record<string, unknown> };
    expect(written.gateway).not.toHaveProperty('port');
    expect(written.gateway).toMatchObject({ mode: 'local', bind: 'loopback', auth: { mode: 'token' } });

    const h = await runCli(['health', '--json'], env);
    expect(h.stderr).toBe('');
    expect(h.code).toBe(0);
    const st = await runCli(['status'], env);
    expect(st.stdout).toContain(`ws://127.0.0.1:${g.port}`);

    // A clean stop removes the lock: the CLI no longer claims a gateway is there.
    g.child.kill('SIGTERM');
    await g.exited;
    expect(existsSync(join(s.stateDir, 'gateway.lock'))).toBe(false);
    const after = await runCli(['health'], { ...env, OPENCLAW_GATEWAY_PORT: '1' });
    expect(after.stderr).toMatch(/cannot reach the gateway at ws:\/\/127\.0\.0\.1:1/);
  });

  it('a lock left by a dead process is ignored (the configured port is dialled)', async () => {
    s = makeTempState({ gateway: { port: 1 } });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(s.stateDir, 'gateway.lock'), JSON.stringify({ pid: dead, port: 45678, startedAtMs: Date.now(), hostname: 'h' }));
    const r = await runCli(['health'], s.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the gateway at ws:\/\/127\.0\.0\.1:1\b/);
  });

  it('a start without --port still writes the default port, so config get gateway.port answers', () => {
    s = makeTempState();
    rmSync(s.configPath);
    const env = { ...s.env, OPENCLAW_LOG_FILE: s.logFile };
    // Only the starter file is checked: a real start without --port would take the shared default port.
    expect(writeStarterConfig(s.configPath, join(s.dir, 'legacy.json'), env)).toBe(true);
    expect(JSON.parse(readFileSync(s.configPath, 'utf8')).gateway).toMatchObject({ port: 18789, bind: 'loopback' });
  });
});
