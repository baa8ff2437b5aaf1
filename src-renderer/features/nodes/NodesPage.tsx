import { useState } from 'react';
import { describeNodeApproval } from '../../../src-shared/domain/node-commands.js';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { Confirm } from '../channels/Confirm.js';
import { formatAgo } from '../channels/relative-time.js';
import { useNow } from '../channels/use-now.js';
import { isMissingScope } from '../pairing/pairing-requests.js';
import { useListAction, useLiveData } from '../pairing/use-live-data.js';
import {
  buildNodeRows,
  nodeCommandGroups,
  otherDevices,
  requestNodeName,
  summarizeCommands,
  type NodeApprovals,
  type NodeCommandRequest,
  type NodeRow,
} from './node-rows.js';
import { PairPhonePanel } from './PairPhonePanel.js';
import { TableWrap } from '../../components/TableWrap.js';

const NODE_EVENTS = ['node.presence', 'node.pair.resolved'] as const;
const DEVICE_EVENTS = ['device.pair.resolved', 'node.presence'] as const;
const APPROVAL_EVENTS = ['node.pair.requested', 'node.pair.resolved', 'node.presence'] as const;

const loadNodes = async (client: GatewayClient) => (await client.call<MethodResult<'node.list'>>('node.list', {})).nodes;
const loadPaired = async (client: GatewayClient) => (await client.call<MethodResult<'device.pair.list'>>('device.pair.list', {})).paired;
const loadApprovals = async (client: GatewayClient) => client.call<NodeApprovals>('node.pair.list', {});

