import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { toGatewayCallError, type GatewayClient } from '../../client/types.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { collectFieldPaths, getAt, issuesByField, setAt, type Path, type SchemaNode } from '../config/config-form.js';
import { SchemaForm } from '../config/SchemaForm.js';
import { checkSettings, issuesToShow, refusalIssues, relativeIssues, settingsPatch, settingsPath, type SettingsIssue, type SettingsSchema } from './plugin-settings.js';

type Snapshot = MethodResult<'config.get'>;

const asObject = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * A plugin's settings (`plugins.entries.<id>.config`) as a form built from its schema. Values are
 * checked against that schema before anything is sent; the save is a merge patch of the changed
 * keys, guarded by the config's hash.
 */
export function PluginSettings({
  client,
  pluginId,
  pluginName,
  schema,
  canWrite,
  onSaved,
}: {
  client: GatewayClient;
  pluginId: string;
  pluginName: string;
  schema: SettingsSchema;
  canWrite: boolean;
  onSaved(): void;
}) {
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  const [checked, setChecked] = useState(false);
  const [serverIssues, setServerIssues] = useState<SettingsIssue[]>([]);
  const [badJson, setBadJson] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<ShownError>();
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const [refusals, setRefusals] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  const loaded = snapshot ? getAt(snapshot.config, settingsPath(pluginId)) : undefined;

  const load = useCallback(async () => {
    try {
      const snap = await client.call<Snapshot>('config.get');
      setSnapshot(snap);
      setDraft(asObject(getAt(snap.config, settingsPath(pluginId))));
      setChecked(false);
      setServerIssues([]);
      setBadJson(new Set());
      setConflict(false);
      setError(undefined);
      setFormKey((k) => k + 1);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client, pluginId]);

  useEffect(() => {
    void load();
  }, [load]);

  // After a refused save, take the keyboard to the first field that needs fixing.
  useEffect(() => {
    if (refusals > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refusals]);

  // Once a save was tried, the check follows every edit, so a fixed field clears at once.
  const localIssues = useMemo(() => (checked ? issuesToShow(checkSettings(schema, draft), loaded, draft) : []), [checked, schema, draft, loaded]);
  const fields = useMemo(() => new Set(collectFieldPaths(schema as SchemaNode)), [schema]);
  const byField = useMemo(() => issuesByField([...localIssues, ...serverIssues], fields), [localIssues, serverIssues, fields]);
  const general = byField.get('') ?? [];

  const save = async () => {
    if (!snapshot) return;
    setSaved(undefined);
    setError(undefined);
    setConflict(false);
    setServerIssues([]);
    setChecked(true);
    if (issuesToShow(checkSettings(schema, draft), loaded, draft).length > 0) {
      setRefusals((n) => n + 1);
      return;
    }
    const patch = settingsPatch(pluginId, loaded, draft);
    if (!patch) {
      setSaved('Nothing changed.');
      return;
    }
    setBusy(true);
    try {
      await client.call<MethodResult<'config.patch'>>('config.patch', { raw: JSON.stringify(patch), baseHash: snapshot.hash });
      await load();
      setSaved(`Saved ${pluginName}'s settings.`);
      onSaved();
    } catch (err) {
      const e = toGatewayCallError(err);
      if (e.detailCode === 'CONFIG_CONFLICT') setConflict(true);
      if (e.detailCode === 'CONFIG_INVALID') {
        setServerIssues(relativeIssues(pluginId, refusalIssues(e.details)));
        setRefusals((n) => n + 1);
      }
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  if (!snapshot) return error ? <ErrorBox error={error} testId="plugin-settings-error" /> : <p className="muted">Loading settings…</p>;

  return (
    <form
      ref={formRef}
      className="config-form"
      aria-label={`${pluginName} settings`}
      data-testid="plugin-settings"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p className="help">
        Saved to <code>{settingsPath(pluginId).join('.')}</code> in the config file. Secrets show as a placeholder and are kept as they are.
      </p>
      <ErrorBox error={error} testId="plugin-settings-error" />
      {conflict ? (
        <div className="confirm" data-testid="plugin-settings-conflict">
          <p>The config file changed since these settings were loaded. Reload them, then make your change again.</p>
          <button type="button" onClick={() => void load()}>
            Reload settings
          </button>
        </div>
      ) : null}
      {general.length > 0 ? (
        <ul className="error" role="alert" data-testid="plugin-settings-issues">
          {general.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      {localIssues.length > 0 ? (
        <p className="problem" data-testid="plugin-settings-refused">
          Nothing was saved: fix the marked {localIssues.length === 1 ? 'value' : 'values'} first.
        </p>
      ) : null}
      <SchemaForm
        key={formKey}
        schema={schema as SchemaNode}
        value={draft}
        errors={byField}
        onChange={(path: Path, v) => {
          setDraft((d) => setAt(d, path, v));
          setServerIssues([]);
          setSaved(undefined);
        }}
        onJsonValidity={(path, bad) =>
          setBadJson((s) => {
            const next = new Set(s);
            if (bad) next.add(path);
            else next.delete(path);
            return next;
          })
        }
      />
      {saved ? (
        <p className="saved" role="status" data-testid="plugin-settings-saved">
          {saved}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy || !canWrite || badJson.size > 0}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        <button type="button" className="secondary" onClick={() => void load()} disabled={busy}>
          Revert
        </button>
        {!canWrite ? <span className="muted">Changing settings needs admin permission (operator.admin).</span> : null}
        {badJson.size > 0 ? <span className="muted">Fix the JSON in {[...badJson].join(', ')} first.</span> : null}
      </div>
    </form>
  );
}
