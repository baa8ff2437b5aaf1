import { useState } from 'react';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { formatCountdown } from '../channels/relative-time.js';
import { useNow } from '../channels/use-now.js';
import {
  deviceRequestName,
  deviceRequestReason,
  heldMessagesText,
  isMissingScope,
  openDeviceRequests,
  openSenderRequests,
  senderLabel,
  type DeviceRequest,
  type SenderRequest,
} from './pairing-requests.js';
import { useListAction, useLiveData } from './use-live-data.js';
import { TableWrap } from '../../components/TableWrap.js';
import { PairedSenders } from './PairedSenders.js';

const SENDER_EVENTS = ['pairing'] as const;
const DEVICE_EVENTS = ['device.pair.requested', 'device.pair.resolved'] as const;

const loadSenders = async (client: GatewayClient) =>
  (await client.call<MethodResult<'channels.pairing.list'>>('channels.pairing.list', {} satisfies MethodParams<'channels.pairing.list'>)).requests;
const loadDevices = async (client: GatewayClient) => (await client.call<MethodResult<'device.pair.list'>>('device.pair.list', {})).pending;

const requestKey = (r: SenderRequest) => `${r.channel}/${r.accountId}/${r.code}`;

/** Pending approvals (unknown chat senders holding a pairing code, devices asking to connect) and the senders approved so far. Live via events. */
export function PairingPage({ client }: { client: GatewayClient }) {
  const now = useNow(1000);
  return (
    <>
      <SenderRequests client={client} now={now} />
      <PairedSenders client={client} />
      <DeviceRequests client={client} now={now} />
    </>
  );
}

/** Shown instead of lists and buttons when the gateway refuses this connection the pairing scope. */
function NoPairingScope({ testId, command }: { testId: string; command: string }) {
  return (
    <div className="empty-state" data-testid={testId}>
      <p className="empty-title">This connection may not see or answer pairing requests.</p>
      <div className="muted">
        The gateway did not grant it pairing permission (<code>operator.pairing</code>). Approve from the desktop app, or on the gateway host run{' '}
        <code>{command}</code>.
      </div>
    </div>
  );
}

