import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

/** A program the agent wants to run that is not on `tools.exec.allow`, waiting for the owner. */
export const ExecApprovalSchema = Type.Object({
  id: Type.String(),
  /** The program and its arguments, exactly as they would run (argv, no shell). */
  argv: Type.Array(Type.String()),
  /** Working directory inside the agent's workspace. */
  cwd: Type.String(),
  agentId: Type.String(),
  sessionKey: Type.String(),
  createdAtMs: Type.Integer(),
  /** Unanswered by then, it counts as denied. */
  expiresAtMs: Type.Integer(),
});

export const ExecDecisionSchema = Type.Union([Type.Literal('allow-once'), Type.Literal('allow-always'), Type.Literal('deny')]);

export const execApprovalListMethod = defineMethod({
  description: 'Exec approvals waiting for the owner.',
  scope: OperatorScopes.APPROVALS,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({ approvals: Type.Array(ExecApprovalSchema) }),
});

export const execApprovalGetMethod = defineMethod({
  description: 'One waiting exec approval.',
  scope: OperatorScopes.APPROVALS,
  params: Type.Object({ id: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  result: ExecApprovalSchema,
});

export const execApprovalResolveMethod = defineMethod({
  description: 'Answer an exec approval: allow-once runs it this time, allow-always also adds the program to tools.exec.allow, deny refuses it.',
  scope: OperatorScopes.APPROVALS,
  params: Type.Object({ id: Type.String({ minLength: 1 }), decision: ExecDecisionSchema }, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), id: Type.String(), decision: ExecDecisionSchema }),
});

export const execApprovalsGetMethod = defineMethod({
  description: 'The exec approval policy: whether programs outside the allow-list ask, the allow-list, and how long a question waits.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({ ask: Type.Union([Type.Literal('off'), Type.Literal('on-miss')]), allow: Type.Array(Type.String()), approvalTimeoutMs: Type.Integer() }),
});
