import { createHash } from 'node:crypto';
import path from 'node:path';

export type SandboxMode = 'off' | 'non-main' | 'all';
export type SandboxScope = 'agent' | 'session' | 'shared';

export interface SandboxDecisionInput {
  mode: SandboxMode;
  scope: SandboxScope;
  sessionKey: string;
  agentId: string;
  /** `agent:<id>:main` (or `global`): the owner's own session. */
  isMainSession: boolean;
  dockerAvailable: boolean;
}

export interface SandboxDecision {
  sandboxed: boolean;
  /** `none` with `sandboxed: true` means a sandbox is required but cannot run: drop runtime tools. */
  backend: 'docker' | 'none';
  containerName?: string;
  reason: string;
}

/** Pure: should this session's tools run in a sandbox, and which container. */
export function resolveSandboxDecision(input: SandboxDecisionInput): SandboxDecision {
  if (input.mode === 'off') return { sandboxed: false, backend: 'none', reason: 'sandbox mode is off' };
  if (input.mode === 'non-main' && input.isMainSession) return { sandboxed: false, backend: 'none', reason: 'main session runs on the host (mode non-main)' };
  const why = input.mode === 'all' ? 'mode all sandboxes every session' : 'mode non-main sandboxes every session except the main one';
  if (!input.dockerAvailable) {
    return { sandboxed: true, backend: 'none', reason: `${why}, but no sandbox backend is available (Docker not running): runtime tools are disabled` };
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
