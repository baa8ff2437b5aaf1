import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES } from '../../src-shared/protocol/index.js';
import { GatewayClient } from '../cli/gateway-client.js';
import { startGateway, type RunningGateway } from '../gateway/start.js';
import { configureLogging } from '../logging/index.js';
import { freePort } from '../../test-support/free-port.js';
import { generateDeviceKeys } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { Waiters } from '../../test-support/wait-until.js';
import { createRemoteClient, type RemoteState } from './remote-client.js';

const TOKEN = 'remote-app-token-0123456789abcdef';

describe('the desktop app on a remote gateway', () => {
  let state: TempState;
  let port: number;
  let gw: RunningGateway | undefined;
  const start = async () => {
    gw = await startGateway({ port, env: state.env, tickIntervalMs: 100 });
  };
  beforeAll(async () => {
    port = await freePort();
    state = makeTempState({ gateway: { auth: { mode: 'token', token: TOKEN } } });
    configureLogging({ file: state.logFile, console: false });
    await start();
  });
  afterAll(async () => {
    await gw?.close();
    state?.cleanup();
  });

  it('calls and events go to the remote gateway, and it reconnects after a restart', async () => {
    const changes = new Waiters();
    const states: RemoteState[] = [];
    const device = generateDeviceKeys();
    const remote = createRemoteClient({
      connect: () => GatewayClient.connect({ url: `ws://127.0.0.1:${port}`, token: TOKEN, device, scopes: [...CLI_DEFAULT_SCOPES], client: { id: 'openclaw-linux', mode: 'ui' }, timeoutMs: 2000 }),
      onState: (s) => {
        states.push(s);
        changes.notify();
      },
      retryMs: { min: 50, max: 200 },
    });
    try {
      await remote.connected;
      expect((await remote.call('health', {})).ok).toBe(true);
      const ticks: unknown[] = [];
      remote.onEvent((event, payload) => {
        if (event === 'tick') ticks.push(payload);
        changes.notify();
      });
      await changes.until(() => (ticks.length > 0 ? true : undefined), 5000, 'a tick from the remote gateway');

      await gw!.close('restart for the test');
      await changes.until(() => (remote.state.phase === 'disconnected' ? true : undefined), 5000, 'the disconnect');
      const down = await remote.call('health', {});
      expect(down).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/^not connected to the remote gateway: /) } });

      await start();
      await changes.until(() => (remote.state.phase === 'connected' ? true : undefined), 10_000, 'the reconnect');
      expect((await remote.call('health', {})).ok).toBe(true);
      expect(states.map((s) => s.phase)).toContain('disconnected');
    } finally {
      remote.close();
    }
  });

  it('a refusal from the gateway comes back as its error envelope', async () => {
    const remote = createRemoteClient({
      connect: () => GatewayClient.connect({ url: `ws://127.0.0.1:${port}`, token: TOKEN, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES], client: { id: 'openclaw-linux', mode: 'ui' } }),
    });
    try {
      await remote.connected;
      expect(await remote.call('sessions.list', { nope: 1 } as never)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    } finally {
      remote.close();
    }
  });

  it('a gateway that cannot be reached leaves the app waiting with the reason, retrying', async () => {
    const changes = new Waiters();
    let attempts = 0;
    const remote = createRemoteClient({
      connect: () => {
        attempts++;
        return GatewayClient.connect({ url: 'ws://127.0.0.1:1', token: TOKEN, timeoutMs: 1000 });
      },
      onState: () => changes.notify(),
      retryMs: { min: 20, max: 40 },
    });
    try {
      await changes.until(() => (attempts >= 3 ? true : undefined), 5000, 'three attempts');
      expect(remote.state).toMatchObject({ phase: expect.stringMatching(/disconnected|connecting/) });
      expect(await remote.call('health', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    } finally {
      remote.close();
    }
  });
});
