import { useCallback, useRef, useState } from 'react';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { useListAction, useLiveData } from '../pairing/use-live-data.js';
import { DoctorFindings } from './DoctorFindings.js';
import { PluginDetails } from './PluginDetails.js';
import {
  criticalFailures,
  describeFailure,
  describePluginState,
  describeToggle,
  formatLoadTime,
  kindLabel,
  runtimeTrouble,
  sortPlugins,
  sourceLabel,
  stateAdvice,
  summarizeCounts,
  type PluginRecord,
  type PluginsList,
} from './plugin-rows.js';
import './plugins.css';
import { TableWrap } from '../../components/TableWrap.js';

// Plugin state changes push a `health` event; a config edit (enable, disable, settings) reloads the config.
const LIVE_EVENTS = ['health', 'config.reloaded'] as const;
const COLUMNS = 7;

const loadList = (client: GatewayClient) => client.call<PluginsList>('plugins.list', {});
const loadDoctor = async (client: GatewayClient) => (await client.call<MethodResult<'plugins.doctor'>>('plugins.doctor', {})).findings;

/** Every plugin with its state and problems; turn plugins on and off; details and settings; doctor findings. */
export function PluginsPage({ client, canAdmin }: { client: GatewayClient; canAdmin: boolean }) {
  const list = useLiveData(client, loadList, LIVE_EVENTS);
  const doctor = useLiveData(client, loadDoctor, LIVE_EVENTS);
  const reloadList = list.reload;
  const reloadDoctor = doctor.reload;
  const reloadAll = useCallback(async () => {
    await Promise.all([reloadList(), reloadDoctor()]);
  }, [reloadList, reloadDoctor]);
  const action = useListAction(reloadAll);
  const [attempt, setAttempt] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const detailButtons = useRef(new Map<string, HTMLButtonElement>());

  const rows = list.data ? sortPlugins(list.data.plugins) : undefined;
  const critical = list.data ? criticalFailures(list.data) : [];
  const selectedRecord = rows?.find((r) => r.id === selected);

  const setEnabled = (r: PluginRecord, enabled: boolean, verb: string) => {
    setAttempt(`Could not ${verb} ${r.name}`);
    void action.run(r.id, async () => {
      const res = await client.call<MethodResult<'plugins.enable'>>(enabled ? 'plugins.enable' : 'plugins.disable', { id: r.id });
      return describeToggle(res.plugin, enabled);
    });
  };

  const closeDetails = () => {
    const id = selected;
    setSelected(undefined);
    if (id) detailButtons.current.get(id)?.focus();
  };

  return (
    <>
      <section className="card" aria-labelledby="plugins-heading">
        <div className="card-title">
          <h2 id="plugins-heading">Plugins</h2>
          <span className="muted" data-testid="plugins-count">
            {list.data && list.data.plugins.length > 0 ? summarizeCounts(list.data.health) : ''}
          </span>
        </div>
        <p className="muted">Plugins add tools, channels and methods to the gateway. A plugin that fails is kept apart and shown here with the reason; the rest keep working.</p>
        {critical.map((c) => (
          <div key={c.id} role="alert" className="error critical-banner" data-testid="plugins-critical-banner" data-plugin={c.id}>
            <strong>
              The critical plugin {c.name} failed: agent turns are refused until it is fixed.
            </strong>
            <div className="error-hint">{c.error}</div>
          </div>
        ))}
        {action.notice ? (
          <p role="status" className="plugin-notice" data-testid="plugins-notice">
            {action.notice}
          </p>
        ) : null}
        <ErrorBox error={list.error} testId="plugins-error" />
        <ErrorBox error={action.actionError ? { ...action.actionError, message: `${attempt ?? 'The change failed'}: ${action.actionError.message}` } : undefined} testId="plugins-action-error" />
        {!canAdmin ? <p className="muted">Turning plugins on or off and changing their settings needs admin permission (operator.admin), which this connection was not granted.</p> : null}
        {rows === undefined && !list.error ? <p className="muted">Loading…</p> : null}
        {rows && rows.length === 0 ? (
          <EmptyState title="No plugins found." testId="plugins-empty">
            Install one with <code>openclaw plugins install &lt;folder | .tgz | npm package&gt;</code>
          </EmptyState>
        ) : null}
        {rows && rows.length > 0 ? (
          <TableWrap>
            <table className="table plugins-table" data-testid="plugins-table">
              <caption className="visually-hidden">Plugins</caption>
              <thead>
                <tr>
                  <th scope="col">Plugin</th>
                  <th scope="col">Version</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Source</th>
                  <th scope="col">State</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              {rows.map((r) => (
                <PluginRowView
                  key={r.id}
                  record={r}
                  canAdmin={canAdmin}
                  busy={action.busy === r.id}
                  locked={action.busy !== undefined}
                  selected={r.id === selected}
                  detailsRef={(el) => {
                    if (el) detailButtons.current.set(r.id, el);
                    else detailButtons.current.delete(r.id);
                  }}
                  onToggle={(enabled) => setEnabled(r, enabled, enabled ? 'turn on' : 'turn off')}
                  onRetry={() => setEnabled(r, true, 'retry')}
                  onDetails={() => setSelected(r.id === selected ? undefined : r.id)}
                />
              ))}
            </table>
          </TableWrap>
        ) : null}
      </section>

      {selectedRecord ? <PluginDetails key={selectedRecord.id} client={client} record={selectedRecord} canAdmin={canAdmin} onClose={closeDetails} onChanged={() => void reloadAll()} /> : null}

      <DoctorFindings findings={doctor.data} error={doctor.error} plugins={rows ?? []} />
    </>
  );
}

