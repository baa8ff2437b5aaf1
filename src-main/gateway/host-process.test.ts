/**
 * The gateway host's side of the message protocol, with a real gateway on a private state dir; the IPC
 * channel to the parent is a plain object here (gateway-process.test.ts forks the built host for real).
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES } from '../../src-shared/protocol/index.js';
import { GatewayClient } from '../cli/gateway-client.js';
import { freePort } from '../../test-support/free-port.js';
import { generateDeviceKeys } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { Waiters } from '../../test-support/wait-until.js';
import type { HostToParent } from './host-protocol.js';
import { runGatewayHost, type ParentLink } from './host-process.js';

const SECRET = 'host-process-secret-token-0123456789';
const SECRET_ENV = 'OPENCLAW_SECRET_GATEWAY_AUTH_TOKEN';

function parent() {
  const sent: HostToParent[] = [];
  const exits: number[] = [];
  const changes = new Waiters();
  let deliver: (m: unknown) => void = () => undefined;
  let disconnect: () => void = () => undefined;
  const link: ParentLink = {
    send: async (m) => {
      sent.push(m);
      changes.notify();
    },
    onMessage: (fn) => (deliver = fn),
    onDisconnect: (fn) => (disconnect = fn),
  };
  const exit = (code: number) => {
    exits.push(code);
    changes.notify();
  };
  const next = (type: HostToParent['type']) => changes.until(() => sent.find((m) => m.type === type), 20_000, `a ${type} message`);
  return { link, sent, exits, exit, changes, next, deliver: (m: unknown) => deliver(m), disconnect: () => disconnect() };
}

let state: TempState | undefined;
afterEach(() => {
  state?.cleanup();
  state = undefined;
});

describe('gateway host process', () => {
  it('starts the gateway with the secrets from the start message, not from process.env, and stops on request', async () => {
    state = makeTempState({ gateway: { auth: { mode: 'token', token: `\${${SECRET_ENV}}` } } });
    const p = parent();
    const port = await freePort();
    runGatewayHost(p.link, { exit: p.exit, env: state.env, faults: new EventEmitter() });
    // Tried: the parent sends the token as a secret; nothing else knows it.
    p.deliver({ type: 'start', secretEnv: { [SECRET_ENV]: SECRET }, port });
    const ready = await p.next('ready');
    expect(ready).toMatchObject({ type: 'ready', port, wsUrl: `ws://127.0.0.1:${port}`, authMode: 'token', pid: process.pid });
    expect(process.env[SECRET_ENV]).toBeUndefined();
    const c = await GatewayClient.connect({ url: `ws://127.0.0.1:${port}`, token: SECRET, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES], timeoutMs: 2000 });
    c.close();

    p.deliver({ type: 'stop', reason: 'app quit' });
    await p.next('stopped');
    await p.changes.until(() => (p.exits.length ? true : undefined), 5000, 'exit');
    expect(p.exits).toEqual([0]);
  });

  it('answers failed with the config error and exits 1 on a broken config', async () => {
    state = makeTempState({ gateway: { port: -1 } });
    const p = parent();
    runGatewayHost(p.link, { exit: p.exit, env: state.env, faults: new EventEmitter() });
    p.deliver({ type: 'start', secretEnv: {} });
    const failed = await p.next('failed');
    expect(failed).toMatchObject({ message: expect.stringContaining('gateway.port') });
    await p.changes.until(() => (p.exits.length ? true : undefined), 5000, 'exit');
    expect(p.exits).toEqual([1]);
  });

  it('reports an uncaught error and exits 1, unless another handler (the plugin guard) claims it', async () => {
    state = makeTempState();
    const faults = new EventEmitter();
    const p = parent();
    runGatewayHost(p.link, { exit: p.exit, env: state.env, faults });
    // Tried: with the plugin fault trap listening too, the host leaves the decision to it.
    const trap = () => undefined;
    faults.on('uncaughtException', trap);
    faults.emit('uncaughtException', new Error('a plugin timer threw'));
    expect(p.sent).toEqual([]);
    faults.off('uncaughtException', trap);
    // Tried: nothing else listens.
    faults.emit('unhandledRejection', new Error('boom'));
    expect(await p.next('fatal')).toEqual({ type: 'fatal', message: 'boom' });
    await p.changes.until(() => (p.exits.length ? true : undefined), 5000, 'exit');
    expect(p.exits).toEqual([1]);
  });

  it('closes the gateway when the parent goes away', async () => {
    state = makeTempState({ gateway: { auth: { mode: 'token', token: SECRET } } });
    const p = parent();
    runGatewayHost(p.link, { exit: p.exit, env: state.env, faults: new EventEmitter() });
    p.deliver({ type: 'start', secretEnv: {}, port: 0 });
    const ready = await p.next('ready');
    // Tried: the app process dies; its IPC channel closes.
    p.disconnect();
    await p.changes.until(() => (p.exits.length ? true : undefined), 10_000, 'exit');
    expect(p.exits).toEqual([0]);
    await expect(GatewayClient.connect({ url: ready.type === 'ready' ? ready.wsUrl : '', token: SECRET, device: generateDeviceKeys(), timeoutMs: 1000 })).rejects.toThrow();
  });
});
