/**
 * Attack: weaken authentication by hot reload on a gateway that listens beyond loopback.
 * Tried: `gateway.auth.mode: "none"`, a one-character token and an empty password written to the config file
 * while the gateway runs bound to 0.0.0.0 (inside a private network namespace). Expected: each reload is refused
 * and reported in health, and the running listener keeps demanding the old token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOffset, waitForLogLine } from '../../../test-support/log-wait.js';
import { makeTempState, type TempState } from '../../../test-support/state-dir.js';
import { netnsUnavailableReason, spawnGatewayInNetns, type NetnsGateway } from '../../../test-support/netns.js';
import { startGateway } from '../start.js';

const TOKEN = 'attack-test-token-0123456789abcdef';
const unavailable = netnsUnavailableReason();

describe.skipIf(unavailable !== undefined)(`hot reload cannot weaken auth beyond loopback${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let state: TempState;
  let gw: NetnsGateway;
  const base = { gateway: { bind: 'lan', auth: { mode: 'token', token: TOKEN }, reload: { debounceMs: 20 } } };
  const cliEnv = () => ({ PATH: process.env.PATH, HOME: state.dir, OPENCLAW_STATE_DIR: `${state.dir}/cli-state`, OPENCLAW_GATEWAY_PORT: String(gw.port) });
  const health = async (token?: string) => {
    const r = await gw.cli(['health', '--json', ...(token ? ['--token', token] : [])], cliEnv());
    return { code: r.code, out: r.stdout + r.stderr, json: r.stdout.trim().startsWith('{') ? (JSON.parse(r.stdout) as { ok: boolean; configReload: { hotReloadStatus: string; lastError?: string } }) : undefined };
  };
  /** Write the config and wait for the gateway's own word that it refused it. */
  const attempt = async (config: unknown, pattern: RegExp) => {
    const from = logOffset(state.logFile);
    state.writeConfig(config);
    await waitForLogLine(state.logFile, /config reload refused/, 10_000, from);
    const h = await health(TOKEN);
    expect(h.json?.configReload.lastError).toMatch(pattern);
    return h.json!;
  };

  beforeAll(async () => {
    state = makeTempState(base);
    // Every config written below keeps the test's own log file (never the shared default).
    Object.assign(base, { logging: { file: state.logFile } });
    gw = await spawnGatewayInNetns(state.env, ['--port', '18789']);
  }, 30_000);
  afterAll(async () => {
    gw?.child.kill('SIGTERM');
    await gw?.exited;
    state?.cleanup();
  });

  it('refuses a reload to auth mode "none", and still refuses clients without the token', async () => {
    expect((await health(TOKEN)).json?.ok).toBe(true);
    const h = await attempt({ ...base, gateway: { ...base.gateway, auth: { mode: 'none' } } }, /config reload refused: refusing to listen on 0\.0\.0\.0 without authentication/);
    expect(h.configReload.hotReloadStatus).toBe('invalid');
    expect(h.ok).toBe(false);
    const anonymous = await health();
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.out).toMatch(/token|unauthorized|AUTH/i);
    expect((await health('wrong-token-0123456789')).code).not.toBe(0);
  });

  it('refuses a one-character token and an empty password', async () => {
    await attempt({ ...base, gateway: { ...base.gateway, auth: { mode: 'token', token: 'x' } } }, /the gateway token is too short to listen on 0\.0\.0\.0/);
    expect((await health('x')).code).not.toBe(0);
    const h = await attempt({ ...base, gateway: { ...base.gateway, auth: { mode: 'password', password: '' } } }, /no password is set/);
    expect(h.configReload.hotReloadStatus).toBe('invalid');
  });

  it('recovers once the file is back to a safe config', async () => {
    const from = logOffset(state.logFile);
    state.writeConfig(base);
    await waitForLogLine(state.logFile, /config file matches the running config again/, 10_000, from);
    const h = await health(TOKEN);
    expect(h.json).toMatchObject({ ok: true, configReload: { hotReloadStatus: 'ok' } });
  });
});

describe('start-up applies the same rule', () => {
  it.each([
    [{ mode: 'none' }, /without authentication/],
    [{ mode: 'token', token: 'short' }, /token is too short/],
    [{ mode: 'password', password: 'hunter2' }, /password is too short/],
  ])('refuses to listen on 0.0.0.0 with %j', async (auth, message) => {
    const s = makeTempState({ gateway: { bind: 'lan', auth } });
    try {
      await expect(startGateway({ port: 0, env: s.env })).rejects.toThrow(message);
    } finally {
      s.cleanup();
    }
  });
});
