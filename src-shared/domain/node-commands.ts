/**
 * Which node commands may run, decided once for the gateway, the agent tool
 * and the approval screens. Pure: the caller supplies what the node declared,
 * what an operator approved and the `gateway.nodes` allow/deny lists.
 *
 * A command runs only when all of these hold:
 * 1. the node declared it in `connect.commands`;
 * 2. `gateway.nodes.denyCommands` does not name it;
 * 3. it is within the platform's ceiling, named in `gateway.nodes.allowCommands`,
 *    or a host command (those are gated by approval alone);
 * 4. an operator approved it for this node (`node.pair.approve`).
 */

/** Canvas commands: show or hide a page from the gateway's canvas host. */
const CANVAS = ['canvas.show', 'canvas.hide', 'canvas.present', 'canvas.navigate'];

/** Commands each platform may offer without an explicit `gateway.nodes.allowCommands` entry. */
export const NODE_PLATFORM_CEILINGS: Readonly<Record<NodePlatform, readonly string[]>> = {
  ios: ['camera.list', 'location.get', 'device.info', 'device.status', 'contacts.search', 'calendar.events', 'reminders.list', 'photos.latest', 'motion.activity', 'motion.pedometer', 'system.notify', ...CANVAS],
  watchos: ['device.info', 'device.status', 'system.notify'],
  android: [
    'camera.list', 'location.get', 'notifications.list', 'notifications.actions', 'system.notify', 'device.info', 'device.status', 'device.permissions',
    'device.health', 'device.apps', 'contacts.search', 'calendar.events', 'callLog.search', 'reminders.list', 'photos.latest', 'motion.activity',
    'motion.pedometer', 'mobile.ui.observe', 'mobile.ui.act', ...CANVAS,
  ],
  macos: [
    'camera.list', 'camera.ptz.status', 'location.get', 'device.info', 'device.status', 'device.apps', 'contacts.search', 'calendar.events',
    'reminders.list', 'photos.latest', 'motion.activity', 'motion.pedometer', 'system.notify', 'computer.act', ...CANVAS,
  ],
  windows: ['camera.list', 'location.get', 'device.info', 'device.status', 'system.notify', 'computer.act', ...CANVAS],
  linux: ['system.notify', 'computer.act'],
  // The gateway's browser node page: every capture also needs the browser's own permission prompt on the device.
  web: ['system.notify', 'location.get', 'camera.list', 'camera.snap', ...CANVAS],
  unknown: [],
};

export type NodePlatform = 'ios' | 'watchos' | 'android' | 'macos' | 'windows' | 'linux' | 'web' | 'unknown';

/** `client.platform` (and `deviceFamily`) as a platform id: `darwin` → macos, `win32` → windows, an iPhone → ios. */
export function resolveNodePlatform(platform: string | undefined, deviceFamily?: string): NodePlatform {
  const p = (platform ?? '').trim().toLowerCase();
  const f = (deviceFamily ?? '').trim().toLowerCase();
  if (p === 'web' || p === 'browser') return 'web';
  if (p.startsWith('watchos') || f === 'watch') return 'watchos';
  if (p.startsWith('ios') || p.startsWith('ipados') || f === 'iphone' || f === 'ipad') return 'ios';
  if (p.startsWith('android')) return 'android';
  if (p === 'darwin' || p.startsWith('mac')) return 'macos';
  if (p === 'win32' || p.startsWith('windows')) return 'windows';
  if (p === 'linux' || p.startsWith('linux')) return 'linux';
  return 'unknown';
}

/**
 * Commands that act on the node's host (run programs, read files, drive its browser, change its exec
 * approvals). Only an admin may approve or invoke them, and an agent never invokes them.
 */
export function isHostNodeCommand(command: string): boolean {
  return (
    command === 'system.run' ||
    command.startsWith('system.run.') ||
    command === 'system.which' ||
    command.startsWith('system.execApprovals.') ||
    command === 'browser.proxy' ||
    command.startsWith('fs.')
  );
}

/** The operator scope approving (and invoking) `command` needs on top of `operator.pairing`. */
export function approvalScopeFor(command: string): 'operator.admin' | 'operator.write' {
  return isHostNodeCommand(command) ? 'operator.admin' : 'operator.write';
}

export interface NodeCommandFacts {
  command: string;
  /** `connect.commands` of the node's current connection. */
  declared: readonly string[];
  /** Commands an operator approved for this node. */
  approved: readonly string[];
  platform?: string;
  deviceFamily?: string;
  /** `gateway.nodes.allowCommands`. */
  allow?: readonly string[];
  /** `gateway.nodes.denyCommands`: wins over everything else. */
  deny?: readonly string[];
}

export type NodeCommandDecision =
  | { allowed: true }
  | { allowed: false; reason: 'not-declared' | 'denied' | 'platform' | 'not-approved'; message: string };

/** Whether the platform ceiling (or the config) lets this command through, before approval. */
export function withinNodeCeiling(f: Omit<NodeCommandFacts, 'declared' | 'approved'>): boolean {
  if (f.deny?.includes(f.command)) return false;
  if (isHostNodeCommand(f.command)) return true;
  if (f.allow?.includes(f.command)) return true;
  return NODE_PLATFORM_CEILINGS[resolveNodePlatform(f.platform, f.deviceFamily)].includes(f.command);
}

/** Decide one invocation. Messages say what to do about a refusal. */
export function decideNodeCommand(f: NodeCommandFacts): NodeCommandDecision {
  const { command } = f;
  if (!f.declared.includes(command)) {
    return { allowed: false, reason: 'not-declared', message: `the node does not offer "${command}" (it offers: ${f.declared.join(', ') || 'nothing'})` };
  }
  if (f.deny?.includes(command)) return { allowed: false, reason: 'denied', message: `"${command}" is blocked by gateway.nodes.denyCommands` };
  if (!withinNodeCeiling(f)) {
    const platform = resolveNodePlatform(f.platform, f.deviceFamily);
    return {
      allowed: false,
      reason: 'platform',
      message: `"${command}" is not allowed for ${platform} nodes; add it to gateway.nodes.allowCommands to opt in`,
    };
  }
  if (!f.approved.includes(command)) {
    return { allowed: false, reason: 'not-approved', message: `"${command}" is waiting for approval: openclaw nodes pending, then openclaw nodes approve <requestId>` };
  }
  return { allowed: true };
}

/** The commands that would run now, in declared order. */
export function effectiveNodeCommands(f: Omit<NodeCommandFacts, 'command'>): string[] {
  return f.declared.filter((command) => decideNodeCommand({ ...f, command }).allowed);
}

/**
 * What an approval did, in words for the CLI and the Nodes page: the commands that may run now
 * and, apart from them, the approved ones the node policy keeps blocked (so "approved" never
 * reads as "runs").
 */
export function describeNodeApproval(r: { node: string; commands: readonly string[]; blockedByPolicy: readonly string[] }): string {
  const blocked = new Set(r.blockedByPolicy);
  const runs = r.commands.filter((c) => !blocked.has(c));
  const lines = [runs.length ? `Approved ${runs.join(', ')} for node ${r.node}.` : `Approved nothing that can run yet on node ${r.node}.`];
  if (blocked.size) {
    lines.push(
      `Still blocked by the node policy: ${[...blocked].join(', ')}. Listing a command in gateway.nodes.allowCommands lets it run ` +
        '(unless gateway.nodes.denyCommands names it); the approval then applies.',
    );
  }
  return lines.join('\n');
}
