import { formatUptime, type HealthSummary } from '../health-summary.js';
import type { UiError } from '../store.js';

interface HealthPanelProps {
  summary: HealthSummary | undefined;
  error?: UiError;
  onRefresh(): void;
}

export function HealthPanel({ summary, error, onRefresh }: HealthPanelProps) {
  const okText = summary?.ok === undefined ? 'Unknown' : summary.ok ? 'OK' : 'Degraded';
  const okClass = summary?.ok === undefined ? 'status' : summary.ok ? 'status status-ok' : 'status status-bad';
  return (
    <section className="card" aria-labelledby="health-heading">
      <div className="card-title">
        <h2 id="health-heading">Gateway health</h2>
        <button type="button" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      {error ? (
        <div role="alert" className="error">
          {error.message}
          {error.code ? <span className="error-code"> ({error.code})</span> : null}
        </div>
      ) : null}
      {summary?.noModel ? (
        <p role="status" className="error" data-testid="health-no-model">
          {summary.noModel}
        </p>
      ) : null}
      {summary ? (
        <dl className="facts">
          <dt>Status</dt>
          <dd className={okClass} data-testid="health-ok">
            {okText}
          </dd>
          <dt>Uptime</dt>
          <dd data-testid="health-uptime">{formatUptime(summary.uptimeMs)}</dd>
          <dt>Version</dt>
          <dd data-testid="health-version">{summary.version ?? '—'}</dd>
          <dt>Config reload</dt>
          <dd data-testid="health-config-reload">{summary.configReload ?? '—'}</dd>
          {summary.cluster ? (
            <>
              <dt>Role</dt>
              <dd data-testid="health-cluster">{summary.cluster}</dd>
            </>
          ) : null}
        </dl>
      ) : error ? null : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}
