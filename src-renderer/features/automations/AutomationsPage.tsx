import { useState } from 'react';
import { isWholeCronJob } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { TableWrap } from '../../components/TableWrap.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { Confirm } from '../channels/Confirm.js';
import { useListAction, useLiveData } from '../pairing/use-live-data.js';
import { describeSchedule, describeTarget, draftToParams, formatTime, lastOutcome, type Job, type JobDraft, type RunEntry } from './automation-view.js';

// Jobs change and runs start and finish as `cron` events.
const EVENTS = ['cron'] as const;
const RUNS_SHOWN = 20;

const loadJobs = async (client: GatewayClient) => (await client.call('cron.list', { includeDisabled: true, limit: 200 })).jobs.filter(isWholeCronJob);
const loadRuns = (client: GatewayClient) => client.call('cron.runs', { scope: 'all', limit: RUNS_SHOWN });

const EMPTY_DRAFT: JobDraft = { name: '', kind: 'cron', when: '', tz: Intl.DateTimeFormat().resolvedOptions().timeZone, message: '', to: '' };
const WHEN_LABEL: Record<JobDraft['kind'], { label: string; placeholder: string }> = {
  cron: { label: 'Cron expression', placeholder: '0 9 * * 1-5' },
  every: { label: 'Interval', placeholder: '30m' },
  at: { label: 'Time', placeholder: '2026-12-24T09:00' },
};

function AddJobForm({ client, onAdded }: { client: GatewayClient; onAdded(name: string): void }) {
  const [draft, setDraft] = useState<JobDraft>(EMPTY_DRAFT);
  const [error, setError] = useState<ShownError>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof JobDraft) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  const submit = async () => {
    const r = draftToParams(draft);
    if ('error' in r) return setError({ message: r.error });
    setBusy(true);
    try {
      await client.call('cron.add', r.params);
      setError(undefined);
      setDraft({ ...EMPTY_DRAFT, tz: draft.tz });
      onAdded(r.params.name);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card"
      aria-labelledby="automation-add-heading"
      data-testid="automation-add"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="automation-add-heading">Add an automation</h2>
      <div className="field">
        <label htmlFor="automation-name">Name</label>
        <input id="automation-name" value={draft.name} onChange={set('name')} placeholder="standup" />
      </div>
      <div className="field">
        <label htmlFor="automation-message">Ask the agent</label>
        <input id="automation-message" value={draft.message} onChange={set('message')} placeholder="What is on my calendar today?" />
      </div>
      <div className="field">
        <label htmlFor="automation-kind">Runs</label>
        <select id="automation-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as JobDraft['kind'], when: '' })}>
          <option value="cron">on a cron schedule</option>
          <option value="every">at an interval</option>
          <option value="at">once, at a time</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="automation-when">{WHEN_LABEL[draft.kind].label}</label>
        <input id="automation-when" value={draft.when} onChange={set('when')} placeholder={WHEN_LABEL[draft.kind].placeholder} />
      </div>
      {draft.kind === 'cron' ? (
        <div className="field">
          <label htmlFor="automation-tz">Time zone</label>
          <input id="automation-tz" value={draft.tz} onChange={set('tz')} placeholder="Europe/Berlin" />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="automation-to">Send the reply to (optional)</label>
        <input id="automation-to" value={draft.to} onChange={set('to')} placeholder="telegram:123456789, or last" />
      </div>
      <ErrorBox error={error} testId="automation-add-error" />
      <button type="submit" disabled={busy}>
        {busy ? 'Adding…' : 'Add automation'}
      </button>
    </form>
  );
}

function JobRow({ job, busy, onRun, onRemove }: { job: Job; busy: boolean; onRun(): void; onRemove(): void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <tr data-testid="automation-row" data-job={job.name}>
        <td>{job.name}</td>
        <td>{describeSchedule(job.schedule)}</td>
        <td>{job.enabled ? formatTime(job.nextRunAtMs) : 'disabled'}</td>
        <td data-testid="automation-last" title={job.lastRunError}>
          {lastOutcome(job)}
        </td>
        <td>{describeTarget(job)}</td>
        <td>
          <button type="button" className="secondary" onClick={onRun} disabled={busy}>
            Run now
          </button>{' '}
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={busy}>
            Remove
          </button>
        </td>
      </tr>
      {confirming ? (
        <tr>
          <td colSpan={6}>
            <Confirm text={`Remove "${job.name}" and its run history?`} confirmLabel="Remove" busy={busy} onConfirm={onRemove} onCancel={() => setConfirming(false)} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function RunsTable({ entries }: { entries: RunEntry[] }) {
  if (!entries.length) return <EmptyState title="No runs yet." testId="automation-runs-empty">Runs appear here when a job is due, or after Run now.</EmptyState>;
  return (
    <TableWrap>
      <table className="table" data-testid="automation-runs">
        <caption className="visually-hidden">Latest finished runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Finished</th>
            <th scope="col">Automation</th>
            <th scope="col">Outcome</th>
            <th scope="col">Delivery</th>
            <th scope="col">Reply or error</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.runId ?? `${e.jobId}-${e.ts}`} data-testid="automation-run">
              <td>{formatTime(e.ts)}</td>
              <td>{e.jobName ?? e.jobId}</td>
              <td>{e.status ?? '—'}</td>
              <td>{e.deliveryStatus ?? '—'}</td>
              <td>{e.error ?? e.summary ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Scheduled jobs: what runs when, where its reply goes, and how the last runs went. */
export function AutomationsPage({ client, canWrite }: { client: GatewayClient; canWrite: boolean }) {
  const jobs = useLiveData(client, loadJobs, EVENTS);
  const runs = useLiveData(client, loadRuns, EVENTS);
  const reload = async () => {
    await Promise.all([jobs.reload(), runs.reload()]);
  };
  const { busy, notice, actionError, run } = useListAction(reload);

  return (
    <>
      <section className="card" aria-labelledby="automations-heading">
        <div className="card-title">
          <h2 id="automations-heading">Automations</h2>
        </div>
        <p className="muted">An automation asks an agent something on a schedule, in a session of its own, and can send the reply to a chat.</p>
        <ErrorBox error={jobs.error ?? actionError} testId="automations-error" />
        {notice ? (
          <p role="status" data-testid="automations-notice">
            {notice}
          </p>
        ) : null}
        {!jobs.data && !jobs.error ? <p className="muted">Loading…</p> : null}
        {jobs.data && !jobs.data.length ? (
          <EmptyState title="No automations yet." testId="automations-empty">
            Add one below, or from a terminal with <code>openclaw cron add</code>.
          </EmptyState>
        ) : null}
        {jobs.data?.length ? (
          <TableWrap>
            <table className="table" data-testid="automations-table">
              <caption className="visually-hidden">Scheduled jobs by next run</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Schedule</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Reply goes to</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {jobs.data.map((j) => (
                  <JobRow
                    key={j.id}
                    job={j}
                    busy={!canWrite || busy === j.id}
                    onRun={() => void run(j.id, async () => (await client.call('cron.run', { id: j.id }), `Started "${j.name}".`))}
                    onRemove={() => void run(j.id, async () => (await client.call('cron.remove', { id: j.id }), `Removed "${j.name}".`))}
                  />
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </section>
      {canWrite ? <AddJobForm client={client} onAdded={() => void reload()} /> : null}
      <section className="card" aria-labelledby="automation-runs-heading">
        <h2 id="automation-runs-heading">Last runs</h2>
        <ErrorBox error={runs.error} testId="automation-runs-error" />
        {runs.data ? <RunsTable entries={runs.data.entries} /> : null}
      </section>
    </>
  );
}
