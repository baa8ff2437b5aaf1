/**
 * Pending approvals the tray shows (unknown chat senders with a pairing code, devices asking to
 * pair, nodes asking to run commands) and the rules for notifying about them. Pure: fed lists and events, asked what to show.
 */
import type { EventPayload, MethodResult } from '../../src-shared/protocol/index.js';

type SenderRequest = MethodResult<'channels.pairing.list'>['requests'][number];
type DeviceRequest = MethodResult<'device.pair.list'>['pending'][number];
type NodeCommandsRequest = MethodResult<'node.pair.list'>['pending'][number];

interface SenderApproval {
  kind: 'sender';
  key: string;
  channel: string;
  /** The channel's display name (its id when the gateway has not said). */
  channelLabel: string;
  accountId: string;
  senderId: string;
  name?: string;
  code: string;
  expiresAtMs: number;
}

interface DeviceApproval {
  kind: 'device';
  key: string;
  requestId: string;
  deviceId: string;
  role: string;
  name?: string;
  platform?: string;
  expiresAtMs: number;
}

/** A paired node declared commands an operator has not approved yet. */
interface NodeCommandsApproval {
  kind: 'node-commands';
  key: string;
  requestId: string;
  nodeId: string;
  name?: string;
  platform?: string;
  commands: string[];
  /** Commands the platform policy keeps blocked even once approved. */
  blockedByPolicy: string[];
  /** Node command requests never expire (Infinity), so they are listed after those that do. */
  expiresAtMs: number;
}

export type PendingApproval = SenderApproval | DeviceApproval | NodeCommandsApproval;
export type Decision = 'approve' | 'reject';

const senderKey = (channel: string, accountId: string, code: string) => `sender:${channel}:${accountId}:${code}`;
const deviceKey = (requestId: string) => `device:${requestId}`;
const nodeCommandsKey = (requestId: string) => `node:${requestId}`;

export function fromSenderRequest(r: SenderRequest, labels: Readonly<Record<string, string>> = {}): PendingApproval {
  return {
    kind: 'sender',
    key: senderKey(r.channel, r.accountId, r.code),
    channel: r.channel,
    channelLabel: labels[r.channel] ?? r.channel,
    accountId: r.accountId,
    senderId: r.id,
    ...(r.meta.name ? { name: r.meta.name } : {}),
    code: r.code,
    expiresAtMs: Date.parse(r.expiresAt),
  };
}

export function fromDeviceRequest(r: Pick<DeviceRequest, 'requestId' | 'deviceId' | 'role' | 'displayName' | 'platform' | 'expiresAtMs'>): PendingApproval {
  return {
    kind: 'device',
    key: deviceKey(r.requestId),
    requestId: r.requestId,
    deviceId: r.deviceId,
    role: r.role,
    ...(r.displayName ? { name: r.displayName } : {}),
    ...(r.platform ? { platform: r.platform } : {}),
    expiresAtMs: r.expiresAtMs,
  };
}

export function fromNodeCommandsRequest(r: NodeCommandsRequest): PendingApproval {
  return {
    kind: 'node-commands',
    key: nodeCommandsKey(r.requestId),
    requestId: r.requestId,
    nodeId: r.node.nodeId,
    ...(r.node.displayName ? { name: r.node.displayName } : {}),
    ...(r.node.platform ? { platform: r.node.platform } : {}),
    commands: [...r.commands],
    blockedByPolicy: [...r.blockedByPolicy],
    expiresAtMs: Number.POSITIVE_INFINITY,
  };
}

/** Commands listed in a title: enough to decide on, short enough for a menu. */
const TITLE_COMMANDS = 3;

function commandList(commands: readonly string[], max = TITLE_COMMANDS): string {
  const shown = commands.slice(0, max).join(', ');
  return commands.length > max ? `${shown} +${commands.length - max} more` : shown;
}

