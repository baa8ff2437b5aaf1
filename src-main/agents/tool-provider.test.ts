import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/index.js';
import type { AgentSettings } from './agent-config.js';
import { createDockerSandbox } from './sandbox/runner.js';
import { createToolProvider } from './tool-provider.js';

const agent = (over: Partial<AgentSettings> = {}): AgentSettings => ({
  agentId: 'main',
  name: 'main',
  isDefault: true,
  workspace: tmpdir(),
  modelRefs: [],
  toolPolicy: [],
  sandbox: { mode: 'non-main', scope: 'session', workspaceAccess: 'none' },
  maxSteps: 10,
  timeoutMs: 1000,
  ...over,
});

describe('tools per session', () => {
  it('non-main sandboxing without Docker: the main session keeps host tools, other sessions lose runtime and write tools', async () => {
    const sandbox = createDockerSandbox({ sandboxesRoot: tmpdir(), log: createLogger('test/tools'), dockerPath: '/nonexistent/docker' });
    await sandbox.ready;
    const provider = createToolProvider({ sandbox });
    const main = provider.forSession(agent(), 'agent:main:main').tools.map((t) => t.name);
    const group = provider.forSession(agent(), 'agent:main:telegram:group:-100').tools.map((t) => t.name);
    expect(main).toEqual(expect.arrayContaining(['exec', 'write', 'edit', 'apply_patch', 'browser', 'read']));
    expect(group).toEqual(expect.arrayContaining(['read', 'web_fetch', 'sessions_list']));
    expect(group).not.toEqual(expect.arrayContaining(['exec']));
    for (const name of ['exec', 'write', 'edit', 'apply_patch', 'browser']) expect(group).not.toContain(name);
  });

  it('applies tools.allow / tools.deny with groups, global then per agent', () => {
    const provider = createToolProvider({});
    const names = (policy: AgentSettings['toolPolicy']) => provider.forSession(agent({ toolPolicy: policy, sandbox: { mode: 'off', scope: 'agent', workspaceAccess: 'none' } }), 'agent:main:main').tools.map((t) => t.name);
    expect(names([{ allow: ['group:fs'] }, {}]).sort()).toEqual(['apply_patch', 'edit', 'read', 'write']);
    expect(names([{}, { deny: ['group:runtime', 'browser'] }])).not.toEqual(expect.arrayContaining(['exec']));
    expect(names([{ allow: ['group:fs', 'exec'] }, { deny: ['write'] }]).sort()).toEqual(['apply_patch', 'edit', 'exec', 'read']);
  });
});
