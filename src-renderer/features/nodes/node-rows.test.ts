import { describe, expect, it } from 'vitest';
import { buildNodeRows, isNotReachable, nodeCommandGroups, otherDevices, pendingRequestFor, requestNodeName, summarizeCommands, type NodeApprovals, type NodeInfo, type PairedDevice } from './node-rows.js';

const node = (nodeId: string, extra: Partial<NodeInfo> = {}): NodeInfo => ({ nodeId, caps: [], commands: [], connected: false, ...extra });
const paired = (deviceId: string, extra: Partial<PairedDevice> = {}): PairedDevice => ({
  deviceId,
  role: 'node',
  scopes: [],
  createdAtMs: 0,
  approvedAtMs: 0,
  connected: false,
  ...extra,
});

describe('buildNodeRows', () => {
  it('merges both lists by id, marks what can be removed, connected first then by name', () => {
    const rows = buildNodeRows(
      [node('n1', { displayName: 'Zed phone', connected: true, commands: ['camera.snap'] }), node('n2', { displayName: 'Alpha' })],
      [paired('n1', { platform: 'android' }), paired('n3', { displayName: 'Beta tablet', lastSeenAtMs: 5 }), paired('op', { role: 'operator', displayName: 'Browser' })],
    );
    expect(rows.map((r) => [r.id, r.name, r.connected, r.paired])).toEqual([
      ['n1', 'Zed phone', true, true],
      ['n2', 'Alpha', false, false],
      ['n3', 'Beta tablet', false, true],
    ]);
    expect(rows[0]).toMatchObject({ platform: 'android', commands: ['camera.snap'] });
    expect(rows[2]).toMatchObject({ lastSeenAtMs: 5, commands: [] });
  });

  it('works without the paired list (no pairing permission)', () => {
    expect(buildNodeRows([node('n1')], undefined)).toEqual([expect.objectContaining({ id: 'n1', paired: false })]);
  });
});

describe('otherDevices', () => {
  it('lists the non-node devices, connected first', () => {
    const list = otherDevices([paired('a', { role: 'operator', clientId: 'cli' }), paired('n', { role: 'node' }), paired('b', { role: 'operator', displayName: 'Laptop', connected: true })]);
    expect(list.map((d) => d.name)).toEqual(['Laptop', 'cli']);
  });
});

describe('summarizeCommands', () => {
  it('shortens long lists', () => {
    expect(summarizeCommands([])).toBe('none');
    expect(summarizeCommands(['a', 'b'])).toBe('a, b');
    expect(summarizeCommands(['a', 'b', 'c', 'd'], 2)).toBe('a, b +2 more');
  });
});

describe('isNotReachable', () => {
  it('recognises the loopback-only refusal', () => {
    expect(isNotReachable({ message: 'the gateway listens on loopback only', code: 'GATEWAY_NOT_REACHABLE' })).toBe(true);
    expect(isNotReachable({ message: 'x', code: 'INVALID_REQUEST' })).toBe(false);
  });
});

describe('nodeCommandGroups', () => {
  const approvals = (over: Partial<NodeApprovals> = {}): NodeApprovals => ({ pending: [], paired: [], ...over });

  it('shows declared commands apart from approved ones, and approved ones the policy still blocks apart from those that run', () => {
    const row = { id: 'n1', commands: ['camera.snap', 'device.info', 'location.get', 'system.notify'], allowedCommands: ['location.get'] };
    const groups = nodeCommandGroups(row, approvals({ paired: [{ nodeId: 'n1', commands: ['device.info', 'location.get', 'gone.command'], approvedAtMs: 1 }] }));
    expect(groups).toEqual({
      declared: ['camera.snap', 'device.info', 'location.get', 'system.notify'],
      approved: ['device.info', 'location.get'],
      runs: ['location.get'],
      blocked: ['device.info'],
      waiting: [],
    });
  });

  it('lists what waits in the pending request', () => {
    const pending = { requestId: 'r1', node: { nodeId: 'n1', displayName: 'Pixel' }, commands: ['camera.snap', 'system.notify'], blockedByPolicy: ['camera.snap'], requiredScopes: ['operator.write'], createdAtMs: 0 };
    const a = approvals({ pending: [pending] });
    const groups = nodeCommandGroups({ id: 'n1', commands: ['system.notify', 'camera.snap'], allowedCommands: [] }, a);
    expect(groups).toMatchObject({ approved: [], runs: [], blocked: [], waiting: ['system.notify', 'camera.snap'] });
    expect(pendingRequestFor('n1', a)?.requestId).toBe('r1');
    expect(requestNodeName(pending)).toBe('Pixel');
  });

  it('without the approvals list (no pairing scope) it still shows what runs', () => {
    expect(nodeCommandGroups({ id: 'n1', commands: ['a', 'b'], allowedCommands: ['a'] }, undefined)).toEqual({ declared: ['a', 'b'], approved: ['a'], runs: ['a'], blocked: [], waiting: [] });
  });
});
