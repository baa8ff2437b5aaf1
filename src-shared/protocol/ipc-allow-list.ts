/**
 * Which gateway methods the renderer may call through the bridge. The gateway still checks scopes
 * and validates params; this keeps a compromised renderer from reaching methods the desktop UI has
 * no business with (node-role and worker methods, `connect`). A trailing `.` or `-` marks a family prefix.
 */
export const ALLOWED_METHOD_PREFIXES: readonly string[] = [
  'health',
  'status',
  'config.',
  'logs.',
  'system-',
  'last-heartbeat',
  'set-heartbeats',
  'wake',
  'sessions.',
  'chat.',
  'agent',
  'agent.',
  'agents.',
  'send',
  'channels.',
  'web.login.',
  'device.pair.',
  'device.token.',
  'device.scopes.',
  'node.list',
  'node.describe',
  'node.rename',
  'node.invoke',
  'node.pair.',
  'exec.approval.',
  'exec.approvals.',
  'plugin.approval.',
  'approval.',
  'models.',
  'tools.',
  'commands.',
  'skills.',
  'usage.',
  'cron.',
  'gateway.identity.',
  'diagnostics.',
  'wizard.',
  'update.',
  'talk.',
  'tts.',
  'voicewake.',
  // Answered by the desktop main process itself (protocol/desktop.ts), never forwarded to the gateway.
  'desktop.update.get',
  'desktop.update.restart',
];

const METHOD_SHAPE = /^[a-zA-Z][a-zA-Z0-9._-]{0,127}$/;

/** Whether the renderer may call `method`: an exact family name or a name under a family prefix. */
export function isAllowedMethod(method: unknown): method is string {
  if (typeof method !== 'string' || !METHOD_SHAPE.test(method)) return false;
  return ALLOWED_METHOD_PREFIXES.some((prefix) => {
    if (prefix.endsWith('.') || prefix.endsWith('-')) return method.startsWith(prefix) && method.length > prefix.length;
    return method === prefix;
  });
}

/** Whether an IPC channel name belongs to this app's bridge. */
export function isOpenClawChannel(channel: unknown): channel is string {
  return typeof channel === 'string' && /^openclaw:[a-z][a-z0-9.-]*$/.test(channel);
}

/** Gateway event names the renderer may subscribe to (`*` means all). */
export function isValidEventName(event: unknown): event is string {
  return typeof event === 'string' && (event === '*' || /^[a-zA-Z][a-zA-Z0-9._-]{0,127}$/.test(event));
}
