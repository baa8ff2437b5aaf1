import { createHash } from 'node:crypto';
import path from 'node:path';

export type SandboxMode = 'off' | 'non-main' | 'all';
export type SandboxScope = 'agent' | 'session' | 'shared';

export interface SandboxDecisionInput {
  /** The configured mode; unset means the default (`resolveSandboxMode`). */
  mode?: SandboxMode;
  scope: SandboxScope;
  sessionKey: string;
  agentId: string;
  /** `agent:<id>:main` (or `global`): the owner's own session. */
  isMainSession: boolean;
  dockerAvailable: boolean;
  /** Docker detection has not finished yet (the first moments after start). */
  dockerPending?: boolean;
}

export interface SandboxDecision {
  sandboxed: boolean;
  /** `none` with `sandboxed: true` means a sandbox is required but cannot run: drop runtime tools. */
  backend: 'docker' | 'none';
  containerName?: string;
  reason: string;
}

/**
 * The mode when none is configured: `non-main` where a Docker engine runs, so sessions other than the owner's
 * run `exec` in a container; `off` where none does, so they keep host tools as before. While detection is still
 * running the answer is `non-main` (no host-side runtime tools for a moment rather than unsandboxed ones).
 */
export function resolveSandboxMode(input: Pick<SandboxDecisionInput, 'mode' | 'dockerAvailable' | 'dockerPending'>): SandboxMode {
  return input.mode ?? (input.dockerAvailable || input.dockerPending ? 'non-main' : 'off');
}

/** Pure: should this session's tools run in a sandbox, and which container. */
export function resolveSandboxDecision(input: SandboxDecisionInput): SandboxDecision {
  const mode = resolveSandboxMode(input);
  const implied = input.mode === undefined ? ' (the default where Docker runs)' : '';
  if (mode === 'off') return { sandboxed: false, backend: 'none', reason: input.mode === undefined ? 'sandbox mode is off (the default without a Docker engine)' : 'sandbox mode is off' };
  if (mode === 'non-main' && input.isMainSession) return { sandboxed: false, backend: 'none', reason: `main session runs on the host (mode non-main${implied})` };
  const why = mode === 'all' ? 'mode all sandboxes every session' : `mode non-main${implied} sandboxes every session except the main one`;
  if (!input.dockerAvailable) {
    const missing = input.dockerPending ? 'no sandbox backend is available yet (still looking for a Docker engine)' : 'no sandbox backend is available (Docker not running)';
    return { sandboxed: true, backend: 'none', reason: `${why}, but ${missing}: runtime tools are disabled` };
  }
  return { sandboxed: true, backend: 'docker', containerName: buildContainerName(input), reason: why };
}

/**
 * Tools that stay usable when a sandbox is required but no backend runs: everything except the ones that
 * execute code or write files (those would otherwise run on the host, unsandboxed).
 */
export function toolsAllowedWithoutBackend(name: string): boolean {
  return !RUNTIME_TOOLS.has(name.trim().toLowerCase());
}
const RUNTIME_TOOLS = new Set(['exec', 'browser', 'apply_patch', 'write', 'edit']);

/** Docker-safe container name per scope: `openclaw-sbx-agent-<id>`, `…-session-<slug>-<hash>`, `…-shared`. */
export function buildContainerName(input: Pick<SandboxDecisionInput, 'scope' | 'agentId' | 'sessionKey'>): string {
  const key = scopeKey(input);
  if (input.scope === 'shared') return 'openclaw-sbx-shared';
  // The slug keeps names readable; the hash keeps two keys that slug alike (`a:b` / `a-b`) apart.
  return `openclaw-sbx-${input.scope}-${slug(input.scope === 'agent' ? input.agentId : input.sessionKey)}-${hash8(key)}`;
}

/** Per-scope isolated workspace for `workspaceAccess: 'none'`: `<sandboxesRoot>/<containerName>`. */
export function resolveSandboxWorkspaceDir(sandboxesRoot: string, containerName: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(containerName)) throw new Error(`Invalid container name: ${containerName}`);
  return path.join(sandboxesRoot, containerName);
}

function scopeKey(input: Pick<SandboxDecisionInput, 'scope' | 'agentId' | 'sessionKey'>): string {
  return input.scope === 'agent' ? `agent:${input.agentId}` : input.scope === 'session' ? `session:${input.sessionKey}` : 'shared';
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 40).replace(/-+$/, '') || 'x';
}

function hash8(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 8);
}
