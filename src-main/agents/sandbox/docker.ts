import { execFile } from 'node:child_process';
import path from 'node:path';

export const DEFAULT_SANDBOX_IMAGE = 'openclaw-sandbox:bookworm-slim';
export type WorkspaceAccess = 'none' | 'ro' | 'rw';

export interface DockerRunOptions {
  image: string;
  containerName: string;
  /** Host agent workspace (absolute). Mounted for `ro` (at /agent) and `rw` (at /workspace). */
  workspace: string;
  workspaceAccess: WorkspaceAccess;
  /** Host per-scope isolated dir (absolute), mounted at /workspace for `none`. */
  sandboxWorkspace: string;
}

/** Hardening flags every sandbox container gets. */
export const SANDBOX_HARDENING_ARGS: readonly string[] = [
  '--network', 'none',
  '--read-only',
  '--cap-drop', 'ALL',
  '--security-opt', 'no-new-privileges',
  '--pids-limit', '256',
  '--memory', '512m',
  '--tmpfs', '/tmp',
];

/** argv for a long-lived sandbox container (`docker run -d … sleep infinity`); commands then go through `docker exec`. */
export function buildDockerRunArgv(opts: DockerRunOptions): string[] {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(opts.containerName)) throw new Error(`Invalid container name: ${opts.containerName}`);
  const mount = (host: string, target: string, mode: 'ro' | 'rw') => {
    // `-v` splits on ':'; a host path with one (or relative) would mount something else.
    if (!path.isAbsolute(host) || host.includes(':') || host.includes(',')) throw new Error(`Unsafe mount source: ${host}`);
    return `${host}:${target}:${mode}`;
  };
  const [volume, workdir] =
    opts.workspaceAccess === 'ro'
      ? [mount(opts.workspace, '/agent', 'ro'), '/agent']
      : opts.workspaceAccess === 'rw'
        ? [mount(opts.workspace, '/workspace', 'rw'), '/workspace']
        : [mount(opts.sandboxWorkspace, '/workspace', 'rw'), '/workspace'];
  return [
    'docker', 'run', '-d',
    '--name', opts.containerName,
    '--label', 'openclaw.sandbox=1',
    ...SANDBOX_HARDENING_ARGS,
    '-v', volume,
    '-w', workdir,
    opts.image,
    'sleep', 'infinity',
  ];
}

/** argv to run one command in the sandbox container; `cwd` is a path inside the container. */
export function buildDockerExecArgv(container: string, argv: readonly string[], cwd: string): string[] {
  if (argv.length === 0) throw new Error('argv is empty');
  if (!cwd.startsWith('/')) throw new Error(`Container cwd must be absolute: ${cwd}`);
  return ['docker', 'exec', '-w', cwd, container, ...argv];
}

/**
 * True when a Docker engine answers `docker version` within the timeout. Runs without a shell; any failure
 * (no CLI, no daemon, timeout) is false.
 */
export function detectDocker(opts: { dockerPath?: string; timeoutMs?: number } = {}): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      opts.dockerPath ?? 'docker',
      ['version', '--format', '{{.Server.Version}}'],
      { shell: false, timeout: opts.timeoutMs ?? 3000, windowsHide: true, killSignal: 'SIGKILL' },
      (err, stdout) => resolve(!err && String(stdout).trim() !== ''),
    );
  });
}
