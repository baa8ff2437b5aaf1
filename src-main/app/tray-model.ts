/** What the tray shows, as data; `main.ts` maps it onto Electron's Menu. */
export interface TrayState {
  gateway: 'starting' | 'running' | 'stopping' | 'failed';
  /** Where the Control UI answers, once the gateway listens. */
  httpUrl?: string;
  /** Pending approvals (exec, plugin, pairing); the approve/reject items come with the approvals issue. */
  pendingApprovals?: number;
  windowVisible: boolean;
}

export type TrayAction = 'open' | 'open-in-browser' | 'quit';

export type TrayMenuItem =
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean }
  | { kind: 'info'; label: string }
  | { kind: 'separator' };

export interface TrayMenuModel {
  tooltip: string;
  items: TrayMenuItem[];
}

const STATUS_LABEL: Record<TrayState['gateway'], string> = {
  starting: 'Gateway starting…',
  running: 'Gateway running',
  stopping: 'Gateway stopping…',
  failed: 'Gateway failed to start',
};

function approvalsLabel(n: number): string {
  return n === 1 ? '1 pending approval' : `${n} pending approvals`;
}

/** Pure: the tray tooltip and menu for a state. */
export function buildTrayMenuModel(state: TrayState): TrayMenuModel {
  const pending = Math.max(0, Math.floor(state.pendingApprovals ?? 0));
  const status = STATUS_LABEL[state.gateway];
  const items: TrayMenuItem[] = [
    { kind: 'action', action: 'open', label: 'Open OpenClaw', enabled: true },
    { kind: 'info', label: state.gateway === 'running' && state.httpUrl ? `${status} on ${state.httpUrl}` : status },
  ];
  if (pending > 0) items.push({ kind: 'info', label: approvalsLabel(pending) });
  if (state.gateway === 'running' && state.httpUrl) {
    items.push({ kind: 'action', action: 'open-in-browser', label: 'Open Control UI in browser', enabled: true });
  }
  items.push({ kind: 'separator' }, { kind: 'action', action: 'quit', label: 'Quit OpenClaw', enabled: state.gateway !== 'stopping' });
  const tooltip = pending > 0 ? `OpenClaw: ${status.toLowerCase()}, ${approvalsLabel(pending)}` : `OpenClaw: ${status.toLowerCase()}`;
  return { tooltip, items };
}