const nodeName = (a: NodeCommandsApproval) => `${a.name ?? `node ${a.nodeId.slice(0, 12)}…`}${a.platform ? ` (${a.platform})` : ''}`;

/**
 * `Telegram: Ada (12345), code ABCD2345`, `New node: Pixel 8 (android)` or
 * `Node commands: Pixel 8 (android) wants camera.snap, location.get`; what a menu item and a notification name.
 */
export function approvalTitle(a: PendingApproval): string {
  if (a.kind === 'sender') {
    const who = a.name ? `${a.name} (${a.senderId})` : a.senderId;
    const account = a.accountId === 'default' ? '' : ` [${a.accountId}]`;
    return `${a.channelLabel}${account}: ${who}, code ${a.code}`;
  }
  if (a.kind === 'node-commands') return `Node commands: ${nodeName(a)} wants ${commandList(a.commands)}`;
  const name = a.name ?? `device ${a.deviceId.slice(0, 12)}…`;
  return `New ${a.role === 'node' ? 'node' : 'device'}: ${name}${a.platform ? ` (${a.platform})` : ''}`;
}

/** What a native notification says about a new request. */
export function approvalNotification(a: PendingApproval): { title: string; body: string } {
  if (a.kind === 'sender') {
    return {
      title: `${a.channelLabel}: someone new wants to talk to your assistant`,
      body: `${a.name ? `${a.name} (${a.senderId})` : a.senderId}, pairing code ${a.code}. Approve or reject from the tray or the Pairing page.`,
    };
  }
  if (a.kind === 'node-commands') {
    const blocked = a.blockedByPolicy.length
      ? ` ${a.blockedByPolicy.join(', ')} would stay blocked for its platform (gateway.nodes.allowCommands opts in).`
      : '';
    return {
      title: 'A node asks to run commands',
      body: `${nodeName(a)}: ${commandList(a.commands, 8)}.${blocked} Approve or reject from the tray or the Nodes page.`,
    };
  }
  return {
    title: a.role === 'node' ? 'A device asks to pair as a node' : 'A device asks to connect',
    body: `${approvalTitle(a).replace(/^New (node|device): /, '')}. Approve or reject from the tray or the Pairing page.`,
  };
}

/** The gateway call that carries out a decision. */
export function decisionCall(a: PendingApproval, decision: Decision): { method: string; params: Record<string, unknown> } {
  if (a.kind === 'sender') {
    return decision === 'approve'
      ? { method: 'channels.pairing.approve', params: { channel: a.channel, accountId: a.accountId, code: a.code, notify: true } }
      : { method: 'channels.pairing.dismiss', params: { channel: a.channel, accountId: a.accountId, code: a.code } };
  }
  if (a.kind === 'node-commands') return { method: decision === 'approve' ? 'node.pair.approve' : 'node.pair.reject', params: { requestId: a.requestId } };
  return { method: decision === 'approve' ? 'device.pair.approve' : 'device.pair.reject', params: { requestId: a.requestId } };
}

/** The page where a request is answered in the app: node command requests on Nodes, the rest on Pairing. */
export function approvalPage(a: PendingApproval): 'pairing' | 'nodes' {
  return a.kind === 'node-commands' ? 'nodes' : 'pairing';
}

/** Soonest expiry first; requests that never expire (Infinity) last, in arrival order. */
const byExpiry = (a: PendingApproval, b: PendingApproval) => (a.expiresAtMs === b.expiresAtMs ? 0 : a.expiresAtMs < b.expiresAtMs ? -1 : 1);

/** How many request keys are remembered as already announced; old ones are long expired. */
const KNOWN_LIMIT = 1000;

/**
 * The pending requests and who has been told about them. Notification rules:
 * a request is announced once, when its `requested` event arrives and it has
 * not expired; lists loaded at start, on reconnect or on refresh never
 * announce (those requests are shown, not news); a request seen in any way is
 * never announced again.
 */
