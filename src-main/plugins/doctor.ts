/**
 * `plugins doctor`: every plugin problem in plain words, each with the fix.
 * Pure over what discovery, the registry and the config say, so the CLI, the
 * `plugins.doctor` method and the UI show the same list.
 */
import type { DiscoveryResult } from './discovery.js';
import { formatManifestProblem } from './manifest.js';
import { validateChannelsConfig, validatePluginConfig, type ChannelProvider, type ChannelSchemaOptions } from './plugin-config.js';
import type { PluginRecord, PluginsConfig } from './types.js';

/** One problem and what to do about it. */
export interface DoctorFinding {
  severity: 'error' | 'warning' | 'info';
  /** Stable code for scripts and tests. */
  code:
    | 'manifest-invalid'
    | 'manifest-warning'
    | 'duplicate-id'
    | 'api-version'
    | 'plugin-failed'
    | 'invalid-config'
    | 'unknown-channel'
    | 'invalid-channel-config'
    | 'channel-plugin-disabled'
    | 'disabled-but-configured'
    | 'unknown-plugin-in-config'
    | 'memory-slot'
    | 'call-errors';
  pluginId?: string;
  problem: string;
  fix: string;
}

/** What the doctor looks at. */
export interface DoctorInput extends ChannelSchemaOptions {
  discovery: DiscoveryResult;
  /** The registry's `list()`. */
  records: readonly PluginRecord[];
  config: PluginsConfig;
  /** The config's `channels` section. */
  channels?: Record<string, unknown>;
  /** The registry's `channelProviders()`. */
  providers: readonly ChannelProvider[];
  installHints?: Readonly<Record<string, string>>;
}

/** All findings, errors first. */
export function diagnosePlugins(input: DoctorInput): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const byId = new Map(input.records.map((r) => [r.id, r]));
  const { config } = input;

  for (const c of input.discovery.candidates) {
    if (c.problem) {
      out.push({ severity: 'error', code: 'manifest-invalid', pluginId: c.id, problem: `plugin folder ${c.rootDir} cannot be used: ${formatManifestProblem(c.problem)}`, fix: `fix that field in ${c.manifestPath}, or remove the folder` });
    }
    for (const w of c.warnings) out.push({ severity: 'info', code: 'manifest-warning', pluginId: c.id, problem: w, fix: 'remove the key, or check its spelling' });
  }
  for (const d of input.discovery.duplicates) {
    out.push({
      severity: 'warning',
      code: 'duplicate-id',
      pluginId: d.id,
      problem: `two folders provide plugin "${d.id}": ${d.kept.rootDir} (${d.kept.source}) is used, ${d.ignored.rootDir} (${d.ignored.source}) is ignored`,
      fix: `remove or rename ${d.ignored.rootDir}`,
    });
  }

  for (const r of input.records) {
    const entry = config.entries?.[r.id];
    if (r.state === 'failed' && r.reason !== 'its manifest cannot be used') {
      if (r.error?.startsWith('written for plugin API')) {
        out.push({ severity: 'error', code: 'api-version', pluginId: r.id, problem: `plugin "${r.id}" is ${r.error.split(':')[0]}`, fix: r.error.split(': ').slice(1).join(': ') || 'update the plugin' });
      } else {
        const settings = r.error?.startsWith('invalid settings');
        out.push({
          severity: r.critical ? 'error' : 'warning',
          code: 'plugin-failed',
          pluginId: r.id,
          problem: `plugin "${r.id}" failed: ${r.error ?? 'unknown reason'}${r.critical ? ' (critical: tool calls are refused while it is failed)' : ''}`,
          fix: settings ? `fix plugins.entries.${r.id}.config as listed` : `see the gateway log (plugins/${r.id}); fix or update the plugin, then run openclaw plugins enable ${r.id}`,
        });
      }
    }
    if (r.enabled && r.state !== 'failed') {
      const candidate = input.discovery.candidates.find((c) => c.id === r.id && c.manifest);
      for (const issue of candidate?.manifest ? validatePluginConfig(candidate.manifest, entry?.config) : []) {
        out.push({ severity: 'error', code: 'invalid-config', pluginId: r.id, problem: `${issue.path}: ${issue.message}`, fix: `correct ${issue.path} (the plugin will not load until then)` });
      }
    }
    if (!r.enabled && r.state === 'disabled' && entry?.config !== undefined) {
      out.push({ severity: 'warning', code: 'disabled-but-configured', pluginId: r.id, problem: `plugin "${r.id}" has settings but does not run: ${r.reason}`, fix: `run openclaw plugins enable ${r.id}, or remove plugins.entries.${r.id}.config` });
    }
    if (r.callErrors > 0) {
      out.push({ severity: 'info', code: 'call-errors', pluginId: r.id, problem: `${r.callErrors} call(s) into plugin "${r.id}" failed; last: ${r.lastCallError ?? '?'}`, fix: `see the gateway log (plugins/${r.id}) and report it to the plugin's author` });
    }
  }

  const channels = validateChannelsConfig(input.channels, input.providers, input);
  for (const issue of channels.issues) {
    const unknown = issue.message.startsWith('no plugin provides');
    const [problem, fix] = unknown ? splitFix(issue.message) : [`${issue.path}: ${issue.message}`, `correct ${issue.path}`];
    out.push({ severity: 'error', code: unknown ? 'unknown-channel' : 'invalid-channel-config', problem: unknown ? `${issue.path}: ${problem}` : problem, fix });
  }
  for (const notice of channels.notices) {
    const [problem, fix] = splitFix(notice.message);
    out.push({ severity: 'warning', code: 'channel-plugin-disabled', problem: `${notice.path}: ${problem}`, fix });
  }

  const mention = (id: string, where: string) => {
    if (!byId.has(id)) out.push({ severity: 'warning', code: 'unknown-plugin-in-config', pluginId: id, problem: `${where} names "${id}", but no such plugin is installed`, fix: `install it (openclaw plugins install …) or remove it from ${where}` });
  };
  for (const id of Object.keys(config.entries ?? {})) mention(id, `plugins.entries.${id}`);
  for (const id of config.allow ?? []) mention(id, 'plugins.allow');
  for (const id of config.deny ?? []) mention(id, 'plugins.deny');
  const slot = config.slots?.memory;
  if (slot !== undefined && slot !== 'none') {
    const r = byId.get(slot);
    if (!r) out.push({ severity: 'error', code: 'memory-slot', pluginId: slot, problem: `plugins.slots.memory chooses "${slot}", but no such plugin is installed`, fix: 'install it, or set plugins.slots.memory to an installed memory plugin (or "none")' });
    else if (!r.kind.includes('memory')) out.push({ severity: 'error', code: 'memory-slot', pluginId: slot, problem: `plugins.slots.memory chooses "${slot}", which is not a memory plugin`, fix: 'choose a plugin of kind memory (or "none")' });
  }

  const rank = { error: 0, warning: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/** Messages from plugin-config read "problem: fix" or "problem; fix"; split at the last separator. */
function splitFix(message: string): [string, string] {
  const i = message.lastIndexOf('; ');
  if (i > 0) return [message.slice(0, i), message.slice(i + 2)];
  return [message, 'see the message'];
}
