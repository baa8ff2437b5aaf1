import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { PluginRecord } from './plugin-rows.js';

export type PluginInfo = MethodResult<'plugins.info'>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** One line of the permissions a manifest declares: what kind of access, and to what. */
export interface PermissionLine {
  label: string;
  items: string[];
}

/** The manifest's `permissions` block as labelled lines; empty when it declares none. */
export function readPermissions(manifest: unknown): PermissionLine[] {
  const p = isRecord(manifest) && isRecord(manifest.permissions) ? manifest.permissions : {};
  const fs = isRecord(p.filesystem) ? p.filesystem : {};
  return [
    { label: 'Network hosts', items: strings(p.network) },
    { label: 'Reads files', items: strings(fs.read) },
    { label: 'Writes files', items: strings(fs.write) },
    { label: 'Runs programs', items: strings(p.processes) },
    { label: 'Environment variables', items: strings(p.env) },
  ].filter((l) => l.items.length > 0);
}

/** Whether the declared permissions are enforced, in plain words. */
export function permissionsNote(record: Pick<PluginRecord, 'isolation' | 'id'>, declared: number): string {
  if (record.isolation === 'process') return declared ? 'It runs in its own process, limited to these.' : 'It runs in its own process, limited to its own folders.';
  return `It runs inside the gateway process, where these are not enforced. To enforce them, set plugins.entries.${record.id}.isolation to "process".`;
}

/** The channels a plugin provides, with the labels its manifest gives them. */
export function channelLabels(manifest: unknown, channels: readonly string[]): { id: string; label: string }[] {
  const info = isRecord(manifest) && isRecord(manifest.channelInfo) ? manifest.channelInfo : {};
  return channels.map((id) => {
    const entry = info[id];
    const label = isRecord(entry) && typeof entry.label === 'string' ? entry.label : id;
    return { id, label };
  });
}

const INSTALL_FROM: Record<string, string> = { npm: 'npm package', archive: 'archive', folder: 'folder' };

/** Where the plugin came from: the install record for installed plugins, otherwise what its source means. */
export function describeInstall(record: Pick<PluginRecord, 'source'>, install: unknown): string {
  if (isRecord(install) && typeof install.spec === 'string') {
    const from = typeof install.from === 'string' ? (INSTALL_FROM[install.from] ?? install.from) : undefined;
    const at = typeof install.installedAt === 'string' && !Number.isNaN(Date.parse(install.installedAt)) ? new Date(install.installedAt).toLocaleString() : undefined;
    return `Installed from ${from ? `${from} ` : ''}${install.spec}${at ? ` on ${at}` : ''}.`;
  }
  switch (record.source) {
    case 'bundled':
      return 'Comes with OpenClaw.';
    case 'installed':
      return 'Installed (no install record was found in its folder).';
    default:
      return 'Loaded from a folder named in plugins.load.paths; not installed.';
  }
}
