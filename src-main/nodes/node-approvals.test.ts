import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../cli/gateway-client.js';
import { startGateway } from '../gateway/start.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { WsProbe } from '../../test-support/ws-probe.js';
import { generateDeviceKeys, signDeviceProof, type DeviceKeys } from './device-keys.js';

/** A node on this machine (loopback + token: the device is approved at once, its commands are not). Answers every invoke with its params. */
async function connectNode(url: string, token: string, keys: DeviceKeys, commands: string[], platform = 'linux') {
  const node = await GatewayClient.connect({ url, token, device: keys, role: 'node', client: { id: 'node-host', mode: 'node', platform, displayName: `node-${platform}` }, commands });
  const events: string[] = [];
  node.on((event, p: any) => {
    events.push(event);
    if (event === 'node.invoke.request') void node.call('node.invoke.result', { id: p.id, ok: true, payloadJSON: JSON.stringify({ did: p.command }) });
  });
  return Object.assign(node, { events });
}

/** The first event `name` (optionally matching) the client receives from now on. */
function nextEvent<T = any>(c: GatewayClient, name: string, match: (p: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const off = c.on((event, payload) => {
      if (event === name && match(payload as T)) {
        off();
        resolve(payload as T);
      }
    });
  });
}

const invoke = (op: GatewayClient, nodeId: string, command: string, key: string) => op.call<any>('node.invoke', { nodeId, command, params: {}, idempotencyKey: key });

