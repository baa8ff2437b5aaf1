import { describe, expect, it } from 'vitest';
import { buildTrayMenuModel, type TrayMenuItem } from './tray-model.js';

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
    expect(labels(failed.items)).toContain('Gateway failed to start');
  });
});
