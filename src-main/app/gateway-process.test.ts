/**
 * The desktop app's gateway host process, under Node: the supervisor forks the real built host entry
 * (out/node/gateway-host.js, from `node scripts/build-node.mjs`) with `child_process.fork`, the host
 * runs a real gateway on a private state dir and a free port, and the window's side is the app's
 * remote client over loopback WS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES } from '../../src-shared/protocol/index.js';
import { GatewayClient } from '../cli/gateway-client.js';
import { secretEnvName } from '../config/secret-store.js';
import { freePort } from '../../test-support/free-port.js';
import { generateDeviceKeys, REPO_ROOT } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { Waiters } from '../../test-support/wait-until.js';
import { createGatewayProcess, nodeForkSpawner, type GatewayProcess, type GatewayProcessOptions, type GatewayProcessState, type HostChild } from './gateway-process.js';
import { createRemoteClient, type RemoteClient } from './remote-client.js';

const HOST_ENTRY = join(REPO_ROOT, 'out', 'node', 'gateway-host.js');
const TOKEN_ENV = secretEnvName(['gateway', 'auth', 'token']);
const SECRET_TOKEN = 'host-secret-token-0123456789abcdef';

/** Everything one test starts, so afterEach ends it whatever happened. */
interface Rig {
  state: TempState;
  port: number;
  gateway: GatewayProcess;
  children: HostChild[];
  states: GatewayProcessState[];
  changes: Waiters;
  clients: { close(): void }[];
}

let rig: Rig | undefined;

