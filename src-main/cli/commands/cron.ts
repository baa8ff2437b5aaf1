import { isWholeCronJob, type MethodParams, type MethodResult } from '../../../src-shared/protocol/index.js';
import { formatDuration, parseDuration } from '../../../src-shared/domain/duration.js';
import { callOnce, type GlobalOptions } from '../connect.js';
import { CliError, printJson } from '../output.js';
import { table } from './devices.js';

type Opts = GlobalOptions & { json?: boolean };
/** A whole job (`cron.list` without `compact` sends only these). */
type Job = MethodResult<'cron.get'>;

export interface CronAddOptions extends Opts {
  name?: string;
  message?: string;
  cron?: string;
  tz?: string;
  at?: string;
  every?: string;
  to?: string;
  channel?: string;
  account?: string;
  agent?: string;
  description?: string;
  disabled?: boolean;
  deleteAfterRun?: boolean;
}

/** `--cron`/`--tz`, `--at` or `--every`: exactly one, as the protocol's schedule. */
export function scheduleFromOptions(o: Pick<CronAddOptions, 'cron' | 'tz' | 'at' | 'every'>): MethodParams<'cron.add'>['schedule'] {
  const given = [o.cron !== undefined, o.at !== undefined, o.every !== undefined].filter(Boolean).length;
  if (given !== 1) throw new CliError('give exactly one schedule: --cron "<expression>" [--tz <zone>], --at <time> or --every <duration>');
  if (o.tz !== undefined && o.cron === undefined) throw new CliError('--tz goes with --cron');
  if (o.cron !== undefined) return { kind: 'cron', expr: o.cron, ...(o.tz ? { tz: o.tz } : {}) };
  if (o.at !== undefined) return { kind: 'at', at: o.at };
  const everyMs = parseDuration(o.every!);
  if (everyMs === undefined) throw new CliError(`--every "${o.every}" is not a duration (e.g. 30s, 30m, 1h30m, 2d)`);
  return { kind: 'every', everyMs };
}

/** `--to telegram:123` (channel, then the platform's target), or `--channel telegram --to 123`. */
export function deliveryFromOptions(o: Pick<CronAddOptions, 'to' | 'channel' | 'account'>): MethodParams<'cron.add'>['delivery'] {
  if (o.to === undefined) {
    if (o.channel || o.account) throw new CliError('--channel and --account need --to <target>');
    return undefined;
  }
  let channel = o.channel;
  let to = o.to;
  if (!channel) {
    const i = o.to.indexOf(':');
    if (i <= 0 || i === o.to.length - 1) throw new CliError(`--to "${o.to}" needs its channel: --to telegram:123456789 (or --channel telegram --to 123456789)`);
    channel = o.to.slice(0, i);
    to = o.to.slice(i + 1);
  }
  return { mode: 'announce', channel, to, ...(o.account ? { accountId: o.account } : {}) };
}

const when = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z');

function describeSchedule(s: Job['schedule']): string {
  if (s.kind === 'cron') return `cron ${s.expr}${s.tz ? ` (${s.tz})` : ''}`;
  if (s.kind === 'every') return `every ${formatDuration(s.everyMs)}`;
  return `at ${when(Date.parse(s.at))}`;
}

const target = (j: Job) => (j.delivery?.mode === 'announce' ? `${j.delivery.channel}:${j.delivery.to}` : '-');

/** `openclaw cron list [--all]`. */
export async function cronList(opts: Opts & { all?: boolean }): Promise<void> {
  const r = await callOnce<MethodResult<'cron.list'>>(opts, 'cron.list', { includeDisabled: opts.all === true, limit: 200 });
  if (opts.json) return printJson(r);
  const jobs = r.jobs.filter(isWholeCronJob);
  if (!jobs.length) return void process.stdout.write(opts.all ? 'No scheduled jobs. Add one: openclaw cron add --name <name> --cron "0 9 * * 1-5" --message "…"\n' : 'No enabled scheduled jobs (--all shows disabled ones too).\n');
  process.stdout.write(
    table(
      ['ID', 'NAME', 'SCHEDULE', 'NEXT RUN', 'LAST', 'TO', 'ON'],
      jobs.map((j) => [j.id, j.name, describeSchedule(j.schedule), when(j.nextRunAtMs), j.state.runningAtMs !== undefined ? 'running' : (j.lastRunStatus ?? '-'), target(j), j.enabled ? 'yes' : 'no']),
    ),
  );
}

