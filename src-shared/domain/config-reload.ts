/** How each config change takes effect (the one reload table the gateway and the Control UI read), and config diffs. */
import { formatConfigPath, parseConfigPath, type ConfigPathSegment } from './config-path.js';

/** What a change at a path needs: apply live, restart the gateway, or nothing. */
export type ReloadKind = 'hot' | 'restart' | 'none';

/**
 * Path prefix → reload kind; the longest matching prefix wins and anything
 * unmatched restarts. `channels` is hot for the gateway: the channel manager
 * restarts just the affected channel. `defaultAgentId` is derived by the loader.
 */
/**
 * One reload rule: how a change under `prefix` takes effect (longest prefix wins).
 * `listener`: a restart-kind setting the gateway applies by moving its listener in process.
 */
export interface ReloadRule {
  prefix: string;
  kind: ReloadKind;
  listener?: true;
}

export const RELOAD_RULES: ReadonlyArray<ReloadRule> = [
  { prefix: '$schema', kind: 'none' },
  { prefix: 'meta', kind: 'none' },
  { prefix: 'logging', kind: 'hot' },
  { prefix: 'gateway', kind: 'restart' },
  { prefix: 'gateway.auth', kind: 'hot' },
  { prefix: 'gateway.reload', kind: 'hot' },
  { prefix: 'gateway.port', kind: 'restart', listener: true },
  { prefix: 'gateway.bind', kind: 'restart', listener: true },
  { prefix: 'gateway.customBindHost', kind: 'restart', listener: true },
  { prefix: 'gateway.controlUi.allowedOrigins', kind: 'hot' },
  { prefix: 'gateway.tools', kind: 'hot' },
  { prefix: 'gateway.http', kind: 'hot' },
  { prefix: 'gateway.nodes', kind: 'hot' },
  { prefix: 'gateway.remote', kind: 'none' },
  { prefix: 'gateway.trustedProxies', kind: 'hot' },
  { prefix: 'gateway.publicUrl', kind: 'hot' },
  { prefix: 'channels', kind: 'hot' },
  { prefix: 'agents', kind: 'hot' },
  { prefix: 'defaultAgentId', kind: 'hot' },
  { prefix: 'bindings', kind: 'hot' },
  { prefix: 'session', kind: 'hot' },
  { prefix: 'models', kind: 'hot' },
  { prefix: 'tools', kind: 'hot' },
  { prefix: 'commands', kind: 'hot' },
  { prefix: 'accessGroups', kind: 'hot' },
  { prefix: 'plugins', kind: 'hot' },
];
const PARSED_RULES = RELOAD_RULES.map((rule) => ({ segments: parseConfigPath(rule.prefix).map(String), rule }));
const UNMATCHED: ReloadRule = { prefix: '', kind: 'restart' };

/** The rule that governs one changed path (dot/bracket form); unparseable or unmatched paths restart. */
export function reloadRuleFor(path: string): ReloadRule {
  let segments: string[];
  try {
    segments = parseConfigPath(path).map(String);
  } catch {
    return UNMATCHED;
  }
  let best: { length: number; rule: ReloadRule } = { length: 0, rule: UNMATCHED };
  for (const p of PARSED_RULES) {
    const matches = p.segments.length <= segments.length && p.segments.every((s, i) => s === segments[i]);
    if (matches && p.segments.length > best.length) best = { length: p.segments.length, rule: p.rule };
  }
  return best.rule;
}

/** Classifies one changed path (dot/bracket form); unparseable or unmatched paths restart. */
export function classifyReload(path: string): ReloadKind {
  return reloadRuleFor(path).kind;
}

/**
 * Leaf paths (as {@link formatConfigPath} writes them) whose values differ
 * between `a` and `b`. Arrays count as leaves; an added or removed object
 * reports its own leaves.
 */
export function diffConfigPaths(a: unknown, b: unknown): string[] {
  const out: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const walk = (x: unknown, y: unknown, path: ConfigPathSegment[]): void => {
    if (!isObj(x) && !isObj(y)) {
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push(formatConfigPath(path));
      return;
    }
    // An object replacing a scalar (or vice versa) also changes the path itself.
    if (isObj(x) !== isObj(y) && (x !== undefined && y !== undefined)) out.push(formatConfigPath(path));
    const xo = isObj(x) ? x : {};
    const yo = isObj(y) ? y : {};
    const keys = new Set([...Object.keys(xo), ...Object.keys(yo)]);
    // An empty object appearing or disappearing has no leaves to report, so report it.
    if (keys.size === 0 && isObj(x) !== isObj(y) && (x === undefined || y === undefined)) out.push(formatConfigPath(path));
    for (const key of keys) walk(xo[key], yo[key], [...path, key]);
  };
  walk(a, b, []);
  return out;
}
