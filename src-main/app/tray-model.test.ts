import { describe, expect, it } from 'vitest';
import { buildTrayMenuModel, controlUiAddress, MAX_TRAY_APPROVALS, type TrayMenuItem } from './tray-model.js';

const actions = (items: TrayMenuItem[]) => items.flatMap((i) => (i.kind === 'action' ? [i.action] : []));
const labels = (items: TrayMenuItem[]) => items.flatMap((i) => (i.kind === 'separator' ? [] : [i.label]));

describe('buildTrayMenuModel', () => {
  it('offers Open and Quit while the gateway starts', () => {
    const m = buildTrayMenuModel({ gateway: 'starting', windowVisible: false });
    expect(actions(m.items)).toEqual(['open', 'quit']);
    expect(labels(m.items)).toContain('Gateway starting…');
    expect(m.tooltip).toBe('OpenClaw: gateway starting…');
  });

  it('shows the address and a browser item once running', () => {
    const m = buildTrayMenuModel({ gateway: 'running', httpUrl: 'http://127.0.0.1:18789/', windowVisible: true });
    expect(actions(m.items)).toEqual(['open', 'open-in-browser', 'quit']);
    expect(labels(m.items)).toContain('Gateway running on http://127.0.0.1:18789/');
    expect(m.items.at(-1)).toEqual({ kind: 'action', action: 'quit', label: 'Quit OpenClaw', enabled: true });
    expect(m.items.at(-2)).toEqual({ kind: 'separator' });
  });

  it('counts pending approvals in the menu and tooltip', () => {
    const one = buildTrayMenuModel({ gateway: 'running', httpUrl: 'http://x/', windowVisible: false, pendingApprovals: 1 });
    expect(labels(one.items)).toContain('1 pending approval');
    const many = buildTrayMenuModel({ gateway: 'running', windowVisible: false, pendingApprovals: 3 });
    expect(labels(many.items)).toContain('3 pending approvals');
    expect(many.tooltip).toBe('OpenClaw: gateway running, 3 pending approvals');
    const none = buildTrayMenuModel({ gateway: 'running', windowVisible: false, pendingApprovals: 0 });
    expect(labels(none.items).some((l) => l.includes('approval'))).toBe(false);
  });

  it('disables Quit while stopping and reports a failed start', () => {
    const stopping = buildTrayMenuModel({ gateway: 'stopping', windowVisible: false });
    expect(stopping.items.find((i) => i.kind === 'action' && i.action === 'quit')).toMatchObject({ enabled: false });
    const failed = buildTrayMenuModel({ gateway: 'failed', httpUrl: 'http://x/', windowVisible: false });
    expect(actions(failed.items)).toEqual(['open', 'quit']);
    expect(labels(failed.items)).toContain('Gateway stopped');
  });

  it('says why the gateway process is restarting or stopped, and offers to start it again once it gave up', () => {
    const restarting = buildTrayMenuModel({ gateway: 'restarting', gatewayReason: 'The gateway process was killed (SIGKILL); restarting in 1 s (restart 1 of at most 3).', windowVisible: false });
    expect(labels(restarting.items)).toEqual(expect.arrayContaining(['Gateway restarting…', 'The gateway process was killed (SIGKILL); restarting in 1 s (restart 1 of at most 3).']));
    expect(actions(restarting.items)).toEqual(['open', 'quit']);
    const gaveUp = buildTrayMenuModel({ gateway: 'failed', gatewayReason: 'port 18789 on 127.0.0.1 is already in use by another process', windowVisible: false });
    expect(labels(gaveUp.items)).toContain('port 18789 on 127.0.0.1 is already in use by another process');
    expect(actions(gaveUp.items)).toEqual(['open', 'restart-gateway', 'quit']);
    expect(gaveUp.tooltip).toBe('OpenClaw: gateway stopped');
  });

  it('lists approve and reject items per pending request with a badge, and sends the rest to the Pairing page', () => {
    const approvals = [
      { key: 'sender:telegram:default:ABCD2345', title: 'Telegram: Ada (4242), code ABCD2345' },
      { key: 'device:r1', title: 'New node: Pixel 8 (android)' },
    ];
    const m = buildTrayMenuModel({ gateway: 'running', httpUrl: 'http://x/', windowVisible: false, approvals });
    expect(m.badge).toBe('2');
    expect(m.iconBadge).toBe(true);
    expect(m.items.filter((i) => i.kind === 'approval')).toEqual([
      { kind: 'approval', decision: 'approve', key: approvals[0]!.key, label: 'Approve Telegram: Ada (4242), code ABCD2345' },
      { kind: 'approval', decision: 'reject', key: approvals[0]!.key, label: 'Reject Telegram: Ada (4242), code ABCD2345' },
      { kind: 'approval', decision: 'approve', key: 'device:r1', label: 'Approve New node: Pixel 8 (android)' },
      { kind: 'approval', decision: 'reject', key: 'device:r1', label: 'Reject New node: Pixel 8 (android)' },
    ]);
    expect(actions(m.items)).toEqual(['open', 'open-pairing', 'open-in-browser', 'quit']);
    expect(m.tooltip).toBe('OpenClaw: gateway running, 2 pending approvals');

    const many = Array.from({ length: MAX_TRAY_APPROVALS + 3 }, (_, i) => ({ key: `device:${i}`, title: `New device: d${i}` }));
    const long = buildTrayMenuModel({ gateway: 'running', windowVisible: false, approvals: many });
    expect(long.items.filter((i) => i.kind === 'approval')).toHaveLength(2 * MAX_TRAY_APPROVALS);
    expect(labels(long.items)).toContain('Show 3 more on the Pairing page…');
    expect(buildTrayMenuModel({ gateway: 'running', windowVisible: false, approvals: Array.from({ length: 120 }, (_, i) => ({ key: `k${i}`, title: 't' })) }).badge).toBe('99+');

    const none = buildTrayMenuModel({ gateway: 'running', windowVisible: false, approvals: [] });
    expect(none.badge).toBe('');
    expect(none.iconBadge).toBe(false);
    expect(buildTrayMenuModel({ gateway: 'running', windowVisible: false, pendingApprovals: 3 }).iconBadge).toBe(true);
    expect(none.items.some((i) => i.kind === 'approval')).toBe(false);
    // Never two separators in a row.
    expect(none.items.some((i, k) => i.kind === 'separator' && none.items[k + 1]?.kind === 'separator')).toBe(false);
    expect(m.items.some((i, k) => i.kind === 'separator' && m.items[k + 1]?.kind === 'separator')).toBe(false);
  });

  it('sends node command requests to the Nodes page, and a mix to the Pairing page', () => {
    const node = { key: 'node:r1', title: 'Node commands: Pixel 8 (android) wants location.get', page: 'nodes' as const };
    const sender = { key: 'sender:t', title: 'Telegram: Ada (1), code ABCD2345' };
    const onlyNodes = buildTrayMenuModel({ gateway: 'running', windowVisible: false, approvals: [node] });
    expect(onlyNodes.items).toContainEqual({ kind: 'action', action: 'open-nodes', label: 'Open the Nodes page…', enabled: true });
    const mixed = buildTrayMenuModel({ gateway: 'running', windowVisible: false, approvals: [node, sender] });
    expect(mixed.items).toContainEqual({ kind: 'action', action: 'open-pairing', label: 'Open the Pairing page…', enabled: true });
  });
});

