import { randomUUID } from 'node:crypto';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { callOnce, connectCli, type GlobalOptions } from '../connect.js';
import { CliError, printJson, terminalQr } from '../output.js';
import { describeForgotten } from './sessions.js';

type Opts = GlobalOptions & { json?: boolean; account?: string };

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

const ago = (ms?: number) => {
  if (!ms) return '-';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
};

/** `openclaw channels status [--json]`: the truth per account (exit 1 when any enabled account is down). */
export async function channelsStatus(opts: Opts & { probe?: boolean }): Promise<void> {
  const r = await callOnce<MethodResult<'channels.status'>>(opts, 'channels.status', opts.probe ? { probe: true } : {});
  // JSON is for scripts: it reports the state, and the exit code stays 0 when the call worked.
  if (opts.json) return printJson(r);
  const rows = r.channelOrder.flatMap((ch) =>
    (r.channelAccounts[ch] ?? []).map((a) => [
      r.channelLabels[ch] ?? ch,
      a.accountId,
      a.enabled ? a.state : 'disabled',
      ago(a.lastInboundAt),
      ago(a.lastOutboundAt),
      String(a.restarts),
      a.lastError ?? '',
    ]),
  );
  if (!rows.length) return void process.stdout.write('No channels configured. Add one, e.g.: openclaw config set channels.telegram.botToken <token>\n');
  process.stdout.write(table(['CHANNEL', 'ACCOUNT', 'STATE', 'LAST IN', 'LAST OUT', 'RESTARTS', 'LAST ERROR'], rows));
  const down = r.channelOrder.flatMap((ch) => (r.channelAccounts[ch] ?? []).filter((a) => a.enabled && !a.connected).map((a) => `${ch}/${a.accountId}`));
  if (down.length) throw new CliError(`not connected: ${down.join(', ')}`, 1);
}

export async function channelsLogout(channel: string, opts: Opts): Promise<void> {
  await callOnce(opts, 'channels.logout', { channel, ...(opts.account ? { accountId: opts.account } : {}) });
  process.stdout.write(`Logged out of ${channel}${opts.account ? ` (${opts.account})` : ''}; stored credentials removed.\n`);
}

/** `openclaw channels login whatsapp`: prints the QR in the terminal and waits for the phone. */
export async function channelsLogin(named: string | undefined, opts: Opts & { force?: boolean; wait?: string }): Promise<void> {
  const client = await connectCli(opts);
  const waitMs = opts.wait ? Number(opts.wait) : 180_000;
  try {
    // Without a name, the gateway picks the QR-login channel the config means, or says which to name.
    const base = { ...(named ? { channel: named } : {}), ...(opts.account ? { accountId: opts.account } : {}) };
    const start = await client.call<MethodResult<'web.login.start'>>('web.login.start', { ...base, ...(opts.force ? { force: true } : {}), timeoutMs: waitMs }, { timeoutMs: 40_000 });
    if (opts.json) printJson(start);
    let qr = start.qr;
    if (qr && !opts.json) process.stdout.write(`${await terminalQr(qr)}\n${start.message}\n`);
    else if (!opts.json) process.stdout.write(`${start.message}\n`);
    if (start.connected) return;
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const w = await client.call<MethodResult<'web.login.wait'>>('web.login.wait', { ...base, timeoutMs: Math.min(60_000, deadline - Date.now()) }, { timeoutMs: 70_000 });
      if (w.connected) {
        if (opts.json) printJson(w);
        else process.stdout.write(`${w.message}\n`);
        return;
      }
      if (w.qr && w.qr !== qr) {
        qr = w.qr;
        if (opts.json) printJson(w);
        else process.stdout.write(`\nThe code was refreshed:\n${await terminalQr(qr)}\n`);
      }
      if (!w.qr && !w.connected && /did not finish|no login/.test(w.message)) throw new CliError(w.message);
    }
    throw new CliError('timed out waiting for the phone to scan the code; run the command again');
  } finally {
    client.close();
  }
}

/** `openclaw pairing list [channel] [--json]`. */
export async function pairingList(channel: string | undefined, opts: Opts): Promise<void> {
  const r = await callOnce<MethodResult<'channels.pairing.list'>>(opts, 'channels.pairing.list', { ...(channel ? { channel } : {}), ...(opts.account ? { accountId: opts.account } : {}) });
  if (opts.json) return printJson(r);
  if (!r.requests.length) return void process.stdout.write(`No pending pairing requests${channel ? ` for ${channel}` : ''}.\n`);
  process.stdout.write(
    table(
      ['CHANNEL', 'ACCOUNT', 'CODE', 'SENDER', 'NAME', 'HELD', 'EXPIRES'],
      r.requests.map((q) => [q.channel, q.accountId, q.code, q.id, q.meta.name ?? '', String(q.meta.heldMessages), q.expiresAt.slice(11, 19)]),
    ),
  );
  process.stdout.write('Approve with: openclaw pairing approve <channel> <CODE>\n');
}

