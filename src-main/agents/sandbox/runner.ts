import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Logger } from '../../logging/index.js';
import type { SandboxRuntime } from '../tools/types.js';
import { resolveSandboxWorkspaceDir, type SandboxDecision } from './decision.js';
import { DEFAULT_SANDBOX_IMAGE, buildDockerExecArgv, buildDockerRunArgv, detectDocker, type WorkspaceAccess } from './docker.js';

function docker(dockerPath: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(dockerPath, args, { shell: false, timeout: timeoutMs, windowsHide: true, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

export interface DockerSandboxOptions {
  sandboxesRoot: string;
  log: Logger;
  dockerPath?: string;
  image?: string;
}

/**
 * The Docker backend: finds out once (in the background) whether an engine
 * runs, and gives sandboxed sessions a container (started on first use, one
 * per agent/session/shared scope) whose commands run through `docker exec`.
 */
export function createDockerSandbox(opts: DockerSandboxOptions) {
  const dockerPath = opts.dockerPath ?? 'docker';
  let available = false;
  let pending = true;
  const detected = detectDocker({ dockerPath }).then((ok) => {
    available = ok;
    pending = false;
    opts.log.info(ok ? 'Docker found: sandboxed sessions run their tools in containers' : 'no Docker engine: sandboxed sessions get no runtime tools');
    return ok;
  });
  const starting = new Map<string, Promise<void>>();

  const ensureContainer = (name: string, runArgv: string[]): Promise<void> => {
    let p = starting.get(name);
    if (!p) {
      p = (async () => {
        const state = await docker(dockerPath, ['inspect', '-f', '{{.State.Running}}', name], 10_000);
        if (state.ok && state.stdout.trim() === 'true') return;
        if (state.ok) await docker(dockerPath, ['rm', '-f', name], 30_000);
        const run = await docker(dockerPath, runArgv.slice(1), 120_000);
        if (!run.ok) throw new Error(`could not start sandbox container ${name}: ${run.stderr.trim().split('\n').at(-1) ?? 'docker run failed'}`);
        opts.log.info('sandbox container started', { container: name });
      })();
      starting.set(name, p);
      // A failed start is retried on the next use.
      p.catch(() => starting.delete(name));
    }
    return p;
  };

  return {
    /** Resolves once detection has finished (tests and start-up diagnostics). */
    ready: detected,
    available: () => available,
    /** Detection has not finished yet. */
    pending: () => pending,
    /** The runtime for a sandboxed session: where its file tools work on the host, and how to run commands. */
    runtimeFor(decision: SandboxDecision, agentWorkspace: string, access: WorkspaceAccess): SandboxRuntime | undefined {
      if (!decision.sandboxed || decision.backend !== 'docker' || !decision.containerName) return undefined;
      const name = decision.containerName;
      const sandboxWorkspace = resolveSandboxWorkspaceDir(opts.sandboxesRoot, name);
      if (access === 'none') mkdirSync(sandboxWorkspace, { recursive: true, mode: 0o700 });
      const runArgv = buildDockerRunArgv({ image: opts.image ?? DEFAULT_SANDBOX_IMAGE, containerName: name, workspace: agentWorkspace, workspaceAccess: access, sandboxWorkspace });
      return {
        container: name,
        hostWorkspace: access === 'none' ? sandboxWorkspace : agentWorkspace,
        containerWorkdir: access === 'ro' ? '/agent' : '/workspace',
        readOnly: access === 'ro',
        async execArgv(argv, cwdInContainer) {
          await ensureContainer(name, runArgv);
          return { file: dockerPath, args: buildDockerExecArgv(name, argv, cwdInContainer).slice(1) };
        },
      };
    },
  };
}

export type DockerSandbox = ReturnType<typeof createDockerSandbox>;
