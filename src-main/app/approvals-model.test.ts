import { describe, expect, it } from 'vitest';
import { ApprovalsTracker, approvalNotification, approvalPage, approvalTitle, decisionCall, fromDeviceRequest, fromNodeCommandsRequest, fromSenderRequest } from './approvals-model.js';

const T0 = Date.UTC(2026, 4, 1, 12);
const iso = (ms: number) => new Date(ms).toISOString();

const sender = (over: Partial<{ id: string; code: string; name: string; accountId: string; expiresAtMs: number }> = {}) => ({
  id: over.id ?? '4242',
  code: over.code ?? 'ABCD2345',
  channel: 'telegram',
  accountId: over.accountId ?? 'default',
  createdAt: iso(T0),
  lastSeenAt: iso(T0),
  expiresAt: iso(over.expiresAtMs ?? T0 + 3_600_000),
  meta: { heldMessages: 1, ...(over.name ? { name: over.name } : {}) },
});

const device = (requestId = 'req-1', expiresAtMs = T0 + 300_000) => ({
  requestId,
  deviceId: 'd'.repeat(64),
  publicKey: 'pk',
  role: 'node',
  scopes: [],
  reason: 'not-paired',
  clientId: 'node-host',
  clientMode: 'node',
  platform: 'android',
  displayName: 'Pixel 8',
  createdAtMs: T0,
  expiresAtMs,
});

const nodeCommands = (requestId = 'nreq-1', commands = ['camera.snap', 'location.get', 'system.notify', 'device.info'], blockedByPolicy: string[] = ['camera.snap']) => ({
  requestId,
  node: { nodeId: 'n'.repeat(64), displayName: 'Pixel 8', platform: 'android' },
  commands,
  blockedByPolicy,
  requiredScopes: ['operator.write'],
  createdAtMs: T0,
});

const LABELS = { telegram: 'Telegram' };

const requestedEvent = (s: ReturnType<typeof sender>) => ({ type: 'requested' as const, ...s });

describe('approval titles and calls', () => {
  it('names the channel, the sender (name and id) and the code', () => {
    expect(approvalTitle(fromSenderRequest(sender({ name: 'Ada' }), LABELS))).toBe('Telegram: Ada (4242), code ABCD2345');
    expect(approvalTitle(fromSenderRequest(sender({ accountId: 'work' }), LABELS))).toBe('Telegram [work]: 4242, code ABCD2345');
    expect(approvalTitle(fromDeviceRequest(device()))).toBe('New node: Pixel 8 (android)');
    expect(approvalNotification(fromSenderRequest(sender({ name: 'Ada' }), LABELS))).toEqual({
      title: 'Telegram: someone new wants to talk to your assistant',
      body: 'Ada (4242), pairing code ABCD2345. Approve or reject from the tray or the Pairing page.',
    });
    expect(approvalNotification(fromDeviceRequest(device())).body).toBe('Pixel 8 (android). Approve or reject from the tray or the Pairing page.');
  });

  it('maps a decision to the gateway method', () => {
    const s = fromSenderRequest(sender());
    expect(decisionCall(s, 'approve')).toEqual({ method: 'channels.pairing.approve', params: { channel: 'telegram', accountId: 'default', code: 'ABCD2345', notify: true } });
    expect(decisionCall(s, 'reject')).toEqual({ method: 'channels.pairing.dismiss', params: { channel: 'telegram', accountId: 'default', code: 'ABCD2345' } });
    const d = fromDeviceRequest(device());
    expect(decisionCall(d, 'approve')).toEqual({ method: 'device.pair.approve', params: { requestId: 'req-1' } });
    expect(decisionCall(d, 'reject')).toEqual({ method: 'device.pair.reject', params: { requestId: 'req-1' } });
    const n = fromNodeCommandsRequest(nodeCommands());
    expect(decisionCall(n, 'approve')).toEqual({ method: 'node.pair.approve', params: { requestId: 'nreq-1' } });
    expect(decisionCall(n, 'reject')).toEqual({ method: 'node.pair.reject', params: { requestId: 'nreq-1' } });
    expect([approvalPage(s), approvalPage(d), approvalPage(n)]).toEqual(['pairing', 'pairing', 'nodes']);
  });

  it("names a node's command request with its commands, and says which stay blocked even once approved", () => {
    const n = fromNodeCommandsRequest(nodeCommands());
    expect(approvalTitle(n)).toBe('Node commands: Pixel 8 (android) wants camera.snap, location.get, system.notify +1 more');
    expect(approvalNotification(n)).toEqual({
      title: 'A node asks to run commands',
      body: 'Pixel 8 (android): camera.snap, location.get, system.notify, device.info. camera.snap would stay blocked for its platform (gateway.nodes.allowCommands opts in). Approve or reject from the tray or the Nodes page.',
    });
    expect(approvalNotification(fromNodeCommandsRequest(nodeCommands('r', ['system.notify'], []))).body).toBe('Pixel 8 (android): system.notify. Approve or reject from the tray or the Nodes page.');
  });
});

