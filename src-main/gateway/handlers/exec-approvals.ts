import { existsSync } from 'node:fs';
import { UnknownExecApprovalError, type ExecApprovals } from '../../agents/exec-approvals.js';
import { ConfigError, editConfigFile } from '../../config/index.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';

export interface ExecApprovalHandlerDeps {
  approvals: ExecApprovals;
  config(): ResolvedConfig;
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** Apply the file now (the watcher would too, a little later). */
  reloadNow(): void;
  /** Hash of the config the gateway runs (the policy's version, as `exec.approvals.get` reports it). */
  appliedHash(): string;
}

/** `exec.approval.*`: the owner answers the exec tool's questions; `allow-always` adds the program to `tools.exec.allow`. */
export function execApprovalHandlers(deps: ExecApprovalHandlerDeps): Handlers {
  const known = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof UnknownExecApprovalError) throw new InvalidRequestError(err.message, { code: 'APPROVAL_NOT_FOUND' });
      throw err;
    }
  };
  return {
    'exec.approval.list': () => deps.approvals.list(),
    'exec.approval.get': (p) => {
      const a = known(() => deps.approvals.get(p.id));
      return { ...a, commandText: a.request.command, commandPreview: null, allowedDecisions: a.request.allowedDecisions, host: 'gateway' as const, nodeId: null };
    },
    'exec.approval.resolve': (p) => {
      const approval = known(() => deps.approvals.get(p.id));
      if (p.decision === 'allow-always') {
        const program = approval.argv[0]!;
        try {
          editConfigFile(deps.configPath, deps.env, (c) => {
            const allow = c.tools?.exec?.allow ?? [];
            return allow.includes(program) ? c : { ...c, tools: { ...c.tools, exec: { ...c.tools?.exec, allow: [...allow, program] } } };
          });
        } catch (err) {
          if (err instanceof ConfigError) throw new InvalidRequestError(`config rejected: ${err.message}`, { code: 'CONFIG_INVALID' });
          throw err;
        }
        deps.reloadNow();
      }
      deps.approvals.resolve(p.id, p.decision);
      return { ok: true, id: p.id, decision: p.decision };
    },
    'exec.approvals.get': () => {
      const exec = deps.config().tools?.exec;
      const ask = exec?.ask ?? 'off';
      const allow = [...(exec?.allow ?? [])];
      return {
        ask,
        allow,
        approvalTimeoutMs: (exec?.approvalTimeoutSeconds ?? 120) * 1000,
        path: deps.configPath,
        exists: existsSync(deps.configPath),
        hash: deps.appliedHash(),
        file: { version: 1 as const, defaults: { security: 'allowlist' as const, ask, askFallback: 'deny' as const }, agents: { '*': { allowlist: allow.map((pattern) => ({ pattern })) } } },
      };
    },
  };
}
