import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnGateway, spawnGatewayWithState, stopGatewayWithState, type SpawnedGateway } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';

/** The built `openclaw` binary, as a user runs it, against a gateway in its own process. */
describe('openclaw CLI against a running gateway', () => {
  let s: TempState;
  let g: SpawnedGateway;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => void ({ s, g, env } = await spawnGatewayWithState()));
  afterAll(() => stopGatewayWithState(g, s));

  it('gateway prints its address, Control UI and where the token is, never the token itself', () => {
    const token = readFileSync(`${s.stateDir}/credentials/gateway.token`, 'utf8').trim();
    expect(g.stdout()).toMatch(/listening on ws:\/\/127\.0\.0\.1:\d+/);
    expect(g.stdout()).toMatch(/Control UI: http:\/\/127\.0\.0\.1:\d+\//);
    expect(g.stdout() + g.stderr()).not.toContain(token);
  });

  it('health --json prints one JSON document with ok, channels, defaultAgentId and agents', async () => {
    const r = await runCli(['health', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, channels: {}, defaultAgentId: 'main', agents: [{ agentId: 'main', isDefault: true }] });
  });

  it('gateway call health --params {} --json, and status --all', async () => {
    const r = await runCli(['gateway', 'call', 'health', '--params', '{}', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    const st = await runCli(['status', '--all'], env);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/Gateway: running at ws:\/\/127\.0\.0\.1/);
    expect(st.stdout).toContain(`State dir: ${s.stateDir}`);
  });

  it('config get of an unset path exits 1; set --strict-json writes; get prints bare; the gateway picks up logging.level', async () => {
    expect(await runCli(['config', 'get', 'gateway.port'], env)).toMatchObject({ code: 1, stderr: 'error: config path not set: gateway.port\n' });
    expect((await runCli(['config', 'set', 'gateway.port', '19001', '--strict-json'], env)).code).toBe(0);
    expect(await runCli(['config', 'get', 'gateway.port'], env)).toMatchObject({ code: 0, stdout: '19001\n' });
    expect(JSON.parse(readFileSync(s.configPath, 'utf8')).gateway.port).toBe(19001);
    expect((await runCli(['config', 'set', 'logging.level', 'debug'], env)).code).toBe(0);
    // The running gateway applied it: its status shows the new hash and the port change awaiting a restart.
    await expect
      .poll(async () => JSON.parse((await runCli(['status', '--json'], env)).stdout).config.pendingRestartPaths, { timeout: 5000 })
      .toEqual(['gateway.port']);
  });

  it('config set refuses an invalid value and writes nothing; unset of a missing path exits 1', async () => {
    const before = readFileSync(s.configPath, 'utf8');
    const bad = await runCli(['config', 'set', 'gateway.port', '"lots"'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/gateway\.port/);
    expect(bad.stderr).toMatch(/Nothing was written/);
    expect(readFileSync(s.configPath, 'utf8')).toBe(before);
    expect((await runCli(['config', 'set', 'gateway.port', 'abc', '--strict-json'], env)).code).toBe(1);
    expect((await runCli(['config', 'unset', 'logging.nothing'], env)).code).toBe(1);
    expect((await runCli(['config', 'get', 'no.such.path'], env)).code).toBe(1);
  });

  it('logs --json starts with a meta record then log records', async () => {
    const r = await runCli(['logs', '--json', '--lines', '5'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'meta', file: s.logFile, sourceKind: 'file', cursor: expect.any(Number) });
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1]).toMatchObject({ type: 'log', level: expect.any(String), subsystem: expect.any(String) });
  });

  it('a hand-written unknown key makes the gateway log "config reload skipped (invalid config)" and keep running', async () => {
    const cfg = JSON.parse(readFileSync(s.configPath, 'utf8'));
    writeFileSync(s.configPath, JSON.stringify({ ...cfg, bogusTopLevel: 1 }));
    await expect.poll(() => readFileSync(s.logFile, 'utf8').includes('config reload skipped (invalid config)'), { timeout: 5000 }).toBe(true);
    const h = await runCli(['health', '--json'], env);
    expect(h.code).toBe(1);
    expect(JSON.parse(h.stdout)).toMatchObject({ ok: false, configReload: { hotReloadStatus: 'invalid' } });
    // The reason is printed whole, not cut off after "invalid config <file>:".
    const text = await runCli(['health'], env);
    expect(text.stdout).toContain(`Config reload: invalid (mode hybrid); the last good config keeps running\n  last error:\n    invalid config ${s.configPath}:\n    - bogusTopLevel: unknown key\n`);
    const status = await runCli(['status', '--all'], env);
    expect(status.stdout).toContain(`  last error:\n    invalid config ${s.configPath}:\n    - bogusTopLevel: unknown key\n`);
    const v = await runCli(['config', 'validate'], env);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/bogusTopLevel/);
    writeFileSync(s.configPath, JSON.stringify(cfg));
    await expect.poll(async () => (await runCli(['health'], env)).code, { timeout: 5000 }).toBe(0);
  });

  it('devices list shows the CLI itself as a paired operator device; nodes list says there are none', async () => {
    const d = await runCli(['devices', 'list', '--json'], env);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ pending: [], paired: [expect.objectContaining({ role: 'operator', clientId: 'cli' })] });
    expect(await runCli(['nodes', 'list'], env)).toMatchObject({ code: 0, stdout: 'No nodes paired yet.\n' });
    expect((await runCli(['devices', 'approve', 'no-such-request'], env)).stderr).toMatch(/no pending pairing request/);
  });

  it('a wrong token is one clear line and exit 1; --json gives the failure envelope', async () => {
    const r = await runCli(['health', '--token', 'nope'], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/AUTH_TOKEN_MISMATCH/);
    const j = await runCli(['health', '--json', '--token', 'nope2'], env);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { type: 'cli_error', message: expect.stringMatching(/AUTH_TOKEN_MISMATCH/) } });
  });
});

