import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { callOnce, type GlobalOptions } from '../connect.js';
import { printJson } from '../output.js';
import { table } from './devices.js';

type Opts = GlobalOptions & { json?: boolean };

/** `openclaw approvals list`: programs the agent is waiting to run, outside the exec allow-list. */
export async function approvalsList(opts: Opts): Promise<void> {
  const r = await callOnce<MethodResult<'exec.approval.list'>>(opts, 'exec.approval.list', {});
  if (opts.json) return printJson(r);
  if (!r.length) return void process.stdout.write('No exec approvals waiting.\n');
  const now = Date.now();
  process.stdout.write(
    table(
      ['ID', 'COMMAND', 'CWD', 'SESSION', 'EXPIRES IN'],
      r.map((a) => [a.id, a.request.command, a.cwd, a.sessionKey, `${Math.max(0, Math.round((a.expiresAtMs - now) / 1000))} s`]),
    ),
  );
  process.stdout.write('Answer with: openclaw approvals allow <ID> [--always] | openclaw approvals deny <ID>\n');
}

/** `openclaw approvals allow <id> [--always]` / `deny <id>`. */
export async function approvalsResolve(id: string, decision: 'allow-once' | 'allow-always' | 'deny', opts: Opts): Promise<void> {
  const r = await callOnce<MethodResult<'exec.approval.resolve'>>(opts, 'exec.approval.resolve', { id, decision });
  if (opts.json) return printJson(r);
  const words = { 'allow-once': 'Allowed this once.', 'allow-always': 'Allowed, and added to tools.exec.allow.', deny: 'Denied: the agent is told the owner did not allow it.' };
  process.stdout.write(`${words[r.decision]}\n`);
}
