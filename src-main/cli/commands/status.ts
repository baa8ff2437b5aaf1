import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { callOnce, resolveTarget, type GlobalOptions } from '../connect.js';
import { describeCluster } from '../../../src-shared/domain/cluster-text.js';
import { CliError, printJson } from '../output.js';
import { configReloadLines, duration, modelLines } from './health.js';
import { loadConfigFile } from '../../config/index.js';

/** `openclaw status [--all] [--json]`. When the gateway is down, says so with the local paths and exits 1. */
export async function runStatus(opts: GlobalOptions & { json?: boolean; all?: boolean }): Promise<void> {
  let s: MethodResult<'status'>;
  try {
    s = await callOnce<MethodResult<'status'>>(opts, 'status', { all: Boolean(opts.all) });
  } catch (err) {
    const t = resolveTarget(opts);
    if (opts.json) throw err;
    process.stdout.write([`Gateway: not reachable at ${t.url}`, ...localConfigLines(t.paths), `State: ${t.paths.stateDir}`, ''].join('\n'));
    throw err instanceof Error ? new CliError(err.message) : err;
  }
  if (opts.json) return printJson(s);
  const lines = [
    `Gateway: ${s.ok ? 'running' : s.config.hotReloadStatus === 'invalid' ? 'running, config invalid' : 'running, not healthy'} at ${s.gateway.url} (bind ${s.gateway.bind}, auth ${s.gateway.authMode}), version ${s.version}, up ${duration(s.uptimeMs)}`,
    `Control UI: ${s.gateway.controlUiUrl ?? '-'}`,
    ...(s.gateway.tls ? [`TLS: ${s.gateway.tls.source === 'generated' ? 'self-signed certificate' : 'certificate from gateway.tls.certPath'}, valid until ${s.gateway.tls.notAfter.slice(0, 10)}`, `TLS fingerprint (SHA-256): ${s.gateway.tls.fingerprint}`] : []),
    `Connections: ${s.connections.total} (${s.connections.operators} operators, ${s.connections.nodes} nodes)`,
    ...configReloadLines(s.config),
    `Agents: ${s.agents.map((a) => `${a.agentId}${a.isDefault ? ' (default)' : ''}`).join(', ')}`,
    `Channels: ${Object.keys(s.channels).length ? Object.keys(s.channels).join(', ') : 'none configured'}`,
    ...modelLines(s.models),
    ...clusterLines(s.cluster),
  ];
  if (s.plugins) {
    const p = s.plugins.plugins;
    lines.push(`Plugins: ${p.loaded} loaded, ${p.failed} failed, ${p.notLoaded} waiting to load, ${p.disabled} disabled${p.failed ? ' (openclaw plugins doctor says why)' : ''}`);
    for (const f of s.plugins.failedCritical) lines.push(`  critical plugin ${f.id} failed: agent turns are refused until it is fixed (${f.error})`);
  }
  if (opts.all && s.host) {
    const h = s.host;
    lines.push(
      `Process: pid ${h.pid}, node ${h.nodeVersion} on ${h.platform}, RSS ${(h.rssBytes / 1048576).toFixed(1)} MiB`,
      `State dir: ${h.stateDir}`,
      `Config: ${h.configPath}`,
      `Log file: ${h.logFile}`,
      `Database: ${h.storePath} (schema v${h.storeSchemaVersion})`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** Gateways sharing the database: `Role: primary (runs the chat channels) · peer gw-b standby, seen 0.4 s ago`. */
export function clusterLines(c: MethodResult<'status'>['cluster']): string[] {
  return c ? [`Role: ${describeCluster(c)}`] : [];
}

/** With the gateway down, the config file it would start with: its path, and why it is invalid (every problem, in full). */
function localConfigLines(paths: { configPath: string; legacyConfigPath?: string }): string[] {
  const r = loadConfigFile(paths.configPath, process.env, { legacyConfigPath: paths.legacyConfigPath });
  if (r.ok) return [`Config: ${paths.configPath}`];
  return [`Config: ${paths.configPath} (invalid; the gateway will not start with it)`, ...r.error.message.split('\n').map((l) => `  ${l.trimStart()}`)];
}
