import { useState } from 'react';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { Confirm } from '../channels/Confirm.js';
import { formatAgo } from '../channels/relative-time.js';
import { useNow } from '../channels/use-now.js';
import { isMissingScope } from '../pairing/pairing-requests.js';
import { useLiveData } from '../pairing/use-live-data.js';
import { buildNodeRows, otherDevices, summarizeCommands, type NodeRow } from './node-rows.js';
import { PairPhonePanel } from './PairPhonePanel.js';
import { TableWrap } from '../../components/TableWrap.js';

const NODE_EVENTS = ['node.presence'] as const;
const DEVICE_EVENTS = ['device.pair.resolved', 'node.presence'] as const;

const loadNodes = async (client: GatewayClient) => (await client.call<MethodResult<'node.list'>>('node.list', {})).nodes;
const loadPaired = async (client: GatewayClient) => (await client.call<MethodResult<'device.pair.list'>>('device.pair.list', {})).paired;

/** Paired nodes (phones and computers offering commands) and other paired devices; remove with confirmation; pair a phone. */
export function NodesPage({ client, canAdmin }: { client: GatewayClient; canAdmin: boolean }) {
  const now = useNow(1000);
  const nodes = useLiveData(client, loadNodes, NODE_EVENTS);
  const paired = useLiveData(client, loadPaired, DEVICE_EVENTS);
  const [removing, setRemoving] = useState<{ id: string; name: string }>();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ShownError>();
  const [notice, setNotice] = useState<string>();

  const pairingDenied = isMissingScope(paired.error);
  const canRemove = paired.data !== undefined;
  const rows = nodes.data ? buildNodeRows(nodes.data, paired.data) : undefined;
  const others = paired.data ? otherDevices(paired.data) : undefined;

  const remove = async (target: { id: string; name: string }) => {
    setBusy(true);
    try {
      const params: MethodParams<'device.pair.remove'> = { deviceId: target.id };
      const res = await client.call<MethodResult<'device.pair.remove'>>('device.pair.remove', params);
      setNotice(
        res.removed ? `Removed ${target.name}${res.closedConnections ? `; ${res.closedConnections} open connection(s) closed` : ''}.` : `${target.name} was not paired any more.`,
      );
      setRemoving(undefined);
      setActionError(undefined);
      await Promise.all([nodes.reload(), paired.reload()]);
    } catch (err) {
      setActionError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const removeButton = (target: { id: string; name: string }) =>
    canRemove ? (
      <button type="button" className="danger" aria-label={`Remove ${target.name}`} onClick={() => setRemoving(target)} disabled={busy}>
        Remove
      </button>
    ) : null;

  return (
    <>
      <section className="card" aria-labelledby="nodes-heading">
        <div className="card-title">
          <h2 id="nodes-heading">Nodes</h2>
          <span className="muted" data-testid="nodes-count">
            {rows && rows.length > 0 ? `${rows.filter((r) => r.connected).length} of ${rows.length} connected` : ''}
          </span>
        </div>
        <p className="muted">Phones and computers paired as nodes offer commands (camera, location, running programs…) that agents can use while they are connected.</p>
        {notice ? (
          <p role="status" className="success" data-testid="nodes-notice">
            {notice}
          </p>
        ) : null}
        <ErrorBox error={nodes.error} testId="nodes-error" />
        <ErrorBox error={actionError} testId="nodes-action-error" />
        {removing ? (
          <Confirm
            text={`Remove ${removing.name}? Its tokens stop working and its open connections close at once; it has to pair again to come back.`}
            confirmLabel="Yes, remove"
            busy={busy}
            onConfirm={() => void remove(removing)}
            onCancel={() => setRemoving(undefined)}
          />
        ) : null}
        {rows === undefined && !nodes.error ? <p className="muted">Loading…</p> : null}
        {rows && rows.length === 0 ? (
          <EmptyState title="No nodes are paired yet." testId="nodes-empty">
            {canAdmin ? (
              'Pair a phone below: the OpenClaw app scans the QR code.'
            ) : (
              <>
                An admin can pair a phone from this page, or run <code>openclaw qr</code> on the gateway host.
              </>
            )}
          </EmptyState>
        ) : null}
        {rows && rows.length > 0 ? <NodesTable rows={rows} now={now} removeButton={removeButton} /> : null}
      </section>

      <section className="card" aria-labelledby="devices-heading">
        <h2 id="devices-heading">Other paired devices</h2>
        <p className="muted">Browsers, desktop apps and the command line that may sign in to this gateway with their own key.</p>
        {pairingDenied ? (
          <div className="empty-state" data-testid="devices-no-scope">
            <p className="empty-title">This connection may not list or remove paired devices.</p>
            <div className="muted">
              The gateway did not grant it pairing permission (<code>operator.pairing</code>). Use the desktop app, or on the gateway host run{' '}
              <code>openclaw devices list</code> and <code>openclaw devices remove &lt;deviceId&gt;</code>.
            </div>
          </div>
        ) : (
          <ErrorBox error={paired.error} testId="devices-error" />
        )}
        {others === undefined && !paired.error ? <p className="muted">Loading…</p> : null}
        {others && others.length === 0 ? <EmptyState title="No other devices are paired." testId="devices-empty" /> : null}
        {others && others.length > 0 ? (
          <TableWrap>
            <table className="table" data-testid="devices-table">
              <caption className="visually-hidden">Other paired devices</caption>
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">State</th>
                  <th scope="col">Role and permissions</th>
                  <th scope="col">Last seen</th>
                  {canRemove ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {others.map((d) => (
                  <tr key={d.deviceId} data-testid="device-row" data-device={d.deviceId}>
                    <th scope="row">
                      {d.name}
                      <div className="muted small">
                        <code>{d.deviceId.slice(0, 12)}…</code>
                        {d.platform ? ` · ${d.platform}` : ''}
                      </div>
                    </th>
                    <td>
                      <span className={d.connected ? 'pill pill-ok' : 'pill pill-off'}>{d.connected ? 'Connected' : 'Offline'}</span>
                    </td>
                    <td>
                      {d.role}
                      {d.scopes.length ? <div className="muted small">{d.scopes.join(', ')}</div> : null}
                    </td>
                    <td>{d.connected ? 'now' : formatAgo(d.lastSeenAtMs, now)}</td>
                    {canRemove ? <td>{removeButton({ id: d.deviceId, name: d.name })}</td> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </section>

      {canAdmin ? (
        <PairPhonePanel client={client} now={now} />
      ) : (
        <section className="card" aria-labelledby="pair-phone-heading">
          <h2 id="pair-phone-heading">Pair a phone</h2>
          <p className="muted">Creating a setup code needs admin permission (operator.admin), which this connection was not granted.</p>
        </section>
      )}
    </>
  );
}

function NodesTable({ rows, now, removeButton }: { rows: NodeRow[]; now: number; removeButton(target: { id: string; name: string }): React.ReactNode }) {
  return (
    <TableWrap>
      <table className="table" data-testid="nodes-table">
        <caption className="visually-hidden">Paired nodes</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">State</th>
            <th scope="col">Platform</th>
            <th scope="col">Commands</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="node-row" data-node={r.id}>
              <th scope="row">
                {r.name}
                <div className="muted small">
                  <code>{r.id.slice(0, 12)}…</code>
                </div>
              </th>
              <td>
                <span className={r.connected ? 'pill pill-ok' : 'pill pill-off'}>{r.connected ? 'Connected' : 'Offline'}</span>
                <div className="muted small">
                  {r.connected ? (r.connectedAtMs ? `connected ${formatAgo(r.connectedAtMs, now)}` : '') : `last seen ${formatAgo(r.lastSeenAtMs, now)}`}
                </div>
              </td>
              <td>
                {r.platform ?? <span className="muted">unknown</span>}
                {r.version ? <div className="muted small">{r.version}</div> : null}
              </td>
              <td title={r.commands.join(', ')}>{summarizeCommands(r.commands)}</td>
              <td>{r.paired ? removeButton({ id: r.id, name: r.name }) : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