export class ApprovalsTracker {
  private readonly pendingByKey = new Map<string, PendingApproval>();
  private readonly known = new Set<string>();
  private labels: Readonly<Record<string, string>> = {};

  constructor(private readonly now: () => number = Date.now) {}

  /** Replace the pending set with the gateway's lists. Never notifies. */
  load(lists: {
    senders: readonly SenderRequest[];
    devices: readonly DeviceRequest[];
    nodeCommands?: readonly NodeCommandsRequest[];
    channelLabels?: Readonly<Record<string, string>>;
  }): void {
    if (lists.channelLabels) this.labels = lists.channelLabels;
    this.pendingByKey.clear();
    for (const a of [
      ...lists.senders.map((r) => fromSenderRequest(r, this.labels)),
      ...lists.devices.map(fromDeviceRequest),
      ...(lists.nodeCommands ?? []).map(fromNodeCommandsRequest),
    ]) {
      this.pendingByKey.set(a.key, a);
      this.remember(a.key);
    }
  }

  /** Apply a gateway event; returns the request to announce, if this event is news. */
  onEvent(event: string, payload: unknown): { changed: boolean; announce?: PendingApproval } {
    if (event === 'pairing') return this.onPairing(payload as EventPayload<'pairing'>);
    if (event === 'device.pair.requested') return this.onRequested(fromDeviceRequest(payload as EventPayload<'device.pair.requested'>));
    if (event === 'device.pair.resolved') return { changed: this.pendingByKey.delete(deviceKey((payload as EventPayload<'device.pair.resolved'>).requestId)) };
    if (event === 'node.pair.requested') return this.onRequested(fromNodeCommandsRequest(payload as EventPayload<'node.pair.requested'>));
    if (event === 'node.pair.resolved') return { changed: this.pendingByKey.delete(nodeCommandsKey((payload as EventPayload<'node.pair.resolved'>).requestId)) };
    return { changed: false };
  }

  /** Open requests, the one expiring first on top. */
  pending(): PendingApproval[] {
    const now = this.now();
    return [...this.pendingByKey.values()].filter((a) => a.expiresAtMs > now).sort(byExpiry);
  }

  get(key: string): PendingApproval | undefined {
    const a = this.pendingByKey.get(key);
    return a && a.expiresAtMs > this.now() ? a : undefined;
  }

  /** When the next open request expires (the tray must drop it then). */
  nextExpiryMs(): number | undefined {
    const first = this.pending()[0]?.expiresAtMs;
    return first !== undefined && Number.isFinite(first) ? first : undefined;
  }

  private onPairing(p: EventPayload<'pairing'>): { changed: boolean; announce?: PendingApproval } {
    if (p.type === 'requested') {
      if (!p.id || !p.expiresAt) return { changed: false };
      const meta = (p.meta ?? {}) as { name?: string };
      return this.onRequested({
        kind: 'sender',
        key: senderKey(p.channel, p.accountId, p.code),
        channel: p.channel,
        channelLabel: this.labels[p.channel] ?? p.channel,
        accountId: p.accountId,
        senderId: p.id,
        ...(typeof meta.name === 'string' && meta.name ? { name: meta.name } : {}),
        code: p.code,
        expiresAtMs: Date.parse(p.expiresAt),
      });
    }
    return { changed: this.pendingByKey.delete(senderKey(p.channel, p.accountId, p.code)) };
  }

  private onRequested(a: PendingApproval): { changed: boolean; announce?: PendingApproval } {
    if (!(a.expiresAtMs > this.now())) return { changed: this.pendingByKey.delete(a.key) };
    const news = !this.known.has(a.key);
    this.pendingByKey.set(a.key, a);
    this.remember(a.key);
    return news ? { changed: true, announce: a } : { changed: true };
  }

  private remember(key: string): void {
    this.known.delete(key);
    this.known.add(key);
    if (this.known.size > KNOWN_LIMIT) this.known.delete(this.known.values().next().value!);
  }
}