/** `openclaw cron add --name … --message … (--cron … [--tz …] | --at … | --every …) [--to channel:target]`. */
export async function cronAdd(opts: CronAddOptions): Promise<void> {
  if (!opts.name?.trim()) throw new CliError('--name is required');
  if (!opts.message?.trim()) throw new CliError('--message is required (what the agent is asked each time)');
  const delivery = deliveryFromOptions(opts);
  const params: MethodParams<'cron.add'> = {
    name: opts.name,
    schedule: scheduleFromOptions(opts),
    payload: { kind: 'agentTurn', message: opts.message },
    sessionTarget: 'isolated',
    wakeMode: 'now',
    ...(delivery ? { delivery } : {}),
    ...(opts.agent ? { agentId: opts.agent } : {}),
    ...(opts.description ? { description: opts.description } : {}),
    ...(opts.disabled ? { enabled: false } : {}),
    ...(opts.deleteAfterRun ? { deleteAfterRun: true } : {}),
  };
  const job = await callOnce<Job>(opts, 'cron.add', params);
  if (opts.json) return printJson(job);
  process.stdout.write(`Added job ${job.id} "${job.name}": ${describeSchedule(job.schedule)}, next run ${when(job.nextRunAtMs)}${job.delivery?.mode === 'announce' ? `, replies to ${target(job)}` : ''}.\n`);
}

/** `openclaw cron run <id> [--wait]`: runs the job now; with --wait, prints the reply. */
export async function cronRun(id: string, opts: Opts & { wait?: boolean }): Promise<void> {
  const r = await callOnce<MethodResult<'cron.run'>>(opts, 'cron.run', { id, mode: 'force' });
  if (!('runId' in r)) throw new CliError(`the job did not run (${r.reason})`);
  if (!opts.wait) {
    if (opts.json) return printJson(r);
    return void process.stdout.write(`Started run ${r.runId} in session ${r.sessionKey}.\n`);
  }
  const done = await callOnce<{ status: string; summary?: string; error?: string; result?: { payloads: { text: string }[] } }>({ ...opts, timeout: opts.timeout ?? '600000' }, 'agent.wait', { runId: r.runId, timeoutMs: 590_000 });
  if (opts.json) return printJson({ ...r, ...done });
  if (done.status !== 'ok') throw new CliError(`the run ended with ${done.status}${done.error ? `: ${done.error}` : ''}`);
  process.stdout.write(`${done.result?.payloads.map((p) => p.text).join('\n') ?? done.summary ?? ''}\n`);
}

/** `openclaw cron remove <id>`. */
export async function cronRemove(id: string, opts: Opts): Promise<void> {
  const r = await callOnce(opts, 'cron.remove', { id });
  if (opts.json) return printJson(r);
  process.stdout.write(`Removed job ${id} and its run history.\n`);
}

/** `openclaw cron runs [<id>]`: the latest finished runs. */
export async function cronRuns(id: string | undefined, opts: Opts & { limit?: string }): Promise<void> {
  const r = await callOnce<MethodResult<'cron.runs'>>(opts, 'cron.runs', { ...(id ? { id } : { scope: 'all' }), limit: opts.limit ? Number(opts.limit) : 20 });
  if (opts.json) return printJson(r);
  if (!r.entries.length) return void process.stdout.write('No finished runs yet.\n');
  process.stdout.write(
    table(
      ['FINISHED', 'JOB', 'STATUS', 'DELIVERY', 'REPLY / ERROR'],
      r.entries.map((e) => [when(e.ts), e.jobName ?? e.jobId, e.status ?? '-', e.deliveryStatus ?? '-', (e.error ?? e.summary ?? '').replace(/\s+/g, ' ').slice(0, 60)]),
    ),
  );
}
