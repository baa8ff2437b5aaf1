import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { callOnce, type GlobalOptions } from '../connect.js';
import { printJson } from '../output.js';

type ForgottenMemories = NonNullable<MethodResult<'sessions.delete'>['memories']>;
type PersonMemories = Omit<MethodResult<'sessions.memories'>, 'key'>;

/** One line about forgotten memories: how many went, or why none did. */
export function describeForgotten(m: ForgottenMemories): string {
  if (m.note) return `No memories were forgotten: ${m.note}.`;
  return `Forgot ${m.removed} ${m.removed === 1 ? 'memory' : 'memories'} of ${m.owner ?? 'this person'}.`;
}

/** A hint that the person has memories and how to forget them too; empty when there is nothing to offer. */
export function memoriesHint(m: PersonMemories | undefined, flagCommand: string): string {
  if (!m?.available || !m.count) return '';
  return `The assistant keeps ${m.count} ${m.count === 1 ? 'memory' : 'memories'} of ${m.owner}; they stay. To forget them too: ${flagCommand}\n`;
}

/** `openclaw sessions delete <key> [--forget-memories]`. */
export async function sessionsDelete(key: string, opts: GlobalOptions & { json?: boolean; forgetMemories?: boolean }): Promise<void> {
  const r = await callOnce<MethodResult<'sessions.delete'>>(opts, 'sessions.delete', { key, ...(opts.forgetMemories ? { forgetMemories: true } : {}) });
  if (opts.json) return printJson(r);
  process.stdout.write(r.deleted ? `Deleted session ${r.key}.\n` : `No session ${r.key}; nothing to delete.\n`);
  if (r.memories) process.stdout.write(`${describeForgotten(r.memories)}\n`);
  else {
    const m = await callOnce<MethodResult<'sessions.memories'>>(opts, 'sessions.memories', { key: r.key }).catch(() => undefined);
    process.stdout.write(memoriesHint(m, `openclaw sessions delete ${r.key} --forget-memories`));
  }
}
