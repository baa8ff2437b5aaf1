import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

export const ExecDecisionSchema = Type.Union([Type.Literal('allow-once'), Type.Literal('allow-always'), Type.Literal('deny')]);

/** The command as a person reads it: arguments with spaces or quotes (or empty) shown quoted. */
export const execCommandText = (argv: readonly string[]) => argv.map((a) => (/[\s"']/.test(a) || a === '' ? JSON.stringify(a) : a)).join(' ');

/** The question as the reference clients read it (`request.command` is what they show). */
export const ExecApprovalRequestSchema = Type.Object({
  command: Type.String(),
  commandArgv: Type.Array(Type.String()),
  cwd: Type.String(),
  agentId: Type.String(),
  sessionKey: Type.String(),
  /** Where it runs: on the gateway's own host. */
  host: Type.Literal('gateway'),
  allowedDecisions: Type.Array(ExecDecisionSchema),
});

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
  request: ExecApprovalRequestSchema,
  approvalKind: Type.Literal('exec'),
});

export const execApprovalListMethod = defineMethod({
  description: 'Exec approvals waiting for the owner, oldest first (a list, as the reference clients read it).',
  scope: OperatorScopes.APPROVALS,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Array(ExecApprovalSchema),
});

export const execApprovalGetMethod = defineMethod({
  description: 'One waiting exec approval.',
  scope: OperatorScopes.APPROVALS,
  params: Type.Object({ id: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  /** The approval, plus the summary fields the reference's `exec.approval.get` answers with. */
  result: Type.Intersect([
    ExecApprovalSchema,
    Type.Object({ commandText: Type.String(), commandPreview: Type.Null(), allowedDecisions: Type.Array(ExecDecisionSchema), host: Type.Literal('gateway'), nodeId: Type.Null() }),
  ]),
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
  result: Type.Object({
    ask: Type.Union([Type.Literal('off'), Type.Literal('on-miss')]),
    allow: Type.Array(Type.String()),
    approvalTimeoutMs: Type.Integer(),
    /** The same policy as the reference clients read it: where it is kept (the config file), its hash, and as their approvals file. */
    path: Type.String(),
    exists: Type.Boolean(),
    hash: Type.String(),
    file: Type.Object({
      version: Type.Literal(1),
      /** Only allow-listed programs run; others ask the owner (`on-miss`) or fail (`off`); an unanswered question is denied. */
      defaults: Type.Object({ security: Type.Literal('allowlist'), ask: Type.Union([Type.Literal('off'), Type.Literal('on-miss')]), askFallback: Type.Literal('deny') }),
      /** The allow-list holds for every agent (`*`). */
      agents: Type.Record(Type.String(), Type.Object({ allowlist: Type.Array(Type.Object({ pattern: Type.String() })) })),
    }),
  }),
});