describe('openclaw CLI without a gateway', () => {
  it('says the gateway is not reachable in one line and exits 1', async () => {
    const s = makeTempState({});
    try {
      const r = await runCli(['health'], { ...s.env, OPENCLAW_GATEWAY_PORT: '1' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot reach the gateway at ws:\/\/127\.0\.0\.1:1.*openclaw gateway/);
    } finally {
      s.cleanup();
    }
  });

  it('honours OPENCLAW_GATEWAY_TOKEN on server and client', async () => {
    const s = makeTempState({}, { OPENCLAW_GATEWAY_TOKEN: 'env-token-0123456789' });
    const g = await spawnGateway(s.env, ['--port', '0']);
    try {
      const env = { ...s.env, OPENCLAW_GATEWAY_PORT: String(g.port) };
      expect((await runCli(['health'], env)).code).toBe(0);
      expect((await runCli(['health'], { ...env, OPENCLAW_GATEWAY_TOKEN: 'other' })).code).toBe(1);
      expect(g.stdout()).not.toContain('credentials/gateway.token');
    } finally {
      g.child.kill('SIGTERM');
      await g.exited;
      s.cleanup();
    }
  });
});

describe('openclaw status with the gateway down', () => {
  it('names an invalid config file with every problem in full', async () => {
    const s = makeTempState({});
    try {
      writeFileSync(s.configPath, '{ bogusTopLevel: 1, gateway: { port: "lots" } }');
      // A port nothing listens on: the CLI reports what it can see locally.
      const r = await runCli(['status', '--all'], { ...s.env, OPENCLAW_GATEWAY_PORT: '9' });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`Config: ${s.configPath} (invalid; the gateway will not start with it)\n  invalid config ${s.configPath}:\n  - `);
      expect(r.stdout).toContain('- bogusTopLevel: unknown key');
      expect(r.stdout).toMatch(/- gateway\.port: .+/);
    } finally {
      s.cleanup();
    }
  });
});