/** Paired nodes (phones and computers offering commands) and other paired devices; remove with confirmation; pair a phone. */
export function NodesPage({ client, canAdmin }: { client: GatewayClient; canAdmin: boolean }) {
  const now = useNow(1000);
  const nodes = useLiveData(client, loadNodes, NODE_EVENTS);
  const paired = useLiveData(client, loadPaired, DEVICE_EVENTS);
  const approvals = useLiveData(client, loadApprovals, APPROVAL_EVENTS);
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
        {rows && rows.length > 0 ? <NodesTable rows={rows} approvals={approvals.data} now={now} removeButton={removeButton} /> : null}
      </section>

      <CommandRequests
        client={client}
        approvals={approvals}
        canAdmin={canAdmin}
        onDecided={async () => {
          await nodes.reload();
        }}
      />

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

/**
 * Node command requests: a node's declared commands run only once an operator approves them. Each
 * request names its commands, those the node policy would still block, and the permission approving needs.
 */
function CommandRequests({
  client,
  approvals,
  canAdmin,
  onDecided,
}: {
  client: GatewayClient;
  approvals: { data?: NodeApprovals; error?: ShownError; reload(): Promise<void> };
  canAdmin: boolean;
  onDecided(): Promise<void>;
}) {
  const { busy, notice, actionError, run } = useListAction(async () => {
    await Promise.all([approvals.reload(), onDecided()]);
  });
  const denied = isMissingScope(approvals.error);
  const pending = approvals.data?.pending;

  const act = (r: NodeCommandRequest, decision: 'approve' | 'reject') =>
    run(r.requestId, async () => {
      const name = requestNodeName(r);
      const params: MethodParams<'node.pair.approve'> = { requestId: r.requestId };
      if (decision === 'reject') {
        await client.call<MethodResult<'node.pair.reject'>>('node.pair.reject', params);
        return `Rejected the commands of ${name}; none of them run, and it asks again when it reconnects.`;
      }
      const res = await client.call<MethodResult<'node.pair.approve'>>('node.pair.approve', params);
      return describeNodeApproval({ node: name, commands: res.commands, blockedByPolicy: res.blockedByPolicy });
    });

  return (
    <section className="card" aria-labelledby="node-requests-heading">
      <div className="card-title">
        <h2 id="node-requests-heading">Node commands waiting for approval</h2>
        <span className="muted" data-testid="node-requests-count">
          {pending ? `${pending.length} pending` : ''}
        </span>
      </div>
      <p className="muted">A paired node may only run the commands you approve here. A rejected node asks again when it reconnects.</p>
      {notice ? (
        <p role="status" className="success pre-line" data-testid="node-requests-notice">
          {notice}
        </p>
      ) : null}
      {denied ? (
        <div className="empty-state" data-testid="node-requests-no-scope">
          <p className="empty-title">This connection may not see or answer node command requests.</p>
          <div className="muted">
            The gateway did not grant it pairing permission (<code>operator.pairing</code>). Approve from the desktop app, or on the gateway host run{' '}
            <code>openclaw nodes pending</code> and <code>openclaw nodes approve &lt;requestId&gt;</code>.
          </div>
        </div>
      ) : (
        <ErrorBox error={approvals.error} testId="node-requests-error" />
      )}
      <ErrorBox error={actionError} testId="node-requests-action-error" />
      {pending === undefined && !approvals.error ? <p className="muted">Loading…</p> : null}
      {pending && pending.length === 0 ? <EmptyState title="No node is waiting for command approval." testId="node-requests-empty" /> : null}
      {pending && pending.length > 0 ? (
        <ul className="request-list" data-testid="node-requests">
          {pending.map((r) => {
            const name = requestNodeName(r);
            const needsAdmin = r.requiredScopes.includes('operator.admin') && !canAdmin;
            return (
              <li key={r.requestId} data-testid="node-request" data-request={r.requestId} data-node={r.node.nodeId}>
                <p>
                  <strong>{name}</strong>
                  {r.node.platform ? <span className="muted"> · {r.node.platform}</span> : null} asks to run:
                </p>
                <p data-testid="node-request-commands">
                  {r.commands.map((c, i) => (
                    <span key={c}>
                      {i ? ', ' : ''}
                      <code>{c}</code>
                    </span>
                  ))}
                </p>
                {r.blockedByPolicy.length ? (
                  <p className="muted small" data-testid="node-request-blocked">
                    {r.blockedByPolicy.join(', ')} would stay blocked by the node policy even once approved (gateway.nodes.allowCommands lets a command run).
                  </p>
                ) : null}
                {needsAdmin ? (
                  <p className="muted small" data-testid="node-request-needs-admin">
                    Approving these needs admin permission (operator.admin), which this connection was not granted.
                  </p>
                ) : null}
                <div className="actions">
                  <button type="button" aria-label={`Approve the commands of ${name}`} onClick={() => void act(r, 'approve')} disabled={busy === r.requestId || needsAdmin}>
                    Approve
                  </button>
                  <button type="button" className="secondary" aria-label={`Reject the commands of ${name}`} onClick={() => void act(r, 'reject')} disabled={busy === r.requestId}>
                    Reject
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}

/** A node's commands: what runs, then what it declares beyond that (waiting, blocked, not approved). */
function NodeCommands({ row, approvals }: { row: NodeRow; approvals: NodeApprovals | undefined }) {
  const g = nodeCommandGroups(row, approvals);
  const others = g.declared.filter((c) => !g.runs.includes(c) && !g.waiting.includes(c) && !g.blocked.includes(c));
  return (
    <>
      <div data-testid="node-commands-runs" title={g.runs.join(', ')}>
        <span className="muted">Runs:</span> {summarizeCommands(g.runs)}
      </div>
      <div className="muted small" data-testid="node-commands-declared" title={g.declared.join(', ')}>
        Declared: {summarizeCommands(g.declared)}
      </div>
      {g.waiting.length ? (
        <div className="muted small" data-testid="node-commands-waiting">
          Waiting for approval: {summarizeCommands(g.waiting)}
        </div>
      ) : null}
      {g.blocked.length ? (
        <div className="muted small" data-testid="node-commands-blocked">
          Approved, blocked by policy: {summarizeCommands(g.blocked)}
        </div>
      ) : null}
      {approvals && others.length ? (
        <div className="muted small" data-testid="node-commands-not-approved">
          Not approved: {summarizeCommands(others)}
        </div>
      ) : null}
    </>
  );
}

function NodesTable({
  rows,
  approvals,
  now,
  removeButton,
}: {
  rows: NodeRow[];
  approvals: NodeApprovals | undefined;
  now: number;
  removeButton(target: { id: string; name: string }): React.ReactNode;
}) {
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
              <td>
                <NodeCommands row={r} approvals={approvals} />
              </td>
              <td>{r.paired ? removeButton({ id: r.id, name: r.name }) : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
