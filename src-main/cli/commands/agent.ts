import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { connectCli, type GlobalOptions } from '../connect.js';
import { GatewayCallError } from '../gateway-client.js';
import { CliError, printJson } from '../output.js';

interface AgentOptions extends GlobalOptions {
  message?: string;
  agent?: string;
  session?: string;
  /** Image files to attach (the gateway checks their type and size). */
  image?: string[];
  json?: boolean;
}

/** `--image` files as `chat.send` attachments; a file that cannot be read is a clear error before anything is sent. */
function imageAttachments(files: readonly string[]): { type: 'image'; content: string; fileName: string }[] {
  return files.map((file) => {
    try {
      return { type: 'image', content: readFileSync(file).toString('base64'), fileName: basename(file) };
    } catch (err) {
      throw new CliError(`cannot read --image ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  });
}

/**
 * `openclaw agent --message …`: sends the message into a session and prints
 * the reply as it streams (Ctrl-C aborts the turn). `--json` prints the final
 * result only.
 */
export async function runAgent(opts: AgentOptions): Promise<void> {
  if (!opts.message) throw new CliError('--message is required');
  const attachments = imageAttachments(opts.image ?? []);
  const client = await connectCli(opts);
  const agentId = opts.agent ?? 'main';
  const sessionKey = opts.session ?? `agent:${agentId}:main`;
  const runId = randomUUID();
  let printed = '';
  let aborted = false;
  const onSigint = () => {
    aborted = true;
    void client.call('chat.abort', { sessionKey, runId }).catch(() => undefined);
  };
  process.once('SIGINT', onSigint);
  try {
    const finished = new Promise<{ state: string; text: string; error?: string }>((resolve) => {
      client.on((event, payload) => {
        const p = payload as { runId?: string; state?: string; message?: { content?: { text?: string }[] }; errorMessage?: string };
        if (event !== 'chat' || p.runId !== runId) return;
        const text = p.message?.content?.map((b) => b.text ?? '').join('') ?? '';
        if (p.state === 'delta' && !opts.json && text.startsWith(printed)) {
          process.stdout.write(text.slice(printed.length));
          printed = text;
        }
        if (p.state !== 'delta') resolve({ state: p.state ?? 'final', text, error: p.errorMessage });
      });
    });
    await client.call<MethodResult<'chat.send'>>('chat.send', { sessionKey, message: opts.message, idempotencyKey: runId, ...(attachments.length ? { attachments } : {}) });
    const end = await finished;
    if (opts.json) printJson({ runId, sessionKey, status: end.state === 'final' ? 'ok' : end.state, text: end.text, ...(end.error ? { error: end.error } : {}) });
    else {
      if (end.text.startsWith(printed)) process.stdout.write(end.text.slice(printed.length));
      process.stdout.write('\n');
    }
    if (end.state === 'error') throw new CliError(opts.json ? '' : `the agent failed: ${end.error ?? 'unknown error'}`);
    if (end.state === 'aborted' || aborted) throw new CliError(opts.json ? '' : 'aborted', 130);
  } catch (err) {
    if (err instanceof GatewayCallError) throw new CliError(`chat.send failed: ${err.message}${err.detailCode ? ` [${err.detailCode}]` : ''}`);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    client.close();
  }
}

/** `openclaw sessions [--json]`. */
export async function runSessions(opts: GlobalOptions & { json?: boolean; agent?: string; limit?: string }): Promise<void> {
  const client = await connectCli(opts);
  try {
    const r = await client.call<MethodResult<'sessions.list'>>('sessions.list', { ...(opts.agent ? { agentId: opts.agent } : {}), limit: opts.limit ? Number(opts.limit) : 100 });
    if (opts.json) return printJson(r);
    if (!r.sessions.length) return void process.stdout.write('No sessions yet. Start one with: openclaw agent --message "hello"\n');
    const rows = r.sessions.map((s) => [s.key, s.agentId, String(s.messageCount), new Date(s.updatedAt).toISOString().replace('T', ' ').slice(0, 19), s.running ? 'running' : '', (s.preview ?? '').replace(/\s+/g, ' ').slice(0, 60)]);
    const head = ['SESSION', 'AGENT', 'MSGS', 'UPDATED (UTC)', '', 'LAST'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    for (const row of [head, ...rows]) process.stdout.write(row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n');
    if (r.total > r.count) process.stdout.write(`(${r.total - r.count} more; use --limit)\n`);
  } finally {
    client.close();
  }
}
