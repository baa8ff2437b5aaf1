import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { callOnce, type GlobalOptions } from '../connect.js';
import { printJson } from '../output.js';
import { table } from './devices.js';

type Opts = GlobalOptions & { json?: boolean };

/** `openclaw nodes pending`: node command requests waiting for an operator (they never expire). */
export async function nodesPending(opts: Opts): Promise<void> {
  const r = await callOnce<MethodResult<'node.pair.list'>>(opts, 'node.pair.list', {});
  if (opts.json) return printJson(r);
  if (!r.pending.length) {
    process.stdout.write('No node commands are waiting for approval.\n');
  } else {
    process.stdout.write(
      `Pending (approve with: openclaw nodes approve <requestId>)\n${table(
        ['REQUEST', 'NODE', 'NAME', 'PLATFORM', 'COMMANDS', 'NEEDS'],
        r.pending.map((p) => [p.requestId, p.node.nodeId.slice(0, 12), p.node.displayName ?? '', p.node.platform ?? '', p.commands.join(','), p.requiredScopes.join(',')]),
      )}`,
    );
    const blocked = r.pending.filter((p) => p.blockedByPolicy.length);
    for (const p of blocked) {
      process.stdout.write(`Note: ${p.blockedByPolicy.join(', ')} on ${p.node.displayName ?? p.node.nodeId.slice(0, 12)} stay blocked for ${p.node.platform ?? 'its'} platform unless listed in gateway.nodes.allowCommands.\n`);
    }
  }
  if (r.paired.length) process.stdout.write(`\nApproved\n${table(['NODE', 'NAME', 'COMMANDS'], r.paired.map((n) => [n.nodeId.slice(0, 12), n.displayName ?? '', n.commands.join(',')]))}`);
}

/** `openclaw nodes approve <requestId>`. Host commands (system.run, fs.*, browser.proxy) need the admin scope. */
export async function nodesApprove(requestId: string, opts: Opts): Promise<void> {
  const r = await callOnce<MethodResult<'node.pair.approve'>>(opts, 'node.pair.approve', { requestId });
  if (opts.json) return printJson(r);
  process.stdout.write(approveSummary(r));
}

/**
 * What an approval did: the commands that may run now, and apart from them the approved ones the
 * node policy keeps blocked (so "approved" never reads as "runs").
 */
export function approveSummary(r: Pick<MethodResult<'node.pair.approve'>, 'nodeId' | 'commands' | 'blockedByPolicy'>): string {
  const blocked = new Set(r.blockedByPolicy);
  const runs = r.commands.filter((c) => !blocked.has(c));
  const lines = [runs.length ? `Approved ${runs.join(', ')} for node ${r.nodeId}.` : `Approved nothing that can run yet on node ${r.nodeId}.`];
  if (blocked.size) {
    lines.push(
      `Still blocked by the node policy: ${[...blocked].join(', ')}. Listing a command in gateway.nodes.allowCommands lets it run ` +
        '(unless gateway.nodes.denyCommands names it); the approval then applies.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `openclaw nodes reject <requestId>`. */
export async function nodesReject(requestId: string, opts: Opts): Promise<void> {
  const r = await callOnce<MethodResult<'node.pair.reject'>>(opts, 'node.pair.reject', { requestId });
  if (opts.json) return printJson(r);
  process.stdout.write(`Rejected ${requestId} (node ${r.nodeId}); it asks again when it reconnects.\n`);
}
