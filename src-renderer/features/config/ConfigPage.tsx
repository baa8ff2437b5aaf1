import { useCallback, useEffect, useMemo, useState } from 'react';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { toGatewayCallError, type GatewayClient } from '../../client/types.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { collectFieldPaths, issuesByField, mergePatchDiff, refusalIssues, searchFields, sectionOf, setAt, type Path, type SchemaNode } from './config-form.js';
import { SchemaForm } from './SchemaForm.js';

type Snapshot = MethodResult<'config.get'>;
type Issue = { path: string; message: string };

/** `details.issues` of a CONFIG_INVALID refusal. */
export function ConfigPage({ client, canWrite }: { client: GatewayClient; canWrite: boolean }) {
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [schema, setSchema] = useState<SchemaNode>();
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  const [raw, setRaw] = useState('');
  const [badJson, setBadJson] = useState<ReadonlySet<string>>(new Set());
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState<ShownError>();
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const [lastSave, setLastSave] = useState<'config.patch' | 'config.set'>();
  const [section, setSection] = useState<string>();
  const [query, setQuery] = useState('');

  const load = useCallback(async () => {
    try {
      const [snap, sch] = await Promise.all([client.call<Snapshot>('config.get'), client.call<MethodResult<'config.schema'>>('config.schema')]);
      setSnapshot(snap);
      setSchema(sch.schema as SchemaNode);
      setDraft((snap.config ?? {}) as Record<string, unknown>);
      setRaw(snap.raw ?? '{\n}\n');
      setIssues(snap.issues);
      setBadJson(new Set());
      setConflict(false);
      setError(undefined);
      setFormKey((k) => k + 1);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  const fields = useMemo(() => new Set(schema ? collectFieldPaths(schema) : []), [schema]);
  const byField = useMemo(() => issuesByField(issues, fields), [issues, fields]);
  const general = byField.get('') ?? [];
  const sections = useMemo(() => Object.keys(schema?.properties ?? {}), [schema]);
  const matches = useMemo(() => (schema && query.trim() ? searchFields(schema, query) : undefined), [schema, query]);
  const sectionsWithErrors = useMemo(() => new Set([...byField.keys()].filter(Boolean).map(sectionOf)), [byField]);
  const firstWithError = sections.find((k) => sectionsWithErrors.has(k));
  // A refused save shows the first section with a refused field.
  useEffect(() => {
    if (firstWithError) setSection(firstWithError);
  }, [firstWithError]);
  const shownSection = section ?? sections[0];

  const save = async (method: 'config.patch' | 'config.set') => {
    if (!snapshot) return;
    setSaved(undefined);
    setError(undefined);
    setConflict(false);
    let text = raw;
    if (method === 'config.patch') {
      const patch = mergePatchDiff(snapshot.config ?? {}, draft);
      if (Object.keys(patch).length === 0) {
        setSaved('Nothing changed.');
        return;
      }
      text = JSON.stringify(patch);
    }
    setBusy(true);
    setLastSave(method);
    try {
      const res = await client.call<MethodResult<'config.set'>>(method, { raw: text, baseHash: snapshot.hash });
      await load();
      setIssues([]);
      setSaved(res.changedPaths.length ? `Saved. Changed: ${res.changedPaths.join(', ')}.` : 'Saved.');
    } catch (err) {
      const e = toGatewayCallError(err);
      if (e.detailCode === 'CONFIG_CONFLICT') setConflict(true);
      setIssues(e.detailCode === 'CONFIG_INVALID' ? refusalIssues(e.details) : []);
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="config-heading">
      <div className="card-title">
        <h2 id="config-heading">Config</h2>
        <button type="button" className="secondary" onClick={() => void load()} disabled={busy}>
          Reload
        </button>
      </div>
      {snapshot ? (
        <p className="muted">
          <code>{snapshot.path}</code> {snapshot.exists ? '' : '(not created yet: saving creates it)'} {snapshot.valid ? '' : '— the file on disk is invalid; the gateway keeps running the last good config.'}
        </p>
      ) : null}
      {!canWrite ? (
        <ErrorBox error={{ message: 'This connection may read the config but not change it (no operator.admin scope).', hint: 'Sign out and connect with the gateway token from the gateway host.' }} />
      ) : null}
      <ErrorBox error={error} testId="config-error" />
      {conflict ? (
        <div className="confirm" data-testid="config-conflict">
          <p>The config file changed on disk since this page loaded it. Reload to see the current file; your unsaved edits here will be replaced.</p>
          <button type="button" onClick={() => void load()}>
            Reload the config
          </button>
        </div>
      ) : null}
      {general.length > 0 ? (
        <ul className="error" data-testid="config-issues">
          {general.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      {saved ? (
        <p className="saved" role="status" data-testid="config-saved">
          {saved}
        </p>
      ) : null}
      {snapshot && schema ? (
        <div className="config-split">
          <form
            className="config-form"
            aria-label="Config form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void save('config.patch');
            }}
          >
            <h3>Form</h3>
            <div className="config-nav">
              <label htmlFor="config-search" className="visually-hidden">
                Search settings
              </label>
              <input id="config-search" type="search" placeholder="Search settings (e.g. port, log level)" value={query} onChange={(e) => setQuery(e.target.value)} spellCheck={false} />
              <nav aria-label="Config sections" data-testid="config-sections">
                <ul>
                  {sections.map((k) => (
                    <li key={k}>
                      <a
                        href="#/config"
                        aria-current={!matches && k === shownSection ? 'true' : undefined}
                        className={sectionsWithErrors.has(k) ? 'section-link section-link-error' : 'section-link'}
                        onClick={(e) => {
                          e.preventDefault();
                          setQuery('');
                          setSection(k);
                        }}
                      >
                        {k}
                        {sectionsWithErrors.has(k) ? <span className="visually-hidden"> (has errors)</span> : null}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            </div>
            <SchemaForm
              section={shownSection}
              matches={matches}
              key={formKey}
              schema={schema}
              value={draft}
              errors={byField}
              onChange={(path: Path, v) => setDraft((d) => setAt(d, path, v))}
              onJsonValidity={(path, bad) =>
                setBadJson((s) => {
                  const next = new Set(s);
                  if (bad) next.add(path);
                  else next.delete(path);
                  return next;
                })
              }
            />
            <div className="sticky-actions">
              <button type="submit" disabled={busy || !canWrite || badJson.size > 0}>
                Save form
              </button>
              {badJson.size > 0 ? <span className="muted"> Fix the JSON in {[...badJson].join(', ')} first.</span> : null}
            </div>
          </form>
          <form
            className="config-raw"
            aria-label="Raw config"
            onSubmit={(e) => {
              e.preventDefault();
              void save('config.set');
            }}
          >
            <h3>
              <label htmlFor="config-raw">Raw JSON5</label>
            </h3>
            <p className="help">The whole file. Secrets show as a placeholder and are kept as they are when you save.</p>
            {lastSave === 'config.set' && issues.length > 0 ? (
              <ul className="error" data-testid="raw-issues">
                {issues.map((i) => (
                  <li key={`${i.path}:${i.message}`}>
                    {i.path ? <code>{i.path}</code> : null} {i.message}
                  </li>
                ))}
              </ul>
            ) : null}
            <textarea id="config-raw" className="raw-editor" spellCheck={false} value={raw} onChange={(e) => setRaw(e.target.value)} rows={24} />
            <button type="submit" disabled={busy || !canWrite}>
              Save raw
            </button>
          </form>
        </div>
      ) : error ? null : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}
