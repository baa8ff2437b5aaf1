import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { callOnce, type GlobalOptions } from '../connect.js';
import { CliError, printJson } from '../output.js';

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** `openclaw health`. Exits 1 when the gateway reports not-ok. */
export async function runHealth(opts: GlobalOptions & { json?: boolean }): Promise<void> {
  const h = await callOnce<MethodResult<'health'>>(opts, 'health', {});
  if (opts.json) printJson(h);
  else {
    const lines = [
      `Gateway ${h.ok ? 'OK' : 'NOT OK'} — version ${h.version}, up ${duration(h.uptimeMs)}`,
      ...configReloadLines(h.configReload),
      `Agents: ${h.agents.map((a) => `${a.agentId}${a.isDefault ? ' (default)' : ''}`).join(', ')}`,
      `Channels: ${h.channelOrder.length ? h.channelOrder.join(', ') : 'none configured'}`,
      ...modelLines(h.models),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (!h.ok) throw new CliError(opts.json ? '' : 'gateway reports not OK', 1);
}

/**
 * `Config reload: …` and, indented below it, the whole last error (an invalid config's message
 * names the file on its first line and each problem on its own line after it) and what waits for a restart.
 */
export function configReloadLines(c: Pick<MethodResult<'health'>['configReload'], 'hotReloadStatus' | 'mode' | 'lastError' | 'pendingRestartPaths'>): string[] {
  const kept = c.hotReloadStatus === 'invalid' ? '; the last good config keeps running' : '';
  return [
    `Config reload: ${c.hotReloadStatus} (mode ${c.mode})${kept}`,
    ...(c.lastError ? ['  last error:', ...c.lastError.split('\n').map((l) => `    ${l.trimStart()}`)] : []),
    ...(c.pendingRestartPaths?.length ? [`  restart needed for: ${c.pendingRestartPaths.join(', ')}`] : []),
  ];
}

/** `Models: …` and one indented line per problem; a missing model is said first, with the fix. */
export function modelLines(m: MethodResult<'health'>['models']): string[] {
  if (!m) return [];
  const usable = m.agents.filter((a) => a.usable.length).map((a) => `${a.agentId} → ${a.usable.join(', ')}`);
  const head = m.ok ? `Models: ${usable.join('; ')}` : `Models: NOT SET UP for ${m.agents.filter((a) => !a.usable.length).map((a) => a.agentId).join(', ')} (agents cannot answer)`;
  return [head, ...m.problems.map((p) => `  ${p}`)];
}

export { duration };
