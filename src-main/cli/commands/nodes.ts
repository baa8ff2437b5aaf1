import { describeNodeApproval } from '../../../src-shared/domain/node-commands.js';
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
  process.stdout.write(`${describeNodeApproval({ node: r.nodeId, commands: r.commands, blockedByPolicy: r.blockedByPolicy })}\n`);
}

/** `openclaw nodes reject <requestId>`. */
export async function nodesReject(requestId: string, opts: Opts): Promise<void> {
  const r = await callOnce<MethodResult<'node.pair.reject'>>(opts, 'node.pair.reject', { requestId });
  if (opts.json) return printJson(r);
  process.stdout.write(`Rejected ${requestId} (node ${r.nodeId}); it asks again when it reconnects.\n`);
}
