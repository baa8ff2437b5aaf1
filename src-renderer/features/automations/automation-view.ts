import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import { formatDuration, parseDuration } from '../../../src-shared/domain/duration.js';

/** A whole job (`cron.list` without `compact` sends only these). */
export type Job = MethodResult<'cron.get'>;
export type RunEntry = MethodResult<'cron.runs'>['entries'][number];

/** What the add form holds. */
export interface JobDraft {
  name: string;
  kind: 'cron' | 'every' | 'at';
  /** The cron expression, the interval (`30m`) or the time (`2026-12-24T09:00`), by kind. */
  when: string;
  tz: string;
  message: string;
  /** `<channel>:<target>`, `last`, or empty for no delivery. */
  to: string;
}

/** The form as `cron.add` params, or the reason it cannot be one yet. */
export function draftToParams(d: JobDraft): { params: MethodParams<'cron.add'> } | { error: string } {
  if (!d.name.trim()) return { error: 'Give the job a name.' };
  if (!d.message.trim()) return { error: 'Say what the agent is asked each time.' };
  if (!d.when.trim()) return { error: d.kind === 'cron' ? 'Enter a cron expression, e.g. 0 9 * * 1-5.' : d.kind === 'every' ? 'Enter an interval, e.g. 30m.' : 'Enter a time, e.g. 2026-12-24T09:00.' };
  let schedule: MethodParams<'cron.add'>['schedule'];
  if (d.kind === 'cron') schedule = { kind: 'cron', expr: d.when.trim(), ...(d.tz.trim() ? { tz: d.tz.trim() } : {}) };
  else if (d.kind === 'at') schedule = { kind: 'at', at: d.when.trim() };
  else {
    const everyMs = parseDuration(d.when);
    if (everyMs === undefined) return { error: `"${d.when}" is not an interval (e.g. 30s, 30m, 1h30m, 2d).` };
    schedule = { kind: 'every', everyMs };
  }
  const to = d.to.trim();
  let delivery: MethodParams<'cron.add'>['delivery'];
  if (to === 'last') delivery = { mode: 'announce', channel: 'last' };
  else if (to) {
    const i = to.indexOf(':');
    if (i <= 0 || i === to.length - 1) return { error: `Send to "${to}": write the channel first, e.g. telegram:123456789 (or "last").` };
    delivery = { mode: 'announce', channel: to.slice(0, i), to: to.slice(i + 1) };
  }
  return { params: { name: d.name.trim(), schedule, payload: { kind: 'agentTurn', message: d.message.trim() }, ...(delivery ? { delivery } : {}) } };
}

/** "cron 0 9 * * 1-5 (Europe/Berlin)", "every 30m", "at 24 Dec 2026, 09:00". */
export function describeSchedule(s: Job['schedule']): string {
  if (s.kind === 'cron') return `cron ${s.expr}${s.tz ? ` (${s.tz})` : ''}`;
  if (s.kind === 'every') return `every ${formatDuration(s.everyMs)}`;
  return `at ${formatTime(Date.parse(s.at))}`;
}

export function describeTarget(j: Job): string {
  if (j.delivery?.mode !== 'announce') return 'not sent (kept in the session)';
  return j.delivery.channel === 'last' ? 'the last chat' : `${j.delivery.channel}:${j.delivery.to ?? ''}`;
}

export function formatTime(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The job's last outcome in a word or two. */
export function lastOutcome(j: Job): string {
  if (j.state.runningAtMs !== undefined) return 'running';
  if (!j.lastRunStatus) return 'not run yet';
  return j.lastRunStatus === 'ok' ? 'ok' : j.lastRunStatus === 'error' ? 'failed' : 'skipped';
}
