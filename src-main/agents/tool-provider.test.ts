import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '../logging/index.js';
import type { AgentSettings } from './agent-config.js';
import { createDockerSandbox } from './sandbox/runner.js';
import { createToolProvider } from './tool-provider.js';
import type { ToolContext } from './tools/types.js';

const FAKE_DOCKER = fileURLToPath(new URL('../../test-support/fake-docker.mjs', import.meta.url));

/** A logger that keeps its lines and writes nowhere. */
function quietLogger(): Logger & { lines: { msg: string; fields: LogFields }[] } {
  const lines: { msg: string; fields: LogFields }[] = [];
  const at = (msg: string, fields: LogFields = {}) => void lines.push({ msg, fields });
  const log = { lines, fatal: at, error: at, warn: at, info: at, debug: at, trace: at, child: () => log, isLevelEnabled: () => true };
  return log;
}

let dir: string;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'oc-provider-')));
  mkdirSync(join(dir, 'ws'));
  writeFileSync(join(dir, 'ws', 'hello.txt'), 'hi');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const agent = (over: Partial<AgentSettings> = {}): AgentSettings => ({
  agentId: 'main',
  name: 'main',
  isDefault: true,
  workspace: join(dir, 'ws'),
  modelRefs: [],
  toolPolicy: [],
  sandbox: { mode: 'non-main', scope: 'session', workspaceAccess: 'none' },
  maxSteps: 10,
  timeoutMs: 1000,
  ...over,
});
/** What agent-config resolves when `sandbox.mode` is not configured. */
const unconfigured = { scope: 'agent', workspaceAccess: 'rw' } as const;
const names = (tools: { name: string }[]) => tools.map((t) => t.name);
const ctxFor = (over: Partial<ToolContext> = {}): ToolContext => ({
  agentId: 'main',
  sessionKey: 'agent:main:main',
  workspace: join(dir, 'ws'),
  signal: new AbortController().signal,
  execAllow: ['ls'],
  execTimeoutMs: 10_000,
  webAllowPrivate: false,
  webMaxBytes: 1000,
  services: {},
  ...over,
});

/** A `docker` on disk running the stand-in CLI, with its bookkeeping paths baked in. */
function fakeDocker(name: string): { path: string; calls: () => string[][] } {
  const log = join(dir, `${name}.log`);
  const path = join(dir, `docker-${name}`);
  writeFileSync(path, `#!/bin/sh\nFAKE_DOCKER_LOG='${log}' FAKE_DOCKER_STATE='${join(dir, `${name}.json`)}' exec '${process.execPath}' '${FAKE_DOCKER}' "$@"\n`, { mode: 0o755 });
  return { path, calls: () => readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) };
}

describe('tools per session', () => {
  it('non-main sandboxing without Docker: the main session keeps host tools, other sessions lose runtime and write tools', async () => {
    const sandbox = createDockerSandbox({ sandboxesRoot: join(dir, 'sbx'), log: quietLogger(), dockerPath: '/nonexistent/docker' });
    await sandbox.ready;
    const provider = createToolProvider({ sandbox });
    const main = names(provider.forSession(agent(), 'agent:main:main').tools);
    const group = names(provider.forSession(agent(), 'agent:main:telegram:group:-100').tools);
    expect(main).toEqual(expect.arrayContaining(['exec', 'write', 'edit', 'apply_patch', 'browser', 'read']));
    expect(group).toEqual(expect.arrayContaining(['read', 'web_fetch', 'sessions_list']));
    for (const name of ['exec', 'write', 'edit', 'apply_patch', 'browser']) expect(group).not.toContain(name);
  });

  it('applies tools.allow / tools.deny with groups, global then per agent', () => {
    const provider = createToolProvider({});
    const of = (policy: AgentSettings['toolPolicy']) => names(provider.forSession(agent({ toolPolicy: policy, sandbox: { mode: 'off', scope: 'agent', workspaceAccess: 'none' } }), 'agent:main:main').tools);
    expect(of([{ allow: ['group:fs'] }, {}]).sort()).toEqual(['apply_patch', 'edit', 'read', 'write']);
    expect(of([{}, { deny: ['group:runtime', 'browser'] }])).not.toEqual(expect.arrayContaining(['exec']));
    expect(of([{ allow: ['group:fs', 'exec'] }, { deny: ['write'] }]).sort()).toEqual(['apply_patch', 'edit', 'exec', 'read']);
  });
});

