import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { StateBadge } from '../channels/channel-status.js';

export type PluginsList = MethodResult<'plugins.list'>;
export type PluginRecord = PluginsList['plugins'][number];
export type PluginsHealth = PluginsList['health'];

const byName = (a: PluginRecord, b: PluginRecord) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id.localeCompare(b.id);
const failRank = (r: PluginRecord) => (r.state !== 'failed' ? 2 : r.critical ? 0 : 1);

/** Failed plugins first (critical ones before the rest), then by name: what needs fixing is at the top. */
export function sortPlugins(records: readonly PluginRecord[]): PluginRecord[] {
  return [...records].sort((a, b) => failRank(a) - failRank(b) || byName(a, b));
}

/** A plugin that loads only when one of its channels starts. */
const isChannelOnly = (r: PluginRecord) => r.kind.length > 0 && r.kind.every((k) => k === 'channel');

/** The state badge: `Loaded` green, `Failed` red, `Disabled` and `Not loaded` grey. */
export function describePluginState(r: PluginRecord): StateBadge {
  switch (r.state) {
    case 'loaded':
      return { label: 'Loaded', tone: 'ok' };
    case 'failed':
      return { label: 'Failed', tone: 'bad' };
    case 'disabled':
      return { label: 'Disabled', tone: 'off' };
    case 'not-loaded':
      return { label: 'Not loaded', tone: 'off' };
    default:
      // A state this page does not know yet: show the gateway's word for it.
      return { label: String(r.state), tone: 'warn' };
  }
}

/** The gateway's reason (`listed in plugins.deny`) as a sentence. */
export const reasonSentence = (reason: string): string => `${reason.charAt(0).toUpperCase()}${reason.slice(1)}${/[.!?]$/.test(reason) ? '' : '.'}`;

/** Load failures the settings form can fix (the gateway checks settings before loading). */
const isSettingsFailure = (r: PluginRecord) => r.error?.startsWith('invalid settings') === true;

/** What the state means for the user and what to do; undefined when nothing needs saying. */
export function stateAdvice(r: PluginRecord): string | undefined {
  switch (r.state) {
    case 'failed': {
      const cost = r.critical ? 'This plugin is critical, so agent turns are refused until it is fixed.' : 'Its tools, methods and channels are unavailable.';
      const fix = isSettingsFailure(r) ? 'Correct its settings under Details; it loads again once they are valid.' : 'Fix the problem, then press Retry.';
      return `${cost} ${fix}`;
    }
    case 'disabled':
      return reasonSentence(r.reason);
    case 'not-loaded':
      if (!r.enabled) return reasonSentence(r.reason);
      return isChannelOnly(r) ? 'Loads when one of its channels starts.' : 'Loads when it is first needed.';
    default:
      return undefined;
  }
}

/** `failed` errors read as a sentence about the plugin: "Failed to load: …". */
export function describeFailure(r: PluginRecord): string | undefined {
  if (r.state !== 'failed') return undefined;
  return r.error ? `Failed to load: ${r.error}` : 'Failed to load, and the gateway did not say why. The gateway log has the details.';
}

/** Trouble while it runs (failed calls, restarts of its process), as short sentences; empty when there was none. */
export function runtimeTrouble(r: PluginRecord): string[] {
  const out: string[] = [];
  if (r.lastCallError) out.push(`Last failed call: ${r.lastCallError}${r.callErrors > 1 ? ` (${r.callErrors} failed calls so far)` : ''}`);
  else if (r.callErrors > 0) out.push(`${r.callErrors} failed call${r.callErrors === 1 ? '' : 's'} so far.`);
  if (r.restarts > 0) out.push(`Its process was restarted ${r.restarts} time${r.restarts === 1 ? '' : 's'}.`);
  return out;
}

/** `21 ms`, `1.4 s`; empty when the plugin was never loaded. */
export function formatLoadTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

const SOURCE_LABELS: Record<PluginRecord['source'], string> = {
  bundled: 'Bundled',
  installed: 'Installed',
  path: 'Folder',
};

/** Where the plugin came from, in one word. */
export const sourceLabel = (source: PluginRecord['source']): string => SOURCE_LABELS[source] ?? source;

/** `skill, channel`; `none` for a plugin that declares no kind. */
export const kindLabel = (kind: readonly string[]): string => (kind.length ? kind.join(', ') : 'none');

/** Critical plugins that failed (agent turns are refused while there are any), with names for the banner. */
export function criticalFailures(list: PluginsList): { id: string; name: string; error: string }[] {
  const names = new Map(list.plugins.map((p) => [p.id, p.name]));
  return list.health.failedCritical.map((f) => ({ id: f.id, name: names.get(f.id) ?? f.id, error: f.error }));
}

/** `2 loaded · 1 failed`: the non-zero counts, in a fixed order. */
export function summarizeCounts(health: PluginsHealth): string {
  const c = health.plugins;
  return [
    [c.loaded, 'loaded'],
    [c.failed, 'failed'],
    [c.disabled, 'disabled'],
    [c.notLoaded, 'not loaded'],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(' · ');
}

/** What turning a plugin on or off did, from the record the gateway returned. */
export function describeToggle(r: PluginRecord, enabled: boolean): string {
  if (!enabled) return r.enabled ? `${r.name} is still on (${r.reason}).` : `Turned ${r.name} off.`;
  if (!r.enabled) return `${r.name} stays off: ${r.reason}.`;
  switch (r.state) {
    case 'loaded':
      return `Turned ${r.name} on; it is loaded.`;
    case 'failed':
      return `Turned ${r.name} on, but it failed to load; the problem is shown in its row.`;
    default:
      return `Turned ${r.name} on. ${stateAdvice(r) ?? ''}`.trim();
  }
}