/** One plugin: its row, and below it (when there is one) its problem, spelled out across the table. */
function PluginRowView({
  record: r,
  canAdmin,
  busy,
  locked,
  selected,
  detailsRef,
  onToggle,
  onRetry,
  onDetails,
}: {
  record: PluginRecord;
  canAdmin: boolean;
  busy: boolean;
  locked: boolean;
  selected: boolean;
  detailsRef(el: HTMLButtonElement | null): void;
  onToggle(enabled: boolean): void;
  onRetry(): void;
  onDetails(): void;
}) {
  const badge = describePluginState(r);
  const failure = describeFailure(r);
  const advice = stateAdvice(r);
  const trouble = runtimeTrouble(r);
  const loadTime = formatLoadTime(r.loadMs);
  const hasNote = failure !== undefined || trouble.length > 0;
  return (
    // One tbody per plugin keeps its row and its problem line together.
    <tbody className={hasNote ? 'plugin-group plugin-group-noted' : 'plugin-group'} data-testid="plugin-row" data-plugin={r.id} data-state={r.state} aria-busy={busy || undefined}>
      <tr className={selected ? 'row-selected' : undefined}>
        <th scope="row">
          {r.name}
          {r.critical ? (
            <span className="pill pill-warn critical-mark" title="While it is failed, agent turns are refused" data-testid="plugin-critical">
              critical
            </span>
          ) : null}
          {r.id !== r.name || r.description ? (
            <div className="muted small">
              {r.id !== r.name ? <code>{r.id}</code> : null}
              {r.id !== r.name && r.description ? ' · ' : null}
              {r.description}
            </div>
          ) : null}
        </th>
        <td>{r.version ?? <span className="muted">—</span>}</td>
        <td>{kindLabel(r.kind)}</td>
        <td title={r.rootDir}>{sourceLabel(r.source)}</td>
        <td>
          <span className={`pill pill-${badge.tone}`} data-testid="plugin-state" data-state={r.state}>
            {badge.label}
          </span>
          {loadTime && r.state === 'loaded' ? <div className="muted small" data-testid="plugin-load-time">in {loadTime}</div> : null}
          {advice && r.state !== 'failed' ? <div className="muted small">{advice}</div> : null}
        </td>
        <td>
          <label className="check plugin-switch">
            <input
              type="checkbox"
              role="switch"
              checked={r.enabled}
              aria-label={`${r.name} enabled`}
              disabled={!canAdmin || locked}
              onChange={(e) => onToggle(e.target.checked)}
              data-testid="plugin-enabled"
            />
            <span aria-hidden="true">{busy ? 'Saving…' : r.enabled ? 'On' : 'Off'}</span>
          </label>
        </td>
        <td>
          <div className="actions">
            <button type="button" className="secondary" ref={detailsRef} aria-expanded={selected} aria-controls={selected ? 'plugin-details' : undefined} onClick={onDetails}>
              {selected ? 'Hide details' : 'Details'}
              <span className="visually-hidden"> of {r.name}</span>
            </button>
            {canAdmin && r.state === 'failed' && r.enabled ? (
              <button type="button" className="secondary" onClick={onRetry} disabled={locked}>
                Retry<span className="visually-hidden"> {r.name}</span>
              </button>
            ) : null}
          </div>
        </td>
      </tr>
      {hasNote ? (
        <tr className="plugin-note-row">
          <td colSpan={COLUMNS}>
            {failure ? (
              <div className="error" data-testid="plugin-error">
                <strong>{failure}</strong>
                {advice ? <div className="error-hint">{advice}</div> : null}
              </div>
            ) : null}
            {trouble.length > 0 ? (
              <div className="plugin-trouble" data-testid="plugin-trouble">
                {trouble.map((t) => (
                  <div key={t}>{t}</div>
                ))}
              </div>
            ) : null}
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