async function startRig(config: Record<string, unknown>, opts: Partial<GatewayProcessOptions> = {}, port?: number): Promise<Rig> {
  const state = makeTempState(config);
  const p = port ?? (await freePort());
  const spawn = nodeForkSpawner({ env: state.env });
  const changes = new Waiters();
  const r: Rig = {
    state,
    port: p,
    children: [],
    states: [],
    changes,
    clients: [],
    gateway: createGatewayProcess({
      spawn: (path, o) => {
        const c = spawn(path, o);
        r.children.push(c);
        c.onExit(() => changes.notify());
        return c;
      },
      modulePath: HOST_ENTRY,
      start: { secretEnv: { [TOKEN_ENV]: SECRET_TOKEN }, port: p },
      restart: { backoffMs: { min: 50, max: 200 } },
      onState: (s) => {
        r.states.push(s);
        changes.notify();
      },
      ...opts,
    }),
  };
  rig = r;
  return r;
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function remoteClient(r: Rig, token = SECRET_TOKEN): RemoteClient {
  const device = generateDeviceKeys();
  const c = createRemoteClient({
    connect: () => GatewayClient.connect({ url: r.gateway.state.ready?.wsUrl ?? `ws://127.0.0.1:${r.port}`, token, device, scopes: [...CLI_DEFAULT_SCOPES], client: { id: 'openclaw-linux', mode: 'ui' }, timeoutMs: 2000 }),
    onState: () => r.changes.notify(),
    retryMs: { min: 50, max: 200 },
  });
  r.clients.push(c);
  return c;
}

const withToken = { gateway: { auth: { mode: 'token', token: `\${${TOKEN_ENV}}` } } };

afterEach(async () => {
  const r = rig;
  rig = undefined;
  if (!r) return;
  for (const c of r.clients) c.close();
  await r.gateway.stop('test done');
  for (const c of r.children) if (isAlive(c.pid)) c.kill();
  r.state.cleanup();
});

describe('the gateway in its own process', () => {
  it('is built before these tests run', () => {
    expect(existsSync(HOST_ENTRY), `${HOST_ENTRY} is missing: run node scripts/build-node.mjs`).toBe(true);
  });

  it('starts, serves protocol calls through the remote client, and takes its token from the start message only', async () => {
    // Tried: the config names its token as a keychain secret reference; the value arrives in `start`.
    const r = await startRig(withToken);
    const ready = await r.gateway.start();
    expect(r.gateway.state.phase).toBe('running');
    expect(ready).toMatchObject({ port: r.port, wsUrl: `ws://127.0.0.1:${r.port}`, authMode: 'token' });
    expect(ready.pid).toBe(r.children[0]!.pid);
    expect(ready.pid).not.toBe(process.pid);

    const client = remoteClient(r);
    await client.connected;
    const health = await client.call('health', {});
    expect(health.ok).toBe(true);
    // The host finds the app's bundled plugins (they are looked up relative to the built host module).
    const plugins = await client.call('plugins.list', {});
    expect(plugins.ok && plugins.value.plugins.map((p) => p.id)).toEqual(expect.arrayContaining(['telegram', 'discord']));

    // The secret is the one that authenticates, and nothing else does.
    await expect(GatewayClient.connect({ url: ready.wsUrl, token: 'not-the-secret', device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES], timeoutMs: 2000 })).rejects.toThrow();

    // The child's environment (as the OS gave it to the process) carries no secret.
    if (process.platform === 'linux') {
      const environ = readFileSync(`/proc/${ready.pid}/environ`, 'utf8');
      expect(environ).not.toContain(SECRET_TOKEN);
      expect(environ).not.toContain(TOKEN_ENV);
    }
  });

  it('restarts the host after kill -9; the client reconnects and calls and events work again', async () => {
    const r = await startRig(withToken);
    const first = await r.gateway.start();
    const client = remoteClient(r);
    await client.connected;
    const events: string[] = [];
    client.onEvent((name) => {
      events.push(name);
      r.changes.notify();
    });

    // Tried: the host process dies without warning.
    process.kill(first.pid, 'SIGKILL');
    const restarting = await r.changes.until(() => r.states.find((s) => s.phase === 'restarting'), 10_000, 'restarting');
    expect(restarting.reason).toMatch(/The gateway process was killed \(SIGKILL\); restarting in 0\.1 s \(restart 1 of at most 3\)/);
    const second = await r.changes.until(() => (r.gateway.state.phase === 'running' && r.gateway.state.ready?.pid !== first.pid ? r.gateway.state.ready : undefined), 20_000, 'the restarted host');
    expect(second.port).toBe(first.port);
    expect(r.gateway.state.restarts).toBe(1);
    expect(r.children).toHaveLength(2);

    await r.changes.until(() => (client.state.phase === 'connected' ? true : undefined), 20_000, 'the client to reconnect');
    expect((await client.call('health', {})).ok).toBe(true);
    // Events flow on the new connection: another client joining changes presence.
    const other = await GatewayClient.connect({ url: second.wsUrl, token: SECRET_TOKEN, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES], timeoutMs: 2000 });
    r.clients.push(other);
    await r.changes.until(() => (events.includes('presence') ? true : undefined), 10_000, 'a presence event after the restart');
  });

  it('gives up after the restart cap instead of looping, and says so', async () => {
    const r = await startRig(withToken, { restart: { maxRestarts: 1, backoffMs: { min: 50, max: 50 } } });
    const first = await r.gateway.start();
    // Tried: the host dies, is restarted once, and dies again within the window.
    process.kill(first.pid, 'SIGKILL');
    const second = await r.changes.until(() => (r.gateway.state.phase === 'running' && r.gateway.state.ready?.pid !== first.pid ? r.gateway.state.ready : undefined), 20_000, 'the restarted host');
    process.kill(second.pid, 'SIGKILL');
    const failed = await r.changes.until(() => (r.gateway.state.phase === 'failed' ? r.gateway.state : undefined), 10_000, 'failed');
    expect(failed.reason).toBe('The gateway process was killed (SIGKILL). It stopped 2 times within 5 min, so it was not restarted again.');
    expect(r.children).toHaveLength(2);
    // The user asks again: it starts afresh.
    const third = await r.gateway.retry();
    expect(third.pid).toBe(r.children[2]!.pid);
    expect(r.gateway.state).toMatchObject({ phase: 'running', restarts: 0 });
  });

  it('fails plainly, without restarting, when the port is taken by another program', async () => {
    // Tried: something that is not a gateway listens on the app's port.
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const r = await startRig(withToken, {}, port);
      await expect(r.gateway.start()).rejects.toThrow(new RegExp(`${port}`));
      expect(r.gateway.state.phase).toBe('failed');
      expect(r.gateway.state.reason).toMatch(/in use|already/i);
      // The host exits after reporting; nothing is started again.
      await r.changes.until(() => (isAlive(r.children[0]!.pid) ? undefined : true), 10_000, 'the host to exit');
      expect(r.children).toHaveLength(1);
      expect(r.gateway.state.phase).toBe('failed');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('fails plainly, without restarting, on a broken config', async () => {
    // Tried: a config key of the wrong type.
    const r = await startRig({ gateway: { port: 'not-a-port' } });
    await expect(r.gateway.start()).rejects.toThrow(/gateway\.port/);
    expect(r.gateway.state).toMatchObject({ phase: 'failed', reason: expect.stringContaining(r.state.configPath) });
    await r.changes.until(() => (isAlive(r.children[0]!.pid) ? undefined : true), 10_000, 'the host to exit');
    expect(r.children).toHaveLength(1);
  });

  it('names the cause from the process\'s last words when it dies before it can report (a broken install)', async () => {
    // Tried: the host file is missing, so the child dies before running any of our code.
    const r = await startRig(withToken, { modulePath: join(REPO_ROOT, 'out', 'node', 'no-such-host.js') });
    await expect(r.gateway.start()).rejects.toThrow(/^The gateway process exited with code 1: Error: Cannot find module .*no-such-host\.js.*, before it was ready\.$/);
    expect(r.gateway.state.phase).toBe('failed');
    expect(r.children).toHaveLength(1);
  });

  it('stops on quit: the process is gone and the port is free', async () => {
    const r = await startRig(withToken);
    const ready = await r.gateway.start();
    // Tried: the app quits while a client is connected.
    const client = remoteClient(r);
    await client.connected;
    await r.gateway.stop('app quit');
    expect(r.gateway.state.phase).toBe('stopped');
    expect(r.states.map((s) => s.phase)).toEqual(['starting', 'running', 'stopping', 'stopped']);
    expect(isAlive(ready.pid)).toBe(false);
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(ready.port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
  });
});
