import JSON5 from 'json5';
import { randomUUID } from 'node:crypto';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { callOnce, type GlobalOptions } from '../connect.js';
import { CliError, printJson } from '../output.js';

type Opts = GlobalOptions & { json?: boolean };
type PairList = MethodResult<'device.pair.list'>;
type NodeList = MethodResult<'node.list'>;

/** Plain aligned columns for terminal listings. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** `openclaw devices list`: pending requests and paired devices. */
export async function devicesList(opts: Opts): Promise<void> {
  const r = await callOnce<PairList>(opts, 'device.pair.list', {});
  if (opts.json) return printJson(r);
  process.stdout.write(r.pending.length ? `Pending (approve with: openclaw devices approve <requestId>)\n${table(['REQUEST', 'DEVICE', 'ROLE', 'NAME', 'FROM', 'EXPIRES'], r.pending.map((p) => [p.requestId, p.deviceId.slice(0, 12), p.role, p.displayName ?? '', p.remoteAddress ?? '', new Date(p.expiresAtMs).toISOString().slice(11, 19)]))}` : 'No pending pairing requests.\n');
  process.stdout.write(r.paired.length ? `\nPaired\n${table(['DEVICE', 'ROLE', 'NAME', 'PLATFORM', 'CONNECTED'], r.paired.map((d) => [d.deviceId.slice(0, 12), d.role, d.displayName ?? '', d.platform ?? '', d.connected ? 'yes' : 'no']))}` : '\nNo paired devices.\n');
}

export async function devicesApprove(requestId: string, opts: Opts): Promise<void> {
  const r = await callOnce<{ device: { deviceId: string; role: string } }>(opts, 'device.pair.approve', { requestId });
  if (opts.json) return printJson(r);
  process.stdout.write(`Approved ${r.device.role} device ${r.device.deviceId}.\n`);
}

export async function devicesReject(requestId: string, opts: Opts): Promise<void> {
  await callOnce(opts, 'device.pair.reject', { requestId });
  process.stdout.write(`Rejected ${requestId}.\n`);
}

export async function devicesRemove(deviceId: string, opts: Opts): Promise<void> {
  const r = await callOnce<{ removed: boolean; closedConnections: number }>(opts, 'device.pair.remove', { deviceId });
  if (!r.removed) throw new CliError(`no paired device ${deviceId}`);
  process.stdout.write(`Removed ${deviceId}${r.closedConnections ? ` and closed ${r.closedConnections} connection(s)` : ''}.\n`);
}

/** `openclaw nodes list`. */
export async function nodesList(opts: Opts): Promise<void> {
  const r = await callOnce<NodeList>(opts, 'node.list', {});
  if (opts.json) return printJson(r);
  if (!r.nodes.length) return void process.stdout.write('No nodes paired yet.\n');
  process.stdout.write(
    table(
      ['NODE', 'NAME', 'PLATFORM', 'CONNECTED', 'COMMANDS (allowed now)', 'WAITING'],
      r.nodes.map((n) => [n.nodeId, n.displayName ?? '', n.platform ?? '', n.connected ? 'yes' : 'no', (n.allowedCommands ?? n.commands).join(','), n.pendingRequestId ? `openclaw nodes approve ${n.pendingRequestId}` : '']),
    ),
  );
}

/** `openclaw nodes invoke --node <id> --command <cmd> [--params <json>]`. */
export async function nodesInvoke(opts: Opts & { node?: string; command?: string; params?: string; invokeTimeout?: string }): Promise<void> {
  if (!opts.node || !opts.command) throw new CliError('--node and --command are required');
  let params: unknown;
  if (opts.params) {
    try {
      params = JSON5.parse(opts.params);
    } catch (err) {
      throw new CliError(`--params is not valid JSON: ${(err as Error).message}`);
    }
  }
  const r = await callOnce<{ ok: boolean; payload?: unknown; error?: { code: string; message: string } }>(opts, 'node.invoke', {
    nodeId: opts.node,
    command: opts.command,
    ...(params !== undefined ? { params } : {}),
    ...(opts.invokeTimeout ? { timeoutMs: Number(opts.invokeTimeout) } : {}),
    idempotencyKey: randomUUID(),
  });
  printJson(r);
  if (!r.ok) throw new CliError('');
}
