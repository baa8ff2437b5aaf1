import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { StateBadge } from '../channels/channel-status.js';

export type PluginFinding = MethodResult<'plugins.doctor'>['findings'][number];

/** Findings about one plugin (or, with no `pluginId`, about the plugin setup as a whole). */
export interface FindingGroup {
  pluginId?: string;
  title: string;
  findings: PluginFinding[];
}

const SEVERITY_RANK: Record<PluginFinding['severity'], number> = { error: 0, warning: 1, info: 2 };
const rank = (f: PluginFinding) => SEVERITY_RANK[f.severity] ?? 3;

/**
 * Findings grouped by plugin: general ones first, then plugins in the order given (the page's list
 * order), then plugins the list does not know, by id. Within a group, errors before warnings before info.
 */
export function groupFindings(findings: readonly PluginFinding[], plugins: readonly { id: string; name: string }[] = []): FindingGroup[] {
  const order = new Map(plugins.map((p, i) => [p.id, i]));
  const names = new Map(plugins.map((p) => [p.id, p.name]));
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const key = f.pluginId ?? '';
    let group = groups.get(key);
    if (!group) {
      group = { ...(f.pluginId ? { pluginId: f.pluginId } : {}), title: f.pluginId ? (names.get(f.pluginId) ?? f.pluginId) : 'All plugins', findings: [] };
      groups.set(key, group);
    }
    group.findings.push(f);
  }
  const position = (g: FindingGroup) => (g.pluginId === undefined ? -1 : (order.get(g.pluginId) ?? Number.MAX_SAFE_INTEGER));
  return [...groups.values()]
    .map((g) => ({ ...g, findings: [...g.findings].sort((a, b) => rank(a) - rank(b)) }))
    .sort((a, b) => position(a) - position(b) || (a.pluginId ?? '').localeCompare(b.pluginId ?? ''));
}

/** The severity as a badge. */
export function severityBadge(severity: PluginFinding['severity']): StateBadge {
  if (severity === 'error') return { label: 'Error', tone: 'bad' };
  if (severity === 'warning') return { label: 'Warning', tone: 'warn' };
  return { label: 'Info', tone: 'off' };
}

/** `1 error, 2 warnings`; `No problems found.` when there are none. */
export function summarizeFindings(findings: readonly PluginFinding[]): string {
  if (findings.length === 0) return 'No problems found.';
  const count = (s: PluginFinding['severity']) => findings.filter((f) => f.severity === s).length;
  const part = (n: number, word: string) => (n ? `${n} ${word}${n === 1 ? '' : 's'}` : '');
  return [part(count('error'), 'error'), part(count('warning'), 'warning'), part(count('info'), 'note')].filter(Boolean).join(', ');
}
