import type { UpdateState } from './update-controller.js';

/** What the tray shows, as data; `main.ts` maps it onto Electron's Menu. */
export interface TrayState {
  /** Where the app is with updates (see update-controller). */
  update?: UpdateState;
  /** The start-at-login setting, shown as a check item. */
  startAtLogin?: boolean;
  gateway: 'starting' | 'running' | 'restarting' | 'stopping' | 'failed' | 'remote' | 'attached';
  /** Why the gateway process is restarting or failed, in plain words (gateway-process state). */
  gatewayReason?: string;
  /** In remote mode, or attached to a gateway already running here: the gateway used, and why it is not connected when it is not. */
  remote?: { url: string; error?: string };
  /** Where the Control UI answers, once the gateway listens. */
  httpUrl?: string;
  /** Pending approvals when only their number is known; `approvals` wins when given. */
  pendingApprovals?: number;
  /** Pending approvals to offer approve/reject items for, most urgent first. */
  approvals?: readonly TrayApproval[];
  windowVisible: boolean;
}

/** One pending request as the tray lists it. */
export interface TrayApproval {
  key: string;
  /** Channel, sender name/id and code, or the device's name (see approvalTitle). */
  title: string;
  /** The page that lists it: node command requests are on Nodes, the rest on Pairing (the default). */
  page?: 'pairing' | 'nodes';
}

export type TrayAction = 'open' | 'open-pairing' | 'open-nodes' | 'open-in-browser' | 'restart-gateway' | 'restart-to-update' | 'cancel-update-restart' | 'toggle-start-at-login' | 'quit';

export type TrayMenuItem =
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean }
  | { kind: 'toggle'; action: TrayAction; label: string; checked: boolean }
  | { kind: 'approval'; decision: 'approve' | 'reject'; key: string; label: string }
  | { kind: 'info'; label: string }
  | { kind: 'separator' };

export interface TrayMenuModel {
  tooltip: string;
  /** Short text beside the tray icon and on the dock/taskbar badge: '' or the pending count. */
  badge: string;
  /** Pending approvals, for the dock/launcher badge count. */
  pending: number;
  /** Show the icon with its badge dot (resources/tray/trayBadge.png) where the tray has no title beside it (not macOS). */
  iconBadge: boolean;
  items: TrayMenuItem[];
}

/** Requests listed with their own items; more go to the Pairing page, so the menu stays short. */
export const MAX_TRAY_APPROVALS = 5;

const STATUS_LABEL: Record<TrayState['gateway'], string> = {
  starting: 'Gateway starting…',
  running: 'Gateway running',
  restarting: 'Gateway restarting…',
  stopping: 'Gateway stopping…',
  failed: 'Gateway stopped',
  remote: 'Using a remote gateway',
  attached: 'Using the gateway already running',
};

function approvalsLabel(n: number): string {
  return n === 1 ? '1 pending approval' : `${n} pending approvals`;
}

/** The address "Open Control UI in browser" reaches the gateway by: this app's own, or the one it connects to. */
export function controlUiAddress(state: Pick<TrayState, 'gateway' | 'httpUrl' | 'remote'>): string | undefined {
  return state.gateway === 'running' ? state.httpUrl : state.remote?.url;
}