describe('node capability approval (node.pair.*)', () => {
  let t: TestGateway;
  let op: GatewayClient;
  beforeAll(async () => {
    t = await startTestGateway();
    op = await t.operator();
  });
  afterAll(() => t.close());

  it('declared commands wait for an operator; host commands need admin to approve; the platform allowlist still applies', async () => {
    const keys = generateDeviceKeys();
    const requested = nextEvent<any>(op, 'node.pair.requested', (p) => p.node.nodeId === keys.deviceId);
    const node = await connectNode(t.url, t.token, keys, ['system.notify', 'device.info', 'system.run']);
    const req = await requested;
    expect(req).toMatchObject({
      requestId: expect.any(String),
      node: { nodeId: keys.deviceId, platform: 'linux', clientId: 'node-host' },
      commands: ['device.info', 'system.notify', 'system.run'],
      blockedByPolicy: ['device.info'],
      requiredScopes: ['operator.admin', 'operator.write'],
    });
    expect((await op.call<any>('node.describe', { nodeId: keys.deviceId }))).toMatchObject({ allowedCommands: [], pendingRequestId: req.requestId });

    // Until approval node.invoke fails, and says how to approve.
    await expect(invoke(op, keys.deviceId, 'system.notify', 'a1')).rejects.toMatchObject({
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/waiting for approval.*openclaw nodes approve/), details: { code: 'COMMAND_NOT_APPROVED', reason: 'not-approved', requestId: req.requestId } },
    });

    // system.run is in the request: pairing + write is not enough.
    const writer = await t.operator({ scopes: ['operator.pairing', 'operator.write'] });
    await expect(writer.call('node.pair.approve', { requestId: req.requestId })).rejects.toMatchObject({ error: { code: 'FORBIDDEN', details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin' } } });
    const reader = await t.operator({ scopes: ['operator.read'] });
    await expect(reader.call('node.pair.list', {})).rejects.toMatchObject({ error: { code: 'FORBIDDEN', details: { missingScope: 'operator.pairing' } } });

    const resolved = nextEvent<any>(op, 'node.pair.resolved', (p) => p.requestId === req.requestId);
    await expect(op.call('node.pair.approve', { requestId: req.requestId })).resolves.toEqual({ ok: true, requestId: req.requestId, nodeId: keys.deviceId, commands: req.commands, blockedByPolicy: ['device.info'] });
    expect(await resolved).toMatchObject({ decision: 'approved', nodeId: keys.deviceId });
    await expect(op.call('node.pair.approve', { requestId: req.requestId })).rejects.toMatchObject({ error: { code: 'APPROVAL_NOT_FOUND' } });

    await expect(invoke(op, keys.deviceId, 'system.notify', 'a2')).resolves.toEqual({ ok: true, nodeId: keys.deviceId, command: 'system.notify', payload: { did: 'system.notify' } });
    await expect(invoke(op, keys.deviceId, 'system.run', 'a3')).resolves.toMatchObject({ ok: true });
    // Approved, but linux nodes may not offer device.info unless gateway.nodes.allowCommands says so.
    await expect(invoke(op, keys.deviceId, 'device.info', 'a4')).rejects.toMatchObject({
      error: { message: expect.stringContaining('gateway.nodes.allowCommands'), details: { code: 'COMMAND_NOT_ALLOWED', reason: 'platform' } },
    });
    expect(await op.call<any>('node.describe', { nodeId: keys.deviceId })).toMatchObject({ allowedCommands: ['system.notify', 'system.run'] });
    expect((await op.call<any>('node.pair.list', {})).paired).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: keys.deviceId, commands: req.commands })]));
    node.close();
  });

  it('a widened surface supersedes the request; reject makes the node ask again; remove withdraws approvals', async () => {
    const keys = generateDeviceKeys();
    const writer = await t.operator({ scopes: ['operator.pairing', 'operator.write'] });
    const first = nextEvent<any>(op, 'node.pair.requested', (p) => p.node.nodeId === keys.deviceId);
    let node = await connectNode(t.url, t.token, keys, ['system.notify'], 'android');
    // Ordinary commands need only write besides pairing.
    await writer.call('node.pair.approve', { requestId: (await first).requestId });
    node.close();

    const second = nextEvent<any>(op, 'node.pair.requested', (p) => p.node.nodeId === keys.deviceId);
    node = await connectNode(t.url, t.token, keys, ['system.notify', 'location.get'], 'android');
    const r2 = await second;
    expect(r2.commands).toEqual(['location.get']);
    node.close();

    const superseded = nextEvent<any>(op, 'node.pair.resolved', (p) => p.requestId === r2.requestId);
    const third = nextEvent<any>(op, 'node.pair.requested', (p) => p.node.nodeId === keys.deviceId);
    node = await connectNode(t.url, t.token, keys, ['system.notify', 'location.get', 'camera.list'], 'android');
    expect(await superseded).toMatchObject({ decision: 'superseded' });
    const r3 = await third;
    expect(r3).toMatchObject({ commands: ['camera.list', 'location.get'], blockedByPolicy: [] });
    // The old id approves nothing: an approval covers exactly the list the operator saw.
    await expect(op.call('node.pair.approve', { requestId: r2.requestId })).rejects.toMatchObject({ error: { code: 'APPROVAL_NOT_FOUND' } });

    await expect(op.call('node.pair.reject', { requestId: r3.requestId })).resolves.toEqual({ ok: true, requestId: r3.requestId, nodeId: keys.deviceId });
    expect((await op.call<any>('node.pair.list', {})).pending.map((p: any) => p.node.nodeId)).not.toContain(keys.deviceId);
    await expect(invoke(op, keys.deviceId, 'location.get', 'b1')).rejects.toMatchObject({ error: { details: { code: 'COMMAND_NOT_APPROVED' } } });
    await expect(invoke(op, keys.deviceId, 'system.notify', 'b2')).resolves.toMatchObject({ ok: true });
    node.close();

    const again = nextEvent<any>(op, 'node.pair.requested', (p) => p.node.nodeId === keys.deviceId);
    node = await connectNode(t.url, t.token, keys, ['system.notify', 'location.get', 'camera.list'], 'android');
    expect((await again).commands).toEqual(['camera.list', 'location.get']);

    await expect(op.call('node.pair.remove', { nodeId: keys.deviceId })).resolves.toEqual({ ok: true, nodeId: keys.deviceId, removedCommands: 1 });
    await expect(invoke(op, keys.deviceId, 'system.notify', 'b3')).rejects.toMatchObject({ error: { details: { code: 'COMMAND_NOT_APPROVED' } } });
    node.close();
  });

  it('gateway.nodes.denyCommands wins over an approval', async () => {
    const g = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'deny-test' }, nodes: { denyCommands: ['system.notify'] } } } });
    try {
      const admin = await g.operator();
      const keys = generateDeviceKeys();
      const requested = nextEvent<any>(admin, 'node.pair.requested');
      const node = await connectNode(g.url, g.token, keys, ['system.notify']);
      const req = await requested;
      expect(req.blockedByPolicy).toEqual(['system.notify']);
      await admin.call('node.pair.approve', { requestId: req.requestId });
      await expect(invoke(admin, keys.deviceId, 'system.notify', 'd1')).rejects.toMatchObject({ error: { details: { code: 'COMMAND_NOT_ALLOWED', reason: 'denied' } } });
      node.close();
    } finally {
      await g.close();
    }
  });
});

