import type { ShownError } from '../../ui-error.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { groupFindings, severityBadge, summarizeFindings, type PluginFinding } from './doctor-findings.js';

/** `plugins.doctor`: every problem it found, grouped by plugin, each with its fix. */
export function DoctorFindings({
  findings,
  error,
  plugins,
}: {
  findings: readonly PluginFinding[] | undefined;
  error: ShownError | undefined;
  plugins: readonly { id: string; name: string }[];
}) {
  const groups = findings ? groupFindings(findings, plugins) : undefined;
  return (
    <section className="card" aria-labelledby="plugins-doctor-heading" data-testid="plugins-doctor">
      <div className="card-title">
        <h2 id="plugins-doctor-heading">Doctor</h2>
        <span className="muted" data-testid="plugins-doctor-summary">
          {findings && findings.length > 0 ? summarizeFindings(findings) : ''}
        </span>
      </div>
      <p className="muted">
        Checks every plugin, its manifest and its settings, and says how to fix what it finds (the same as <code>openclaw plugins doctor</code>).
      </p>
      <ErrorBox error={error} testId="plugins-doctor-error" />
      {groups === undefined && !error ? <p className="muted">Loading…</p> : null}
      {groups && groups.length === 0 ? <p className="success" data-testid="plugins-doctor-ok">
          No problems found.
        </p> : null}
      {groups?.map((g) => (
        <div key={g.pluginId ?? ''} className="finding-group" data-testid="finding-group" data-plugin={g.pluginId ?? ''}>
          <h3>{g.title}</h3>
          <ul className="findings">
            {g.findings.map((f, i) => {
              const badge = severityBadge(f.severity);
              return (
                <li key={`${f.code}-${i}`} className="finding" data-testid="finding" data-code={f.code}>
                  <span className={`pill pill-${badge.tone}`}>{badge.label}</span>
                  <div>
                    <div className="finding-problem">{f.problem}</div>
                    <div className="muted">
                      <strong>Fix:</strong> {f.fix}
                    </div>
                  </div>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}
