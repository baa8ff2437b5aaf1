import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { useNow } from '../channels/use-now.js';
import { isMissingScope } from '../pairing/pairing-requests.js';
import { useListAction, useLiveData } from '../pairing/use-live-data.js';

type Approvals = MethodResult<'exec.approval.list'>;
type Decision = 'allow-once' | 'allow-always' | 'deny';

const EVENTS = ['exec.approval.requested', 'exec.approval.resolved'] as const;
const load = (client: GatewayClient) => client.call<Approvals>('exec.approval.list', {});


const SAID: Record<Decision, (program: string) => string> = {
  'allow-once': (p) => `Allowed ${p} this once.`,
  'allow-always': (p) => `Allowed ${p}, and added it to tools.exec.allow: it runs without asking from now on.`,
  deny: (p) => `Denied ${p}; the agent is told.`,
};

/**
 * Programs the agent asks to run outside the exec allow-list (`tools.exec.ask: on-miss`), on the Overview
 * while any wait: the command, where it runs, for which conversation, how long the question stays open.
 * Nothing shows while none wait, or where this connection may not answer them.
 */
export function ExecApprovalsCard({ client }: { client: GatewayClient }) {
  const approvals = useLiveData(client, load, EVENTS);
  const now = useNow(1000);
  const { busy, notice, actionError, run } = useListAction(approvals.reload);
  if (isMissingScope(approvals.error)) return null;
  const waiting = approvals.data ?? [];
  if (!waiting.length && !notice && !approvals.error) return null;
  const answer = (id: string, program: string, decision: Decision) =>
    run(id, async () => {
      await client.call<MethodResult<'exec.approval.resolve'>>('exec.approval.resolve', { id, decision });
      return SAID[decision](program);
    });
  return (
    <section className="card" aria-labelledby="exec-approvals-heading" data-testid="exec-approvals">
      <div className="card-title">
        <h2 id="exec-approvals-heading">The agent asks to run a program</h2>
        <span className="muted">{waiting.length ? `${waiting.length} waiting` : ''}</span>
      </div>
      <p className="muted">These programs are not on the exec allow-list. Unanswered, a question counts as denied when its time is up.</p>
      {notice ? (
        <p role="status" className="success" data-testid="exec-approvals-notice">
          {notice}
        </p>
      ) : null}
      <ErrorBox error={approvals.error} testId="exec-approvals-error" />
      <ErrorBox error={actionError} testId="exec-approvals-action-error" />
      {waiting.length ? (
        <ul className="request-list">
          {waiting.map((a) => {
            const program = a.argv[0] ?? '';
            return (
              <li key={a.id} data-testid="exec-approval" data-id={a.id}>
                <p>
                  <code data-testid="exec-approval-command">{a.request.command}</code>
                </p>
                <p className="muted small">
                  in <code>{a.cwd}</code> of agent {a.agentId} · conversation {a.sessionKey} · {Math.max(0, Math.round((a.expiresAtMs - now) / 1000))} s left
                </p>
                <div className="actions">
                  <button type="button" onClick={() => void answer(a.id, program, 'allow-once')} disabled={busy === a.id}>
                    Allow once
                  </button>
                  <button type="button" className="secondary" onClick={() => void answer(a.id, program, 'allow-always')} disabled={busy === a.id}>
                    Always allow {program}
                  </button>
                  <button type="button" className="secondary" onClick={() => void answer(a.id, program, 'deny')} disabled={busy === a.id}>
                    Deny
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