describe('sandbox mode not configured', () => {
  it('where Docker runs, non-main sessions run exec in a container over the agent workspace; the main session stays on the host', async () => {
    const docker = fakeDocker('present');
    const sandbox = createDockerSandbox({ sandboxesRoot: join(dir, 'sbx'), log: quietLogger(), dockerPath: docker.path });
    expect(await sandbox.ready).toBe(true);
    const provider = createToolProvider({ sandbox, stateDir: join(dir, 'state') });
    const main = provider.forSession(agent({ sandbox: unconfigured }), 'agent:main:main');
    expect(main.sandbox).toBeUndefined();
    const group = provider.forSession(agent({ sandbox: unconfigured }), 'agent:main:telegram:group:-100');
    expect(group.sandbox).toMatchObject({ hostWorkspace: join(dir, 'ws'), containerWorkdir: '/workspace', readOnly: false });
    expect(names(group.tools)).toEqual(expect.arrayContaining(['exec', 'write', 'read']));
    const exec = group.tools.find((t) => t.name === 'exec')!;
    const res = await provider.run(exec, { argv: ['ls'] }, ctxFor({ sessionKey: 'agent:main:telegram:group:-100', sandbox: group.sandbox }));
    expect(res.content).toContain('hello.txt');
    expect(docker.calls().filter((c) => c[0] === 'exec')).toEqual([['exec', '-w', '/workspace', group.sandbox!.container, 'ls']]);
  });

  it('without Docker, every session keeps host tools as before', async () => {
    const sandbox = createDockerSandbox({ sandboxesRoot: join(dir, 'sbx'), log: quietLogger(), dockerPath: '/nonexistent/docker' });
    await sandbox.ready;
    const provider = createToolProvider({ sandbox });
    const group = provider.forSession(agent({ sandbox: unconfigured }), 'agent:main:telegram:group:-100');
    expect(group.sandbox).toBeUndefined();
    expect(names(group.tools)).toEqual(expect.arrayContaining(['exec', 'write']));
  });

  it('while Docker detection runs, non-main sessions get no host-side runtime tools', () => {
    const sandbox = createDockerSandbox({ sandboxesRoot: join(dir, 'sbx'), log: quietLogger(), dockerPath: fakeDocker('slow').path });
    expect(sandbox.pending()).toBe(true);
    const provider = createToolProvider({ sandbox });
    expect(names(provider.forSession(agent({ sandbox: unconfigured }), 'agent:main:telegram:group:-100').tools)).not.toContain('exec');
    expect(names(provider.forSession(agent({ sandbox: unconfigured }), 'agent:main:main').tools)).toContain('exec');
    return sandbox.ready;
  });
});

describe('provider.run', () => {
  it('writes one audit line per call and keeps exec away from the state dir it was given', async () => {
    const log = quietLogger();
    const provider = createToolProvider({ log, stateDir: join(dir, 'ws', 'state') });
    const exec = provider.all.find((t) => t.name === 'exec')!;
    const res = await provider.run(exec, { argv: ['ls'] }, ctxFor());
    expect(res.details).toEqual({ code: 'EXEC_STATE_DIR' });
    expect(log.lines).toEqual([{ msg: 'tool call', fields: expect.objectContaining({ tool: 'exec', argv: 'ls', outcome: 'denied', code: 'EXEC_STATE_DIR' }) }]);
  });
});
