import { useState } from 'react';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { TableWrap } from '../../components/TableWrap.js';
import { ForgetMemoriesOption } from '../memory/ForgetMemoriesOption.js';
import { forgottenText } from '../memory/memory-view.js';
import { isMissingScope } from './pairing-requests.js';
import { useListAction, useLiveData } from './use-live-data.js';

type PairedSender = MethodResult<'channels.pairing.allowed'>['senders'][number];

const EVENTS = ['pairing'] as const;
const loadSenders = async (client: GatewayClient) =>
  (await client.call<MethodResult<'channels.pairing.allowed'>>('channels.pairing.allowed', {} satisfies MethodParams<'channels.pairing.allowed'>)).senders;

const senderKey = (s: PairedSender) => `${s.channel}/${s.accountId}/${s.id}`;
export const pairedSenderLabel = (s: PairedSender): string => (s.name ? `${s.name} (${s.id})` : s.id);

/** Senders let in by pairing; removing one asks first, and offers to forget what they told the assistant. */
export function PairedSenders({ client }: { client: GatewayClient }) {
  const { data, error, reload } = useLiveData(client, loadSenders, EVENTS);
  const { busy, notice, actionError, run } = useListAction(reload);
  const [confirm, setConfirm] = useState<string>();
  const [forget, setForget] = useState(false);
  // Without the pairing scope the requests card above already says so.
  if (isMissingScope(error)) return null;

  const ask = (s: PairedSender | undefined) => {
    setForget(false);
    setConfirm(s && senderKey(s));
  };
  const remove = (s: PairedSender) =>
    run(senderKey(s), async () => {
      const withMemories = forget && Boolean(s.memories?.count);
      const params: MethodParams<'channels.pairing.revoke'> = { channel: s.channel, accountId: s.accountId, id: s.id, ...(withMemories ? { forgetMemories: true } : {}) };
      const r = await client.call<MethodResult<'channels.pairing.revoke'>>('channels.pairing.revoke', params);
      ask(undefined);
      return `Removed ${pairedSenderLabel(s)} on ${s.channel}; their next message asks for pairing again.${forgottenText(r.memories)}`;
    });

  return (
    <section className="card" aria-labelledby="paired-senders-heading">
      <div className="card-title">
        <h2 id="paired-senders-heading">Approved chat senders</h2>
        <span className="muted" data-testid="paired-count">
          {data ? `${data.length} approved` : ''}
        </span>
      </div>
      {notice ? (
        <p role="status" className="success" data-testid="paired-notice">
          {notice}
        </p>
      ) : null}
      <ErrorBox error={error} testId="paired-error" />
      <ErrorBox error={actionError} testId="paired-action-error" />
      {data && data.length === 0 ? <p className="muted">Nobody has been approved through pairing yet.</p> : null}
      {data && data.length > 0 ? (
        <TableWrap>
          <table className="table" data-testid="paired-senders">
            <caption className="visually-hidden">Chat senders approved through pairing</caption>
            <thead>
              <tr>
                <th scope="col">Sender</th>
                <th scope="col">Channel</th>
                <th scope="col">Approved</th>
                <th scope="col">Memories</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.map((s) => {
                const key = senderKey(s);
                const who = pairedSenderLabel(s);
                return (
                  <tr key={key} data-testid="paired-sender" data-id={s.id}>
                    <th scope="row">{who}</th>
                    <td>
                      <code>{s.channel}</code>
                      {s.accountId !== 'default' ? <span className="muted"> · {s.accountId}</span> : null}
                    </td>
                    <td>{new Date(s.approvedAt).toLocaleString()}</td>
                    <td data-testid="paired-memories" title={s.memories?.note}>{s.memories?.available ? String(s.memories.count ?? 0) : '–'}</td>
                    <td>
                      {confirm === key ? (
                        <div className="confirm" role="alertdialog" aria-label={`Remove ${who}`}>
                          <p>Remove {who}? Their next message asks for pairing again.</p>
                          <ForgetMemoriesOption memories={s.memories} person={who} checked={forget} onChange={setForget} />
                          <button type="button" className="danger" onClick={() => void remove(s)} disabled={busy === key} autoFocus>
                            Yes, remove
                          </button>{' '}
                          <button type="button" className="secondary" onClick={() => ask(undefined)} disabled={busy === key}>
                            Cancel
                          </button>
                        </div>
                      ) : (
                        <button type="button" className="secondary" aria-label={`Remove ${who}`} onClick={() => ask(s)} disabled={busy === key}>
                          Remove
                        </button>
                      )}
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