describe('node approvals are kept in the database', () => {
  it('survive a restart (approvals and pending requests); unpairing the device drops them', async () => {
    const t = await startTestGateway();
    const keys = generateDeviceKeys();
    let op = await t.operator();
    const requested = nextEvent<any>(op, 'node.pair.requested');
    let node = await connectNode(t.url, t.token, keys, ['system.notify']);
    await op.call('node.pair.approve', { requestId: (await requested).requestId });
    node.close();
    const widened = nextEvent<any>(op, 'node.pair.requested');
    node = await connectNode(t.url, t.token, keys, ['system.notify', 'system.run']);
    const pendingId = (await widened).requestId;
    node.close();
    op.close();
    await t.gw.close('restart');

    const gw = await startGateway({ port: 0, env: t.state.env });
    try {
      op = await GatewayClient.connect({ url: gw.wsUrl, token: t.token, device: generateDeviceKeys(), scopes: ['operator.admin', 'operator.pairing'] });
      const list = await op.call<any>('node.pair.list', {});
      expect(list.pending).toEqual([expect.objectContaining({ requestId: pendingId, commands: ['system.run'] })]);
      expect(list.paired).toEqual([expect.objectContaining({ nodeId: keys.deviceId, commands: ['system.notify'] })]);
      node = await connectNode(gw.wsUrl, t.token, keys, ['system.notify', 'system.run']);
      await expect(invoke(op, keys.deviceId, 'system.notify', 'p1')).resolves.toMatchObject({ ok: true });
      // Still the same request: the surface did not change.
      expect((await op.call<any>('node.pair.list', {})).pending).toEqual([expect.objectContaining({ requestId: pendingId })]);
      await op.call('device.pair.remove', { deviceId: keys.deviceId });
      expect(await op.call<any>('node.pair.list', {})).toEqual({ pending: [], paired: [] });
      op.close();
    } finally {
      await gw.close();
      t.state.cleanup();
    }
  });
});

describe('node handshake: protocol 3 and 4', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  /** A raw signed connect with the given protocol range. */
  async function handshake(range: [number, number], role: 'node' | 'operator', mode: 'node' | 'cli' | 'probe') {
    const p = new WsProbe(t.url);
    const ch = (await p.next<{ payload: { nonce: string; ts: number } }>((f) => f.event === 'connect.challenge')).payload;
    const clientId = mode === 'node' ? 'node-host' : mode === 'probe' ? 'openclaw-probe' : 'cli';
    const device = signDeviceProof(generateDeviceKeys(), { clientId, clientMode: mode, role, scopes: [], signedAtMs: ch.ts, token: t.token, nonce: ch.nonce, platform: 'linux' });
    p.send({ type: 'req', id: 'c', method: 'connect', params: { minProtocol: range[0], maxProtocol: range[1], client: { id: clientId, mode, version: '1', platform: 'linux' }, role, scopes: [], auth: { token: t.token }, device } });
    const res = await p.next<any>((f) => f.id === 'c');
    const closed = res.ok ? undefined : await p.closed;
    p.close();
    return { res, closed };
  }

  it.each([
    [[3, 3], 'node', 'node', 3],
    [[3, 4], 'node', 'node', 4],
    [[4, 4], 'node', 'node', 4],
    [[3, 3], 'operator', 'probe', 3],
  ] as const)('%j as %s/%s is accepted, answered in protocol %i', async (range, role, mode, protocol) => {
    const { res } = await handshake([...range], role, mode);
    expect(res).toMatchObject({ ok: true, payload: { type: 'hello-ok', protocol, auth: { role } } });
  });

  it.each([
    [[3, 3], 'operator', 'cli'],
    [[3, 3], 'node', 'cli'],
    [[2, 2], 'node', 'node'],
    [[5, 6], 'node', 'node'],
  ] as const)('%j as %s/%s is refused with PROTOCOL_MISMATCH and close 1002', async (range, role, mode) => {
    const { res, closed } = await handshake([...range], role, mode);
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'protocol mismatch', details: { code: 'PROTOCOL_MISMATCH', expectedProtocol: 4, minimumProbeProtocol: 3 } } });
    expect(closed?.code).toBe(1002);
  });

  it('a node gets no roster of connected clients, in its hello or as presence events', async () => {
    const keys = generateDeviceKeys();
    const node = await connectNode(t.url, t.token, keys, []);
    expect(node.hello.snapshot.presence).toEqual([]);
    const op = await t.operator();
    expect(op.hello.snapshot.presence.map((e) => e.deviceId)).toContain(keys.deviceId);
    const seen = nextEvent<any>(op, 'presence');
    (await t.operator()).close();
    expect((await seen).presence.length).toBeGreaterThanOrEqual(2);
    // Frames on one socket arrive in order: anything sent to the node before this answer has arrived.
    await node.call('node.event', { event: 'ping' });
    expect(node.events).not.toContain('presence');
    node.close();
  });
});
