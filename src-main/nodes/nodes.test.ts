import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayCallError, GatewayClient } from '../cli/gateway-client.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { generateDeviceKeys, type DeviceKeys } from './device-keys.js';
import { inCidrs } from './device-pairing.js';

/** A node as a phone or another computer connects: role node, signed device, declared commands. Not direct loopback (as if through a LAN or a proxy). */
function nodeConnect(t: TestGateway, keys: DeviceKeys, auth: { token?: string; deviceToken?: string }) {
  return GatewayClient.connect({
    url: t.url,
    ...auth,
    device: keys,
    role: 'node',
    scopes: [],
    client: { id: 'node-host', mode: 'node', platform: 'linux', displayName: 'Test Node' },
    caps: ['device'],
    commands: ['device.info', 'system.notify', 'system.run'],
    headers: { 'X-Forwarded-For': '192.0.2.10' },
  });
}

async function refusal(p: Promise<unknown>): Promise<GatewayCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayCallError);
  return err as GatewayCallError;
}

describe('nodes: pairing, invoke, revocation', () => {
  let t: TestGateway;
  let op: GatewayClient;
  const keys = generateDeviceKeys();
  let deviceToken = '';
  beforeAll(async () => {
    // device.info is outside the linux platform defaults: opted in here, as a user would.
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'nodes-test-token' }, nodes: { allowCommands: ['device.info'] } } } });
    op = await t.operator();
  });
  afterAll(() => t.close());

  it('an unknown node gets PAIRING_REQUIRED and a pending request the operator sees as an event', async () => {
    const requested = new Promise<any>((resolve) => op.on((e, p) => e === 'device.pair.requested' && resolve(p)));
    const err = await refusal(nodeConnect(t, keys, { token: t.token }));
    expect(err.detailCode).toBe('PAIRING_REQUIRED');
    expect(err.error.details).toMatchObject({ reason: 'not-paired', deviceId: keys.deviceId, requestId: expect.any(String) });
    expect(await requested).toMatchObject({ deviceId: keys.deviceId, role: 'node' });
    const list = await op.call<any>('device.pair.list', {});
    expect(list.pending).toEqual([expect.objectContaining({ deviceId: keys.deviceId, role: 'node', displayName: 'Test Node', remoteAddress: expect.any(String) })]);
  });

  it('after approval the node connects, gets a device token, and can reconnect with it alone', async () => {
    const { pending } = await op.call<any>('device.pair.list', {});
    await expect(op.call('device.pair.approve', { requestId: pending[0].requestId })).resolves.toMatchObject({ ok: true, device: { deviceId: keys.deviceId, role: 'node' } });
    await expect(op.call('device.pair.approve', { requestId: pending[0].requestId })).rejects.toMatchObject({ error: { code: 'APPROVAL_NOT_FOUND' } });
    const node = await nodeConnect(t, keys, { token: t.token });
    expect(node.hello.auth).toMatchObject({ role: 'node', scopes: [], deviceToken: expect.any(String) });
    deviceToken = node.hello.auth.deviceToken!;
    node.close();
    const again = await nodeConnect(t, keys, { deviceToken });
    expect(again.hello.auth.method).toBe('device-token');
    const nodes = await op.call<any>('node.list', {});
    expect(nodes.nodes).toEqual([expect.objectContaining({ nodeId: keys.deviceId, connected: true, commands: ['device.info', 'system.notify', 'system.run'] })]);
    again.close();
  });

  it('invoke round trip, timeout, cancel; a node cannot call operator methods', async () => {
    const node = await nodeConnect(t, keys, { deviceToken });
    // The second layer: the node's declared commands wait for an operator.
    const { pending } = await op.call<any>('node.pair.list', {});
    const request = pending.find((r: any) => r.node.nodeId === keys.deviceId);
    expect(request).toMatchObject({ commands: ['device.info', 'system.notify', 'system.run'], requiredScopes: ['operator.admin', 'operator.write'] });
    await op.call('node.pair.approve', { requestId: request.requestId });
    const seen: string[] = [];
    node.on((event, p: any) => {
      if (event === 'node.invoke.cancel') seen.push(`cancel:${p.id}`);
      if (event !== 'node.invoke.request') return;
      seen.push(p.command);
      if (p.command === 'device.info') void node.call('node.invoke.result', { id: p.id, nodeId: p.nodeId, ok: true, payloadJSON: JSON.stringify({ model: 'test', echo: JSON.parse(p.paramsJSON) }) });
      // system.notify: never answers (for the timeout and cancel cases)
    });
    await expect(op.call('node.invoke', { nodeId: keys.deviceId, command: 'device.info', params: { x: 1 }, idempotencyKey: 'i1' })).resolves.toEqual({
      ok: true,
      nodeId: keys.deviceId,
      command: 'device.info',
      payload: { model: 'test', echo: { x: 1 } },
    });
    await expect(op.call('node.invoke', { nodeId: keys.deviceId, command: 'system.notify', timeoutMs: 150, idempotencyKey: 'i2' })).resolves.toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    const slow = op.call('node.invoke', { nodeId: keys.deviceId, command: 'system.notify', timeoutMs: 30_000, idempotencyKey: 'i3' });
    await expect.poll(() => seen.filter((s) => s === 'system.notify').length).toBe(2);
    await expect(op.call('node.invoke.cancel', { idempotencyKey: 'i3' })).resolves.toEqual({ ok: true, cancelled: true });
    await expect(slow).resolves.toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    await expect.poll(() => seen.filter((s) => s.startsWith('cancel:')).length).toBe(2);
    // Commands the node does not offer, and high-risk ones without admin, are refused before reaching it.
    await expect(op.call('node.invoke', { nodeId: keys.deviceId, command: 'camera.snap', idempotencyKey: 'i4' })).rejects.toMatchObject({ error: { details: { code: 'COMMAND_NOT_ALLOWED' } } });
    const writer = await t.operator({ scopes: ['operator.write'] });
    await expect(writer.call('node.invoke', { nodeId: keys.deviceId, command: 'system.run', idempotencyKey: 'i5' })).rejects.toMatchObject({ error: { code: 'FORBIDDEN', details: { missingScope: 'operator.admin' } } });
    await expect(node.call('config.get', {})).rejects.toMatchObject({ error: { code: 'INVALID_REQUEST', message: 'unauthorized role: node' } });
    await expect(node.call('node.invoke.result', { id: 'nope', ok: true })).rejects.toMatchObject({ error: { details: { code: 'INVOKE_NOT_FOUND' } } });
    node.close();
  });

  it('removing the device closes its open connection at once and its token stops working', async () => {
    const node = await nodeConnect(t, keys, { deviceToken });
    const closed = node.closed();
    await expect(op.call('device.pair.remove', { deviceId: keys.deviceId })).resolves.toMatchObject({ removed: true, closedConnections: 1 });
    expect(await closed).toEqual({ code: 4001, reason: 'device removed' });
    expect((await refusal(nodeConnect(t, keys, { deviceToken }))).detailCode).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
    await expect(op.call('node.invoke', { nodeId: keys.deviceId, command: 'device.info', idempotencyKey: 'i6' })).rejects.toMatchObject({ error: { details: { code: 'NODE_NOT_FOUND' } } });
  });

  it('a node without a device identity is refused; nodes may speak protocol 3', async () => {
    const err = await refusal(GatewayClient.connect({ url: t.url, token: t.token, role: 'node', client: { id: 'node-host', mode: 'node' } }));
    expect(err.detailCode).toBe('DEVICE_IDENTITY_REQUIRED');
    // Protocol 3 on loopback with the token: accepted (auto-approved on direct loopback).
    const { WsProbe } = await import('../../test-support/ws-probe.js');
    const { signDeviceProof } = await import('./device-keys.js');
    const p = new WsProbe(t.url);
    const ch = (await p.next<{ payload: { nonce: string; ts: number } }>((f) => f.event === 'connect.challenge')).payload;
    const k = generateDeviceKeys();
    const device = signDeviceProof(k, { clientId: 'node-host', clientMode: 'node', role: 'node', scopes: [], signedAtMs: ch.ts, token: t.token, nonce: ch.nonce, platform: 'linux' });
    p.send({ type: 'req', id: 'c', method: 'connect', params: { minProtocol: 3, maxProtocol: 3, client: { id: 'node-host', mode: 'node', version: '1', platform: 'linux' }, role: 'node', scopes: [], auth: { token: t.token }, device } });
    expect(await p.next((f) => f.id === 'c')).toMatchObject({ ok: true, payload: { type: 'hello-ok', auth: { role: 'node' } } });
    p.close();
  });

  it('token rotation hands out a new token and closes connections using the old one', async () => {
    const k = generateDeviceKeys();
    // Direct loopback: approved at once.
    const direct = await GatewayClient.connect({ url: t.url, token: t.token, device: k, role: 'node', client: { id: 'node-host', mode: 'node' }, commands: [] });
    const tok = direct.hello.auth.deviceToken!;
    direct.close();
    const viaToken = await GatewayClient.connect({ url: t.url, deviceToken: tok, device: k, role: 'node', client: { id: 'node-host', mode: 'node' } });
    const closed = viaToken.closed();
    const rotated = await op.call<any>('device.token.rotate', { deviceId: k.deviceId });
    expect(rotated.deviceToken).not.toBe(tok);
    expect((await closed).code).toBe(4001);
    expect((await refusal(GatewayClient.connect({ url: t.url, deviceToken: tok, device: k, role: 'node', client: { id: 'node-host', mode: 'node' } }))).detailCode).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
    (await GatewayClient.connect({ url: t.url, deviceToken: rotated.deviceToken, device: k, role: 'node', client: { id: 'node-host', mode: 'node' } })).close();
  });
});

describe('inCidrs', () => {
  it.each([
    ['192.168.1.20', ['192.168.1.0/24'], true],
    ['::ffff:192.168.1.20', ['192.168.1.0/24'], true],
    ['192.168.2.20', ['192.168.1.0/24'], false],
    ['10.0.0.1', ['0.0.0.0/0'], true],
    ['10.0.0.1', ['10.0.0.1'], true],
    ['fe80::1', ['0.0.0.0/0'], false],
    ['10.0.0.1', ['garbage', '10.0.0.0/33'], false],
  ])('%s in %j → %s', (ip, cidrs, ok) => expect(inCidrs(ip, cidrs)).toBe(ok));
});
