import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { execCommandText, type ExecApprovalSchema } from '../../src-shared/protocol/methods/exec-approvals.js';

export type ExecApproval = Static<typeof ExecApprovalSchema>;
export type ExecDecision = 'allow-once' | 'allow-always' | 'deny';

/** No such approval waiting (answered already, expired, or never asked). */
export class UnknownExecApprovalError extends Error {
  override readonly name = 'UnknownExecApprovalError';
  constructor(readonly id: string) {
    super(`no exec approval ${id} is waiting (it was answered, expired, or the gateway restarted)`);
  }
}

/**
 * Programs the agent wants to run that are not on `tools.exec.allow`, waiting for the owner. A question
 * unanswered within its time counts as denied; one whose turn is aborted goes away. Kept in memory: a
 * gateway restart ends the turns that asked, so nothing waits for an answer that cannot come.
 */
export class ExecApprovals {
  private readonly waiting = new Map<string, { approval: ExecApproval; settle(d: ExecDecision | 'expired'): void }>();

  constructor(private readonly publish: (event: string, payload: unknown) => void) {}

  /** Asks the owner; resolves with the decision (`deny` after `timeoutMs` or when `signal` aborts). */
  ask(req: { argv: string[]; cwd: string; agentId: string; sessionKey: string }, timeoutMs: number, signal?: AbortSignal): Promise<ExecDecision> {
    const now = Date.now();
    const approval: ExecApproval = {
      id: randomUUID(),
      argv: [...req.argv],
      cwd: req.cwd,
      agentId: req.agentId,
      sessionKey: req.sessionKey,
      createdAtMs: now,
      expiresAtMs: now + timeoutMs,
      request: { command: execCommandText(req.argv), commandArgv: [...req.argv], cwd: req.cwd, agentId: req.agentId, sessionKey: req.sessionKey, host: 'gateway', allowedDecisions: ['allow-once', 'allow-always', 'deny'] },
      approvalKind: 'exec',
    };
    return new Promise<ExecDecision>((resolve) => {
      const timer = setTimeout(() => settle('expired'), timeoutMs);
      const onAbort = () => settle('expired');
      const settle = (d: ExecDecision | 'expired') => {
        if (!this.waiting.delete(approval.id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.publish('exec.approval.resolved', { id: approval.id, decision: d });
        resolve(d === 'expired' ? 'deny' : d);
      };
      this.waiting.set(approval.id, { approval, settle });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.publish('exec.approval.requested', approval);
    });
  }

  list(): ExecApproval[] {
    return [...this.waiting.values()].map((w) => w.approval);
  }

  get(id: string): ExecApproval {
    const w = this.waiting.get(id);
    if (!w) throw new UnknownExecApprovalError(id);
    return w.approval;
  }

  /** @throws {UnknownExecApprovalError} */
  resolve(id: string, decision: ExecDecision): void {
    const w = this.waiting.get(id);
    if (!w) throw new UnknownExecApprovalError(id);
    w.settle(decision);
  }
}