describe('updates in the tray', () => {
  const base = { gateway: 'running' as const, windowVisible: false };
  it('shows the download, then offers the restart, then says what it waits for', () => {
    expect(labels(buildTrayMenuModel({ ...base, update: { phase: 'downloading', version: '2.0.0', percent: 42 } }).items)).toContain('Downloading update 2.0.0 (42 %)');
    const ready = buildTrayMenuModel({ ...base, update: { phase: 'ready', version: '2.0.0' } });
    expect(ready.items).toContainEqual({ kind: 'action', action: 'restart-to-update', label: 'Restart to update to 2.0.0', enabled: true });
    const waiting = buildTrayMenuModel({ ...base, update: { phase: 'waiting-for-turns', version: '2.0.0', running: 2 } });
    expect(labels(waiting.items)).toContain('Update 2.0.0 installs when 2 running turns finish');
    expect(actions(waiting.items)).toContain('cancel-update-restart');
    expect(actions(waiting.items)).not.toContain('restart-to-update');
  });

  it('says nothing about updates while idle, checking or after a failed check', () => {
    for (const update of [{ phase: 'idle' as const }, { phase: 'checking' as const }, { phase: 'error' as const, message: 'offline' }]) {
      expect(actions(buildTrayMenuModel({ ...base, update }).items)).toEqual(['open', 'quit']);
    }
  });
});

describe('start at login in the tray', () => {
  it('is a check item showing the setting', () => {
    const m = buildTrayMenuModel({ gateway: 'running', windowVisible: false, startAtLogin: true });
    expect(m.items).toContainEqual({ kind: 'toggle', action: 'toggle-start-at-login', label: 'Start at login', checked: true });
    expect(buildTrayMenuModel({ gateway: 'running', windowVisible: false }).items.some((i) => i.kind === 'toggle')).toBe(false);
  });
});

describe('remote mode in the tray', () => {
  it('names the gateway in use and why it is not connected', () => {
    const m = buildTrayMenuModel({ gateway: 'remote', windowVisible: false, remote: { url: 'wss://gw.example', error: 'ECONNREFUSED' } });
    expect(labels(m.items)).toEqual(expect.arrayContaining(['Using the gateway at wss://gw.example (none runs here)', 'Not connected: ECONNREFUSED']));
    expect(m.tooltip).toBe('OpenClaw: using a remote gateway');
  });

  it('says when it uses a gateway that was already running here', () => {
    const m = buildTrayMenuModel({ gateway: 'attached', windowVisible: false, remote: { url: 'ws://127.0.0.1:18789' } });
    expect(labels(m.items)).toContain('Using the gateway already running at ws://127.0.0.1:18789');
    expect(m.tooltip).toBe('OpenClaw: using the gateway already running');
    const down = buildTrayMenuModel({ gateway: 'attached', windowVisible: false, remote: { url: 'ws://127.0.0.1:18789', error: 'gateway closed' } });
    expect(labels(down.items)).toContain('Not connected: gateway closed');
  });

  it('opens the Control UI in the browser through the gateway it is connected to, not while disconnected', () => {
    const up = { gateway: 'remote' as const, windowVisible: false, remote: { url: 'wss://gw.example' } };
    expect(actions(buildTrayMenuModel(up).items)).toContain('open-in-browser');
    expect(controlUiAddress(up)).toBe('wss://gw.example');
    expect(actions(buildTrayMenuModel({ ...up, remote: { url: 'wss://gw.example', error: 'ECONNREFUSED' } }).items)).not.toContain('open-in-browser');
    expect(controlUiAddress({ gateway: 'running', httpUrl: 'http://127.0.0.1:18789/' })).toBe('http://127.0.0.1:18789/');
  });
});