/** Pure: the tray tooltip, badge and menu for a state. */
export function buildTrayMenuModel(state: TrayState): TrayMenuModel {
  const listed = state.approvals ?? [];
  const pending = state.approvals ? listed.length : Math.max(0, Math.floor(state.pendingApprovals ?? 0));
  const status = STATUS_LABEL[state.gateway];
  const items: TrayMenuItem[] = [
    { kind: 'action', action: 'open', label: 'Open OpenClaw', enabled: true },
    { kind: 'info', label: statusLine(state, status) },
  ];
  if ((state.gateway === 'remote' || state.gateway === 'attached') && state.remote?.error) items.push({ kind: 'info', label: `Not connected: ${state.remote.error.slice(0, 120)}` });
  if ((state.gateway === 'restarting' || state.gateway === 'failed') && state.gatewayReason) items.push({ kind: 'info', label: state.gatewayReason.slice(0, 160) });
  // The gateway process gave up (a start that failed, or too many crashes): starting it again is the user's call.
  if (state.gateway === 'failed' && state.gatewayReason) items.push({ kind: 'action', action: 'restart-gateway', label: 'Start the gateway again', enabled: true });
  if (pending > 0) {
    items.push({ kind: 'separator' }, { kind: 'info', label: approvalsLabel(pending) });
    for (const a of listed.slice(0, MAX_TRAY_APPROVALS)) {
      items.push({ kind: 'approval', decision: 'approve', key: a.key, label: `Approve ${a.title}` });
      items.push({ kind: 'approval', decision: 'reject', key: a.key, label: `Reject ${a.title}` });
    }
    const more = pending - Math.min(listed.length, MAX_TRAY_APPROVALS);
    // Only node command requests pending: they are answered on the Nodes page.
    const onNodes = listed.length === pending && listed.every((a) => a.page === 'nodes');
    const page = onNodes ? 'Nodes' : 'Pairing';
    items.push({
      kind: 'action',
      action: onNodes ? 'open-nodes' : 'open-pairing',
      label: more > 0 ? `Show ${more} more on the ${page} page…` : `Open the ${page} page…`,
      enabled: true,
    });
    items.push({ kind: 'separator' });
  }
  const elsewhere = (state.gateway === 'remote' || state.gateway === 'attached') && state.remote && !state.remote.error;
  if ((state.gateway === 'running' && state.httpUrl) || elsewhere) {
    items.push({ kind: 'action', action: 'open-in-browser', label: 'Open Control UI in browser', enabled: true });
  }
  items.push(...updateItems(state.update));
  if (state.startAtLogin !== undefined) items.push({ kind: 'toggle', action: 'toggle-start-at-login', label: 'Start at login', checked: state.startAtLogin });
  if (items.at(-1)?.kind !== 'separator') items.push({ kind: 'separator' });
  items.push({ kind: 'action', action: 'quit', label: 'Quit OpenClaw', enabled: state.gateway !== 'stopping' });
  const tooltip = pending > 0 ? `OpenClaw: ${status.toLowerCase()}, ${approvalsLabel(pending)}` : `OpenClaw: ${status.toLowerCase()}`;
  return { tooltip, badge: pending > 99 ? '99+' : pending > 0 ? String(pending) : '', pending, iconBadge: pending > 0, items };
}

function statusLine(state: TrayState, status: string): string {
  if (state.gateway === 'running' && state.httpUrl) return `${status} on ${state.httpUrl}`;
  if (state.gateway === 'remote' && state.remote) return `Using the gateway at ${state.remote.url} (none runs here)`;
  if (state.gateway === 'attached' && state.remote) return `Using the gateway already running at ${state.remote.url}`;
  return status;
}

/** The update's items: progress, "Restart to update", or what the restart waits for. */
function updateItems(u: UpdateState | undefined): TrayMenuItem[] {
  if (!u) return [];
  switch (u.phase) {
    case 'downloading':
      return [{ kind: 'info', label: `Downloading update ${u.version} (${u.percent} %)` }];
    case 'ready':
      return [{ kind: 'action', action: 'restart-to-update', label: `Restart to update to ${u.version}`, enabled: true }];
    case 'waiting-for-turns':
      return [
        { kind: 'info', label: `Update ${u.version} installs when ${u.running === 1 ? 'the running turn finishes' : `${u.running} running turns finish`}` },
        { kind: 'action', action: 'cancel-update-restart', label: "Don't restart yet", enabled: true },
      ];
    case 'installing':
      return [{ kind: 'info', label: `Installing update ${u.version}…` }];
    default:
      return [];
  }
}
