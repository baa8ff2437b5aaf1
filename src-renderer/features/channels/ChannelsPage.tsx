import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';
import {
  accountProblem,
  applyAccountChange,
  describeAccountState,
  isQrLogin,
  unlinkedQrChannels,
  listAccountRows,
  stateAdvice,
  summarizeDetails,
  type AccountRow,
  type AccountStatus,
  type ChannelsStatus,
} from './channel-status.js';
import { Confirm } from './Confirm.js';
import { formatAgo } from './relative-time.js';
import { useNow } from './use-now.js';
import { QrLogin } from './QrLogin.js';
import { TableWrap } from '../../components/TableWrap.js';

const POLL_MS = 10_000;

type Action = 'start' | 'stop' | 'logout';

/** Every channel account with its live state, last traffic and last error; start, stop, log out and QR login (WhatsApp, Signal) for admins. */
export function ChannelsPage({ client, canAdmin }: { client: GatewayClient; canAdmin: boolean }) {
  const [status, setStatus] = useState<ChannelsStatus>();
  const [error, setError] = useState<ShownError>();
  const [busyKey, setBusyKey] = useState<string>();
  const [confirmLogout, setConfirmLogout] = useState<AccountRow>();
  // `{}` is the default account (also used to link a QR-login channel before it is configured).
  const [login, setLogin] = useState<{ channel: string; accountId?: string }>();
  const now = useNow(1000);
  // Events arrive outside render; they merge into the latest status.
  const current = useRef<ChannelsStatus | undefined>(undefined);
  useEffect(() => {
    current.current = status;
  }, [status]);

  const reload = useCallback(async () => {
    try {
      setStatus(await client.call<MethodResult<'channels.status'>>('channels.status', {}));
      setError(undefined);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client]);

  /** Shows one account's new status at once; an account the page does not know yet means a reload. */
  const applyChange = useCallback(
    (changed: AccountStatus) => {
      const next = current.current && applyAccountChange(current.current, changed);
      if (next) setStatus(next);
      else void reload();
    },
    [reload],
  );

  useEffect(() => {
    void reload();
    const poll = setInterval(() => void reload(), POLL_MS);
    const off = client.on('channels.changed', (payload) => applyChange(payload as AccountStatus));
    return () => {
      clearInterval(poll);
      off();
    };
  }, [client, reload, applyChange]);

  const act = async (action: Action, row: AccountRow) => {
    setBusyKey(row.key);
    try {
      const params: MethodParams<'channels.start'> = { channel: row.channel, accountId: row.account.accountId };
      if (action === 'logout') {
        await client.call<MethodResult<'channels.logout'>>('channels.logout', params);
        setConfirmLogout(undefined);
        await reload();
      } else {
        applyChange(await client.call<MethodResult<'channels.start'>>(`channels.${action}`, params));
      }
      setError(undefined);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusyKey(undefined);
    }
  };

  const rows = status ? listAccountRows(status) : [];
  const linkable = canAdmin && status !== undefined && !login ? unlinkedQrChannels(status) : [];
  const labelOf = (channel: string) => status?.channelLabels[channel] ?? channel;

  return (
    <section className="card" aria-labelledby="channels-heading">
      <div className="card-title">
        <h2 id="channels-heading">Channels</h2>
        <div className="actions">
          {status ? <span className="muted">Updated {formatAgo(status.ts, now)}</span> : null}
          {linkable.map((channel) => (
            <button key={channel} type="button" className="secondary" onClick={() => setLogin({ channel })}>
              Link {labelOf(channel)}
            </button>
          ))}
          <button type="button" className="secondary" onClick={() => void reload()}>
            Refresh
          </button>
        </div>
      </div>
      <ErrorBox error={error} testId="channels-error" />
      {status === undefined && !error ? <p className="muted">Loading…</p> : null}
      {status && rows.length === 0 ? (
        <EmptyState title="No chat channels are configured yet." testId="channels-empty">
          Add one from a terminal on the gateway host, for example a Telegram bot with the token from @BotFather:{' '}
          <code>openclaw config set channels.telegram.botToken &lt;token&gt;</code>. Other channels go under <code>channels.&lt;id&gt;</code> on the Config
          page.{canAdmin && status?.qrLoginChannels?.length ? ` ${status.qrLoginChannels.map(labelOf).join(' and ')} ${status.qrLoginChannels.length === 1 ? 'needs' : 'need'} no token: press Link and scan the QR code with your phone.` : ''}
        </EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <TableWrap>
          <table className="table" data-testid="channels-table">
            <caption className="visually-hidden">Channel accounts</caption>
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">State</th>
                <th scope="col">Last in</th>
                <th scope="col">Last out</th>
                <th scope="col">Restarts</th>
                <th scope="col">Problem</th>
                {canAdmin ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <AccountRowView
                  key={row.key}
                  row={row}
                  now={now}
                  canAdmin={canAdmin}
                  busy={busyKey === row.key}
                  onAction={(action) => (action === 'logout' ? setConfirmLogout(row) : void act(action, row))}
                  qrLogin={status !== undefined && isQrLogin(status, row.channel)}
                  onLink={() => setLogin({ channel: row.channel, accountId: row.account.accountId })}
                />
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {!canAdmin && rows.length > 0 ? <p className="muted">Starting, stopping and logging out need admin permission (operator.admin), which this connection was not granted.</p> : null}
      {confirmLogout ? (
        <Confirm
          text={`Log out of ${confirmLogout.channelLabel} (${confirmLogout.account.accountId})? The account stops and its stored login on this computer is deleted.${
            status && isQrLogin(status, confirmLogout.channel) ? ` ${confirmLogout.channelLabel} is unlinked: you will have to scan a new QR code to use it again.` : ''
          }`}
          confirmLabel="Yes, log out"
          busy={busyKey === confirmLogout.key}
          onConfirm={() => void act('logout', confirmLogout)}
          onCancel={() => setConfirmLogout(undefined)}
        />
      ) : null}
      {login ? <QrLogin client={client} channel={login.channel} label={labelOf(login.channel)} accountId={login.accountId} onLinked={() => void reload()} onClose={() => setLogin(undefined)} /> : null}
    </section>
  );
}

function AccountRowView({
  row,
  now,
  canAdmin,
  busy,
  qrLogin,
  onAction,
  onLink,
}: {
  row: AccountRow;
  now: number;
  canAdmin: boolean;
  busy: boolean;
  /** The channel links by QR code: offer "Link with QR". */
  qrLogin: boolean;
  onAction(action: Action): void;
  onLink(): void;
}) {
  const a = row.account;
  const badge = describeAccountState(a, now);
  const advice = stateAdvice(a);
  const problem = accountProblem(a);
  const details = summarizeDetails(a.details);
  const name = `${row.channelLabel} ${a.accountId}`;
  const stopped = a.state === 'stopped' || a.state === 'failed';
  return (
    <tr data-testid="channel-row" data-channel={row.channel} data-account={a.accountId}>
      <th scope="row">
        {row.channelLabel}
        {a.accountId !== 'default' ? <span className="muted"> · {a.accountId}</span> : null}
        {details ? <div className="muted small">{details}</div> : null}
      </th>
      <td>
        <span className={`pill pill-${badge.tone}`} data-testid="channel-state" data-state={a.state}>
          {badge.label}
        </span>
      </td>
      <td title={a.lastInboundAt ? new Date(a.lastInboundAt).toLocaleString() : undefined}>
        {formatAgo(a.lastInboundAt, now)}
        <div className="muted small">{a.inboundCount} received</div>
      </td>
      <td title={a.lastOutboundAt ? new Date(a.lastOutboundAt).toLocaleString() : undefined}>
        {formatAgo(a.lastOutboundAt, now)}
        <div className="muted small">{a.outboundCount} sent</div>
      </td>
      <td>{a.restarts}</td>
      <td data-testid="channel-error">
        {problem.current ? (
          <>
            <span className="problem">{problem.current}</span>
            {a.lastErrorAt ? <span className="muted small"> ({formatAgo(a.lastErrorAt, now)})</span> : null}
          </>
        ) : (
          <span className="muted">none</span>
        )}
        {problem.earlier ? (
          <div className="muted small" data-testid="channel-earlier-error">
            Earlier, before it connected{a.lastErrorAt ? ` (${formatAgo(a.lastErrorAt, now)})` : ''}: {problem.earlier}
          </div>
        ) : null}
        {advice ? <div className="muted small">{advice}</div> : null}
      </td>
      {canAdmin ? (
        <td>
          <div className="actions">
            {a.enabled ? (
              <>
                <button type="button" className="secondary" aria-label={`${stopped ? 'Start' : 'Restart'} ${name}`} onClick={() => onAction('start')} disabled={busy}>
                  {stopped ? 'Start' : 'Restart'}
                </button>
                <button type="button" className="secondary" aria-label={`Stop ${name}`} onClick={() => onAction('stop')} disabled={busy || stopped}>
                  Stop
                </button>
              </>
            ) : null}
            {qrLogin ? (
              <button type="button" className="secondary" aria-label={`Link ${name} with a QR code`} onClick={onLink} disabled={busy}>
                Link with QR
              </button>
            ) : null}
            <button type="button" className="danger" aria-label={`Log out ${name}`} onClick={() => onAction('logout')} disabled={busy}>
              Log out
            </button>
          </div>
        </td>
      ) : null}
    </tr>
  );
}
