import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import type { GatewayClient } from '../../client/types.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { channelLabels, describeInstall, permissionsNote, readPermissions, type PluginInfo } from './plugin-details.js';
import { formatLoadTime, kindLabel, runtimeTrouble, sourceLabel, type PluginRecord } from './plugin-rows.js';
import { isFormSchema } from './plugin-settings.js';
import { PluginSettings } from './PluginSettings.js';

/**
 * One plugin in full: facts, where it came from, the channels it provides, the permissions its
 * manifest declares, and its settings form. `record` comes from the live list; the rest from `plugins.info`.
 */
export function PluginDetails({
  client,
  record,
  canAdmin,
  onClose,
  onChanged,
}: {
  client: GatewayClient;
  record: PluginRecord;
  canAdmin: boolean;
  onClose(): void;
  onChanged(): void;
}) {
  const [info, setInfo] = useState<PluginInfo>();
  const [error, setError] = useState<ShownError>();
  const heading = useRef<HTMLHeadingElement>(null);
  const id = record.id;

  const load = useCallback(async () => {
    try {
      setInfo(await client.call<PluginInfo>('plugins.info', { id }));
      setError(undefined);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client, id]);

  useEffect(() => {
    void load();
  }, [load]);

  // Opening the details takes the keyboard there; Close returns it to the list.
  useEffect(() => {
    heading.current?.focus();
  }, [id]);

  const permissions = info ? readPermissions(info.manifest) : [];
  const channels = channelLabels(info?.manifest, record.channels);
  const trouble = runtimeTrouble(record);
  const loadTime = formatLoadTime(record.loadMs);

  return (
    <section className="card" id="plugin-details" aria-labelledby="plugin-details-heading" data-testid="plugin-details" data-plugin={id}>
      <div className="card-title">
        <h2 id="plugin-details-heading" tabIndex={-1} ref={heading}>
          {record.name}
        </h2>
        <button type="button" className="secondary" onClick={onClose}>
          Close details
        </button>
      </div>
      {record.description ? <p className="muted">{record.description}</p> : null}
      <ErrorBox error={error} testId="plugin-details-error" />
      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{id}</code>
        </dd>
        <dt>Version</dt>
        <dd>{record.version ?? <span className="muted">not given</span>}</dd>
        <dt>Kind</dt>
        <dd>{kindLabel(record.kind)}</dd>
        <dt>Source</dt>
        <dd>
          {sourceLabel(record.source)}: <code>{record.rootDir}</code>
          <div className="muted small" data-testid="plugin-install">
            {info ? describeInstall(record, info.install) : '…'}
          </div>
        </dd>
        <dt>Enabled</dt>
        <dd>
          {record.enabled ? 'Yes' : 'No'} <span className="muted">— {record.reason}</span>
        </dd>
        <dt>Runs</dt>
        <dd>
          {record.isolation === 'process' ? 'In its own process' : 'Inside the gateway process'}
          {loadTime ? <span className="muted"> · loaded in {loadTime}</span> : null}
        </dd>
        <dt>Plugin API</dt>
        <dd>version {record.apiVersion}</dd>
        <dt>Channels</dt>
        <dd data-testid="plugin-channels">
          {channels.length ? channels.map((c) => (c.label === c.id ? c.id : `${c.label} (${c.id})`)).join(', ') : <span className="muted">none</span>}
        </dd>
        {record.critical ? (
          <>
            <dt>Critical</dt>
            <dd>Yes: while it is failed, agent turns are refused.</dd>
          </>
        ) : null}
        {trouble.length ? (
          <>
            <dt>While running</dt>
            <dd className="problem">
              {trouble.map((t) => (
                <div key={t}>{t}</div>
              ))}
            </dd>
          </>
        ) : null}
      </dl>

      <h3 className="plugin-subheading">Permissions</h3>
      {info ? (
        <div data-testid="plugin-permissions">
          {permissions.length ? (
            <dl className="facts">
              {permissions.map((p) => (
                <Fragment key={p.label}>
                  <dt>{p.label}</dt>
                  <dd>
                    {p.items.map((item, i) => (
                      <span key={item}>
                        {i > 0 ? ', ' : null}
                        <code>{item}</code>
                      </span>
                    ))}
                  </dd>
                </Fragment>
              ))}
            </dl>
          ) : (
            <p className="muted">Declares no access beyond its own folders.</p>
          )}
          <p className="help">{permissionsNote(record, permissions.length)}</p>
        </div>
      ) : null}

      <h3 className="plugin-subheading">Settings</h3>
      {!info ? (
        error ? null : <p className="muted">Loading…</p>
      ) : isFormSchema(info.configSchema) ? (
        <PluginSettings client={client} pluginId={id} pluginName={record.name} schema={info.configSchema} canWrite={canAdmin} onSaved={onChanged} />
      ) : info.configSchema !== undefined ? (
        <p className="muted" data-testid="plugin-no-form">
          Its settings do not fit a form; edit <code>plugins.entries.{id}.config</code> on the Config page.
        </p>
      ) : (
        <p className="muted" data-testid="plugin-no-settings">
          This plugin has no settings.
        </p>
      )}
    </section>
  );
}
