export { buildContainerName, resolveSandboxDecision, resolveSandboxMode, resolveSandboxWorkspaceDir, toolsAllowedWithoutBackend } from './decision.js';
export type { SandboxDecision, SandboxDecisionInput, SandboxMode, SandboxScope } from './decision.js';
export { buildDockerExecArgv, buildDockerRunArgv, DEFAULT_SANDBOX_IMAGE, detectDocker, SANDBOX_HARDENING_ARGS } from './docker.js';
export type { DockerRunOptions, WorkspaceAccess } from './docker.js';