/** `openclaw pairing approve <channel> <CODE> [--notify]`. */
export async function pairingApprove(channel: string, code: string, opts: Opts & { notify?: boolean }): Promise<void> {
  const r = await callOnce<MethodResult<'channels.pairing.approve'>>(opts, 'channels.pairing.approve', {
    channel,
    code,
    ...(opts.account ? { accountId: opts.account } : {}),
    ...(opts.notify ? { notify: true } : {}),
  });
  if (opts.json) return printJson(r);
  process.stdout.write(`Approved ${channel} sender ${r.senderId}.${r.released ? ` ${r.released} held message(s) are being answered now.` : ''}\n`);
}

export async function pairingDismiss(channel: string, code: string, opts: Opts): Promise<void> {
  await callOnce(opts, 'channels.pairing.dismiss', { channel, code, ...(opts.account ? { accountId: opts.account } : {}) });
  process.stdout.write(`Dismissed ${channel} pairing request ${code}.\n`);
}

/** `openclaw pairing allowed [channel] [--json]`: senders let in by pairing, with their memories when a memory plugin is active. */
export async function pairingAllowed(channel: string | undefined, opts: Opts): Promise<void> {
  const r = await callOnce<MethodResult<'channels.pairing.allowed'>>(opts, 'channels.pairing.allowed', { ...(channel ? { channel } : {}), ...(opts.account ? { accountId: opts.account } : {}) });
  if (opts.json) return printJson(r);
  if (!r.senders.length) return void process.stdout.write(`No senders approved by pairing${channel ? ` on ${channel}` : ''}.\n`);
  process.stdout.write(
    table(
      ['CHANNEL', 'ACCOUNT', 'SENDER', 'NAME', 'APPROVED (UTC)', 'MEMORIES'],
      r.senders.map((x) => [x.channel, x.accountId, x.id, x.name ?? '', x.approvedAt.replace('T', ' ').slice(0, 19), x.memories?.available ? String(x.memories.count ?? 0) : '-']),
    ),
  );
  process.stdout.write('Remove one with: openclaw pairing remove <channel> <sender> [--forget-memories]\n');
}

/** `openclaw pairing remove <channel> <sender> [--forget-memories]`: off the pairing allowlist (their next DM asks for pairing again). */
export async function pairingRemove(channel: string, sender: string, opts: Opts & { forgetMemories?: boolean }): Promise<void> {
  const params = { channel, id: sender, ...(opts.account ? { accountId: opts.account } : {}) };
  const r = await callOnce<MethodResult<'channels.pairing.revoke'>>(opts, 'channels.pairing.revoke', { ...params, ...(opts.forgetMemories ? { forgetMemories: true } : {}) });
  if (opts.json) return printJson(r);
  process.stdout.write(r.revoked ? `Removed ${r.id} from the ${r.channel} pairing allowlist; their next message asks for pairing again.\n` : `${r.id} was not on the ${r.channel} pairing allowlist.\n`);
  if (r.memories) process.stdout.write(`${describeForgotten(r.memories)}\n`);
}

/** `openclaw message send --channel discord --to channel:123 --message "…"`. */
export async function messageSend(opts: Opts & { channel?: string; to?: string; message?: string; media?: string[]; replyTo?: string; thread?: string }): Promise<void> {
  if (!opts.to) throw new CliError('--to is required (e.g. --to 123, --to channel:123, --to user:123)');
  if (!opts.message && !opts.media?.length) throw new CliError('--message (or --media) is required');
  const r = await callOnce<MethodResult<'send'>>(opts, 'send', {
    to: opts.to,
    idempotencyKey: randomUUID(),
    ...(opts.message ? { message: opts.message } : {}),
    ...(opts.media?.length ? { mediaUrls: opts.media } : {}),
    ...(opts.channel ? { channel: opts.channel } : {}),
    ...(opts.account ? { accountId: opts.account } : {}),
    ...(opts.replyTo ? { replyToId: opts.replyTo } : {}),
    ...(opts.thread ? { threadId: opts.thread } : {}),
  });
  if (opts.json) return printJson(r);
  process.stdout.write(`Sent to ${r.channel} ${r.to}${r.messageId ? ` (message ${r.messageId}${r.messageIds.length > 1 ? ` and ${r.messageIds.length - 1} more` : ''})` : ''}.\n`);
}