function SenderRequests({ client, now }: { client: GatewayClient; now: number }) {
  const { data, error, reload } = useLiveData(client, loadSenders, SENDER_EVENTS);
  const { busy, notice, actionError, run } = useListAction(reload);
  const [notify, setNotify] = useState<Record<string, boolean>>({});
  const denied = isMissingScope(error);
  const open = data ? openSenderRequests(data, now) : undefined;

  const act = (r: SenderRequest, action: 'approve' | 'dismiss') =>
    run(requestKey(r), async () => {
      if (action === 'approve') {
        const params: MethodParams<'channels.pairing.approve'> = { channel: r.channel, accountId: r.accountId, code: r.code, notify: notify[requestKey(r)] ?? false };
        const res = await client.call<MethodResult<'channels.pairing.approve'>>('channels.pairing.approve', params);
        return `Approved ${senderLabel(r)} on ${r.channel}. ${res.released === 1 ? '1 held message goes' : `${res.released} held messages go`} to the assistant now.`;
      }
      const params: MethodParams<'channels.pairing.dismiss'> = { channel: r.channel, accountId: r.accountId, code: r.code };
      await client.call<MethodResult<'channels.pairing.dismiss'>>('channels.pairing.dismiss', params);
      return `Dismissed ${senderLabel(r)} on ${r.channel}; their held messages were discarded.`;
    });

  return (
    <section className="card" aria-labelledby="pairing-heading">
      <div className="card-title">
        <h2 id="pairing-heading">Chat senders waiting for approval</h2>
        <span className="muted" data-testid="pairing-count">
          {open ? `${open.length} pending` : ''}
        </span>
      </div>
      <p className="muted">
        Someone the assistant does not know who messages a bot gets a pairing code. Approve it to let them talk to the assistant; their messages wait here until
        then.
      </p>
      {notice ? (
        <p role="status" className="success" data-testid="pairing-notice">
          {notice}
        </p>
      ) : null}
      {denied ? <NoPairingScope testId="pairing-no-scope" command="openclaw pairing approve <channel> <code>" /> : <ErrorBox error={error} testId="pairing-error" />}
      <ErrorBox error={actionError} testId="pairing-action-error" />
      {open === undefined && !error ? <p className="muted">Loading…</p> : null}
      {open && open.length === 0 ? (
        <EmptyState title="No chat sender is waiting for pairing." testId="pairing-empty">
          When someone new messages a bot whose DM policy is pairing, they get a code and show up here until it expires an hour later.
        </EmptyState>
      ) : null}
      {open && open.length > 0 ? (
        <TableWrap>
          <table className="table" data-testid="pairing-requests">
            <caption className="visually-hidden">Pairing requests from chat senders</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Sender</th>
                <th scope="col">Channel</th>
                <th scope="col">Held</th>
                <th scope="col">Expires</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {open.map((r) => {
                const key = requestKey(r);
                const who = senderLabel(r);
                return (
                  <tr key={key} data-testid="pairing-request" data-code={r.code}>
                    <th scope="row">
                      <span className="pair-code">{r.code}</span>
                    </th>
                    <td>{who}</td>
                    <td>
                      <code>{r.channel}</code>
                      {r.accountId !== 'default' ? <span className="muted"> · {r.accountId}</span> : null}
                    </td>
                    <td>{heldMessagesText(r.meta.heldMessages)}</td>
                    <td>in {formatCountdown(Date.parse(r.expiresAt), now) ?? '0s'}</td>
                    <td>
                      <div className="actions">
                        <label className="check">
                          <input
                            type="checkbox"
                            aria-label={`Tell ${who} they were approved`}
                            checked={notify[key] ?? false} onChange={(e) => setNotify((n) => ({ ...n, [key]: e.target.checked }))} />
                          Tell them
                        </label>
                        <button type="button" aria-label={`Approve ${who}`} onClick={() => void act(r, 'approve')} disabled={busy === key}>
                          Approve
                        </button>
                        <button type="button" className="secondary" aria-label={`Dismiss ${who}`} onClick={() => void act(r, 'dismiss')} disabled={busy === key}>
                          Dismiss
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </section>
  );
}

function DeviceRequests({ client, now }: { client: GatewayClient; now: number }) {
  const { data, error, reload } = useLiveData(client, loadDevices, DEVICE_EVENTS);
  const { busy, notice, actionError, run } = useListAction(reload);
  const denied = isMissingScope(error);
  const open = data ? openDeviceRequests(data, now) : undefined;

  const act = (r: DeviceRequest, action: 'approve' | 'reject') =>
    run(r.requestId, async () => {
      const params: MethodParams<'device.pair.approve'> = { requestId: r.requestId };
      await client.call(`device.pair.${action}`, params);
      return action === 'approve' ? `Approved ${deviceRequestName(r)}; it is let in when it connects again.` : `Rejected ${deviceRequestName(r)}.`;
    });

  return (
    <section className="card" aria-labelledby="pairing-devices-heading">
      <div className="card-title">
        <h2 id="pairing-devices-heading">Devices waiting for approval</h2>
        <span className="muted" data-testid="pairing-devices-count">
          {open ? `${open.length} pending` : ''}
        </span>
      </div>
      {notice ? (
        <p role="status" className="success" data-testid="pairing-devices-notice">
          {notice}
        </p>
      ) : null}
      {denied ? <NoPairingScope testId="pairing-devices-no-scope" command="openclaw devices approve <requestId>" /> : <ErrorBox error={error} testId="pairing-devices-error" />}
      <ErrorBox error={actionError} testId="pairing-devices-action-error" />
      {open === undefined && !error ? <p className="muted">Loading…</p> : null}
      {open && open.length === 0 ? (
        <EmptyState title="No device is waiting for approval." testId="pairing-devices-empty">
          A browser, computer or phone that connects from elsewhere for the first time, or asks for more permissions, waits here until you approve it.
        </EmptyState>
      ) : null}
      {open && open.length > 0 ? (
        <TableWrap>
          <table className="table" data-testid="pairing-devices">
            <caption className="visually-hidden">Devices waiting for approval</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Asks for</th>
                <th scope="col">From</th>
                <th scope="col">Expires</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {open.map((r) => {
                const name = deviceRequestName(r);
                return (
                  <tr key={r.requestId} data-testid="pairing-device" data-request={r.requestId}>
                    <th scope="row">
                      {name}
                      <div className="muted small">
                        {deviceRequestReason(r.reason)}
                        {r.platform ? ` · ${r.platform}` : ''}
                      </div>
                    </th>
                    <td>
                      {r.role}
                      {r.scopes.length ? <div className="muted small">{r.scopes.join(', ')}</div> : null}
                    </td>
                    <td>{r.remoteAddress ?? <span className="muted">unknown</span>}</td>
                    <td>in {formatCountdown(r.expiresAtMs, now) ?? '0s'}</td>
                    <td>
                      <div className="actions">
                        <button type="button" aria-label={`Approve ${name}`} onClick={() => void act(r, 'approve')} disabled={busy === r.requestId}>
                          Approve
                        </button>
                        <button type="button" className="secondary" aria-label={`Reject ${name}`} onClick={() => void act(r, 'reject')} disabled={busy === r.requestId}>
                          Reject
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </section>
  );
}
