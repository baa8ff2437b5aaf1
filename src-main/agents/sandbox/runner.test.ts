import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../logging/index.js';
import { execTool } from '../tools/exec.js';
import type { ToolContext } from '../tools/types.js';
import { resolveSandboxDecision } from './decision.js';
import { createDockerSandbox } from './runner.js';

const FAKE_DOCKER = fileURLToPath(new URL('../../../test-support/fake-docker.mjs', import.meta.url));

describe('Docker sandbox runner (against a stand-in docker CLI)', () => {
  it('starts the container once with the hardened argv, then runs exec through docker exec in the mapped cwd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-sbx-'));
    const log = join(dir, 'calls.log');
    // A `docker` on disk with its bookkeeping paths baked in: the runner passes no test settings through.
    const dockerPath = join(dir, 'docker');
    writeFileSync(dockerPath, `#!/bin/sh\nFAKE_DOCKER_LOG='${log}' FAKE_DOCKER_STATE='${join(dir, 'state.json')}' exec '${process.execPath}' '${FAKE_DOCKER}' "$@"\n`, { mode: 0o755 });
    const workspace = join(dir, 'ws');
    mkdirSync(join(workspace, 'sub'), { recursive: true });
    writeFileSync(join(workspace, 'sub', 'hello.txt'), 'hi');
    const sandbox = createDockerSandbox({ sandboxesRoot: join(dir, 'sandboxes'), log: createLogger('test/sandbox'), dockerPath });
    expect(await sandbox.ready).toBe(true);
    const decision = resolveSandboxDecision({ mode: 'all', scope: 'session', sessionKey: 'agent:main:telegram:direct:1', agentId: 'main', isMainSession: false, dockerAvailable: sandbox.available() });
    const runtime = sandbox.runtimeFor(decision, workspace, 'rw')!;
    expect(runtime).toMatchObject({ hostWorkspace: workspace, containerWorkdir: '/workspace', readOnly: false });
    const ctx: ToolContext = {
      agentId: 'main',
      sessionKey: 'agent:main:telegram:direct:1',
      workspace: runtime.hostWorkspace,
      signal: new AbortController().signal,
      execAllow: ['ls'],
      execTimeoutMs: 10_000,
      webAllowPrivate: false,
      webMaxBytes: 1000,
      services: {},
      sandbox: runtime,
    };
    const first = await execTool.execute({ argv: ['ls'], cwd: 'sub' } as never, ctx);
    expect(first.content).toContain('hello.txt');
    await execTool.execute({ argv: ['ls'] } as never, ctx);
    await expect(execTool.execute({ argv: ['cat', '/etc/passwd'] } as never, ctx)).rejects.toThrow(/not allowed/);
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    const runs = calls.filter((c) => c[0] === 'run');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toEqual(expect.arrayContaining(['--network', 'none', '--read-only', '--cap-drop', 'ALL', '-v', `${workspace}:/workspace:rw`]));
    expect(calls.filter((c) => c[0] === 'exec').map((c) => c.slice(1))).toEqual([
      ['-w', '/workspace/sub', runtime.container, 'ls'],
      ['-w', '/workspace', runtime.container, 'ls'],
    ]);
  });

  it('without an engine nothing is sandbox-capable and no runtime is handed out', async () => {
    const sandbox = createDockerSandbox({ sandboxesRoot: tmpdir(), log: createLogger('test/sandbox'), dockerPath: '/nonexistent/docker' });
    expect(await sandbox.ready).toBe(false);
    const decision = resolveSandboxDecision({ mode: 'all', scope: 'agent', sessionKey: 'k', agentId: 'main', isMainSession: false, dockerAvailable: sandbox.available() });
    expect(decision).toMatchObject({ sandboxed: true, backend: 'none' });
    expect(sandbox.runtimeFor(decision, tmpdir(), 'rw')).toBeUndefined();
  });
});
