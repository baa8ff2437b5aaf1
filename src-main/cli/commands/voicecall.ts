/**
 * `openclaw voicecall call|status|calls`: the voice-call plugin's methods over the gateway. Placing a
 * call needs write permission; the call says `--message` and hangs up.
 */
import { callOnce, type GlobalOptions } from '../connect.js';
import { CliError, printJson } from '../output.js';
import { table } from './devices.js';

type Opts = GlobalOptions & { json?: boolean; to?: string; message?: string };

const PLUGIN = 'voice-call';
const E164 = /^\+[1-9][0-9]{6,14}$/;

async function call<T>(opts: Opts, method: string, params: Record<string, unknown>): Promise<T> {
  try {
    return await callOnce<T>(opts, `${PLUGIN}.${method}`, params);
  } catch (err) {
    if (err instanceof CliError && /unknown method/i.test(err.message)) {
      throw new CliError(
        `the gateway has no voice-call plugin running. Turn it on with:\n  openclaw plugins enable ${PLUGIN}\nand give it a Twilio account under plugins.entries.${PLUGIN}.config (see openclaw plugins info ${PLUGIN})`,
      );
    }
    throw err;
  }
}

/** `openclaw voicecall call --to <E.164> --message <text>`. */
export async function voicecallCall(opts: Opts): Promise<void> {
  const to = opts.to?.trim() ?? '';
  const message = opts.message?.trim() ?? '';
  if (!E164.test(to)) throw new CliError('--to must be a phone number in E.164 form, e.g. +15551234567');
  if (!message) throw new CliError('--message must say something');
  if (message.length > 1000) throw new CliError('--message is at most 1000 characters');
  const r = await call<{ callSid: string; status: string }>(opts, 'call', { to, message });
  if (opts.json) return printJson(r);
  process.stdout.write(`Calling ${to}: call ${r.callSid}, ${r.status}.\n`);
}

interface Status {
  webhookUrl: string;
  streamUrl: string;
  calls: number;
  live: number;
  speechToText: { ok: boolean; failures: number; lastError?: string };
}

/** `openclaw voicecall status`. */
export async function voicecallStatus(opts: Opts): Promise<void> {
  const r = await call<Status>(opts, 'status', {});
  if (opts.json) return printJson(r);
  process.stdout.write(`Webhook (give Twilio this URL): ${r.webhookUrl}\n`);
  process.stdout.write(`Media streams (Twilio connects here, on the gateway's port): ${r.streamUrl}\n`);
  process.stdout.write(`Calls: ${r.calls} recent, ${r.live} live\n`);
  process.stdout.write(`Speech to text: ${r.speechToText.ok ? 'ok' : `failing (${r.speechToText.lastError ?? 'unknown error'}; ${r.speechToText.failures} failures)`}\n`);
}

interface CallRow {
  callSid: string;
  direction: string;
  from: string;
  to: string;
  status: string;
  startedAt: number;
  transcript: { who: string; text: string }[];
}

/** `openclaw voicecall calls`: recent calls, newest first. */
export async function voicecallCalls(opts: Opts): Promise<void> {
  const r = await call<{ calls: CallRow[] }>(opts, 'calls', {});
  if (opts.json) return printJson(r);
  if (!r.calls.length) return void process.stdout.write('No calls yet.\n');
  process.stdout.write(
    table(
      ['CALL', 'DIRECTION', 'FROM', 'TO', 'STATUS', 'STARTED', 'TURNS'],
      r.calls.map((c) => [c.callSid, c.direction, c.from, c.to, c.status, new Date(c.startedAt).toISOString().slice(0, 19).replace('T', ' '), String(c.transcript.length)]),
    ),
  );
}