describe('ApprovalsTracker: notification rules', () => {
  it('announces a new request once, from its event', () => {
    const t = new ApprovalsTracker(() => T0);
    const first = t.onEvent('pairing', requestedEvent(sender({ name: 'Ada' })));
    expect(first.announce).toMatchObject({ kind: 'sender', senderId: '4242', name: 'Ada', code: 'ABCD2345' });
    // The same request again (a repeated event, or the sender writing again): no second notification.
    expect(t.onEvent('pairing', requestedEvent(sender({ name: 'Ada' }))).announce).toBeUndefined();
    expect(t.pending()).toHaveLength(1);
  });

  it('never announces what a list load brings: start, reconnect and refresh only show', () => {
    const t = new ApprovalsTracker(() => T0);
    t.load({ senders: [sender()], devices: [device()] });
    expect(t.pending().map((a) => a.kind)).toEqual(['device', 'sender']); // the one expiring first on top
    // An event for a request the list already showed is not news either.
    expect(t.onEvent('device.pair.requested', device()).announce).toBeUndefined();
    // After a reconnect the same lists load again: still nothing to announce, nothing lost.
    t.load({ senders: [sender()], devices: [device()] });
    expect(t.pending()).toHaveLength(2);
  });

  it('does not announce a request that has already expired, and drops requests as they expire', () => {
    let now = T0;
    const t = new ApprovalsTracker(() => now);
    expect(t.onEvent('pairing', requestedEvent(sender({ expiresAtMs: T0 - 1 })))).toEqual({ changed: false });
    expect(t.pending()).toEqual([]);
    t.onEvent('device.pair.requested', device('req-2', T0 + 1000));
    expect(t.nextExpiryMs()).toBe(T0 + 1000);
    now = T0 + 1000;
    expect(t.pending()).toEqual([]);
    expect(t.get('device:req-2')).toBeUndefined();
  });

  it('a node command request is announced once, never expires, is listed after expiring requests and leaves when resolved', () => {
    let now = T0;
    const t = new ApprovalsTracker(() => now);
    expect(t.onEvent('node.pair.requested', nodeCommands()).announce).toMatchObject({ kind: 'node-commands', requestId: 'nreq-1', commands: expect.arrayContaining(['camera.snap']) });
    expect(t.onEvent('node.pair.requested', nodeCommands()).announce).toBeUndefined();
    expect(t.nextExpiryMs()).toBeUndefined();
    t.onEvent('device.pair.requested', device('req-9', T0 + 1000));
    expect(t.pending().map((a) => a.kind)).toEqual(['device', 'node-commands']);
    expect(t.nextExpiryMs()).toBe(T0 + 1000);
    now = T0 + 365 * 86_400_000;
    expect(t.pending().map((a) => a.key)).toEqual(['node:nreq-1']);
    expect(t.onEvent('node.pair.resolved', { requestId: 'nreq-1', nodeId: 'n', decision: 'approved' })).toEqual({ changed: true });
    expect(t.pending()).toEqual([]);
    // A list load shows a node request without announcing it.
    t.load({ senders: [], devices: [], nodeCommands: [nodeCommands('nreq-2')] });
    expect(t.pending().map((a) => a.key)).toEqual(['node:nreq-2']);
    expect(t.onEvent('node.pair.requested', nodeCommands('nreq-2')).announce).toBeUndefined();
  });

  it('removes a request when it is approved, dismissed, expires or is resolved elsewhere; a new code is news again', () => {
    const t = new ApprovalsTracker(() => T0);
    t.onEvent('pairing', requestedEvent(sender()));
    expect(t.onEvent('pairing', { type: 'approved', channel: 'telegram', accountId: 'default', id: '4242', code: 'ABCD2345' }).changed).toBe(true);
    expect(t.pending()).toEqual([]);
    t.onEvent('device.pair.requested', device());
    t.onEvent('device.pair.resolved', { requestId: 'req-1', deviceId: 'd', decision: 'rejected' });
    expect(t.pending()).toEqual([]);
    // The same sender writes again later and gets a new code: a new request, announced.
    expect(t.onEvent('pairing', requestedEvent(sender({ code: 'WXYZ6789' }))).announce).toMatchObject({ code: 'WXYZ6789' });
    expect(t.onEvent('pairing', { type: 'expired', channel: 'telegram', accountId: 'default', senderId: '4242', code: 'WXYZ6789' }).changed).toBe(true);
    expect(t.onEvent('health', {})).toEqual({ changed: false });
  });
});
