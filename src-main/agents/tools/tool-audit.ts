import type { Logger } from '../../logging/index.js';

/** How a tool call ended: it ran (`ok`), failed or exited non-zero (`error`), or a safety check refused it (`denied`). */
export type ToolOutcome = 'ok' | 'error' | 'denied';

export interface ToolAuditEntry {
  tool: string;
  agentId: string;
  sessionKey: string;
  params: unknown;
  outcome: ToolOutcome;
  /** The refusal or error code (`PATH_ESCAPE`, `EXEC_OPTION_DENIED`, `INVALID_PARAMS`, …). */
  code?: string;
  /** exec: the program's exit code. */
  exitCode?: number | null;
  durationMs: number;
}

/** Parameters that say what a call touched, logged for every tool; contents (file text, messages) are not. */
const TARGET_FIELDS = ['path', 'url', 'action', 'sessionKey', 'channel', 'to', 'nodeId', 'command', 'file'];
const MAX_FIELD_CHARS = 300;

/**
 * One line per tool call, for every tool. Secrets inside arguments (`sk-…`, `Bearer …`, `token=…`) are removed by
 * the logger's redaction at the sink; exec's argv is logged as one string so a secret split over two arguments
 * (`-H`, `Authorization: Bearer …`) is still seen whole by it.
 */
export function auditToolCall(log: Logger, entry: ToolAuditEntry): void {
  const fields: Record<string, unknown> = {
    tool: entry.tool,
    agentId: entry.agentId,
    sessionKey: entry.sessionKey,
    ...describeToolCall(entry.tool, entry.params),
    outcome: entry.outcome,
    ...(entry.code ? { code: entry.code } : {}),
    ...(entry.exitCode !== undefined ? { exitCode: entry.exitCode } : {}),
    durationMs: Math.round(entry.durationMs),
  };
  if (entry.outcome === 'denied') log.warn('tool call', fields);
  else log.info('tool call', fields);
}

/** The fields that describe a call: argv, cwd and env names for exec; a few target fields for the others. */
export function describeToolCall(tool: string, params: unknown): Record<string, unknown> {
  const p = params && typeof params === 'object' ? (params as Record<string, unknown>) : {};
  if (tool === 'exec') {
    const argv = Array.isArray(p.argv) ? p.argv.map(String) : [];
    const env = p.env && typeof p.env === 'object' ? Object.keys(p.env) : [];
    return { argv: clip(formatArgv(argv), 2000), cwd: typeof p.cwd === 'string' ? clip(p.cwd) : '.', ...(env.length ? { envNames: env } : {}) };
  }
  const target: Record<string, string> = {};
  for (const key of TARGET_FIELDS) if (typeof p[key] === 'string') target[key] = clip(p[key]);
  return Object.keys(target).length ? { target } : {};
}

/** argv as a shell would show it: plain words bare, anything else JSON-quoted. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./~-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

function clip(s: string, max = MAX_FIELD_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
