import { useState } from 'react';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { useLiveData } from '../pairing/use-live-data.js';
import { UsageChart } from './UsageChart.js';
import { formatCompact, formatCount, formatUsd, shortDate } from './usage-chart.js';
import { TableWrap } from '../../components/TableWrap.js';

type Report = MethodResult<'usage.cost'>;

const RANGES = [7, 30, 90] as const;
// A turn ends with a `chat` final; resets and deletes come as `sessions.changed`.
const EVENTS = ['chat', 'sessions.changed'] as const;

// One loader per range, made once, so useLiveData sees stable functions.
const loaders = new Map<number, (client: GatewayClient) => Promise<Report>>(
  RANGES.map((days) => [
    days,
    (client: GatewayClient) =>
      client.call<Report>('usage.cost', { days, utcOffsetMinutes: -new Date().getTimezoneOffset() } satisfies MethodParams<'usage.cost'>),
  ]),
);

const TOKEN_SERIES = [
  { name: 'Input', className: 'series-input' },
  { name: 'Output', className: 'series-output' },
] as const;
const TURN_SERIES = [{ name: 'Turns', className: 'series-turns' }] as const;

function busiest(days: Report['days'], value: (d: Report['days'][number]) => number): string {
  const top = days.reduce<Report['days'][number] | undefined>((best, d) => (value(d) > (best ? value(best) : 0) ? d : best), undefined);
  return top ? ` Busiest day: ${shortDate(top.date)} with ${formatCount(value(top))}.` : '';
}

/** Turns, tokens and cost per day from the gateway's transcripts, with cost per agent and per model. */
export function UsagePage({ client }: { client: GatewayClient }) {
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const { data, error } = useLiveData(client, loaders.get(days)!, EVENTS);
  const report = data && data.range.days === days ? data : undefined;

  return (
    <>
      <section className="card" aria-labelledby="usage-heading">
        <div className="card-title">
          <h2 id="usage-heading">Usage</h2>
          <label className="check">
            Period{' '}
            <select aria-label="Period" value={days} onChange={(e) => setDays(Number(e.target.value) as (typeof RANGES)[number])}>
              {RANGES.map((d) => (
                <option key={d} value={d}>
                  Last {d} days
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorBox error={error} testId="usage-error" />
        {!report && !error ? <p className="muted">Loading…</p> : null}
        {report ? (
          <>
            <dl className="facts usage-totals" data-testid="usage-totals">
              <dt>Turns</dt>
              <dd data-testid="usage-total-turns">{formatCount(report.totals.turns)}</dd>
              <dt>Tokens in / out</dt>
              <dd data-testid="usage-total-tokens">
                {formatCount(report.totals.inputTokens)} / {formatCount(report.totals.outputTokens)}
              </dd>
              <dt>Cost</dt>
              <dd data-testid="usage-total-cost">{formatUsd(report.totals.costUsd)}</dd>
              <dt>Period</dt>
              <dd>
                {shortDate(report.range.startDate)} – {shortDate(report.range.endDate)}
              </dd>
            </dl>
            {report.totals.turns === 0 ? (
              <EmptyState title={`No turns in the last ${days} days.`} testId="usage-empty">
                Usage counts every answer an agent gives. Send a message on the Chat page, or connect a channel, and it appears here.
              </EmptyState>
            ) : (
              <>
                <UsageChart
                  testId="usage-tokens-chart"
                  title="Tokens per day"
                  summary={`Input and output tokens per day, ${report.range.startDate} to ${report.range.endDate}: ${formatCount(report.totals.inputTokens + report.totals.outputTokens)} in total.${busiest(report.days, (d) => d.inputTokens + d.outputTokens)}`}
                  dates={report.days.map((d) => d.date)}
                  series={TOKEN_SERIES}
                  values={report.days.map((d) => [d.inputTokens, d.outputTokens])}
                  format={formatCompact}
                  describe={(date, [i = 0, o = 0]) => `${shortDate(date)}: ${formatCount(i)} input and ${formatCount(o)} output tokens`}
                />
                <UsageChart
                  testId="usage-turns-chart"
                  title="Turns per day"
                  summary={`Assistant turns per day, ${report.range.startDate} to ${report.range.endDate}: ${formatCount(report.totals.turns)} in total.${busiest(report.days, (d) => d.turns)}`}
                  dates={report.days.map((d) => d.date)}
                  series={TURN_SERIES}
                  values={report.days.map((d) => [d.turns])}
                  format={formatCompact}
                  describe={(date, [t = 0]) => `${shortDate(date)}: ${formatCount(t)} ${t === 1 ? 'turn' : 'turns'}`}
                />
                <details className="section">
                  <summary>Daily figures as a table</summary>
                  <ShareTable
                    caption="Per day"
                    head="Date"
                    rows={[...report.days].reverse().map((d) => ({ key: d.date, name: d.date, ...d }))}
                    testId="usage-days"
                  />
                </details>
              </>
            )}
          </>
        ) : null}
      </section>
      {report ? (
        <div className="usage-split">
          <section className="card" aria-labelledby="usage-agents-heading">
            <h2 id="usage-agents-heading">Cost per agent</h2>
            <ShareTable caption="Per agent" head="Agent" rows={report.agents.map((a) => ({ key: a.agentId, name: a.agentId || 'earlier sessions (agent not recorded)', ...a }))} testId="usage-agents" />
          </section>
          <section className="card" aria-labelledby="usage-models-heading">
            <h2 id="usage-models-heading">Cost per model</h2>
            {report.models.length ? (
              <ShareTable caption="Per model" head="Model" rows={report.models.map((m) => ({ key: m.model, name: m.model || 'not recorded', ...m }))} testId="usage-models" />
            ) : (
              <EmptyState title="No model was used in this period." />
            )}
            <p className="help">Cost comes from the prices set per model in the config (models.providers.*.models[].cost); a model without prices counts as $0.</p>
          </section>
        </div>
      ) : null}
    </>
  );
}

interface ShareRow {
  key: string;
  name: string;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

function ShareTable({ caption, head, rows, testId }: { caption: string; head: string; rows: ShareRow[]; testId: string }) {
  return (
    <TableWrap>
      <table className="table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col" className="num">
              Turns
            </th>
            <th scope="col" className="num">
              Input tokens
            </th>
            <th scope="col" className="num">
              Output tokens
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-key={r.key}>
              <th scope="row">{r.name}</th>
              <td className="num">{formatCount(r.turns)}</td>
              <td className="num">{formatCount(r.inputTokens)}</td>
              <td className="num">{formatCount(r.outputTokens)}</td>
              <td className="num">{formatUsd(r.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
