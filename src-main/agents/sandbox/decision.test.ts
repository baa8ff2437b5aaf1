import { describe, expect, it } from 'vitest';
import { buildContainerName, resolveSandboxDecision, resolveSandboxMode, resolveSandboxWorkspaceDir, toolsAllowedWithoutBackend, type SandboxDecisionInput } from './decision.js';

const base: SandboxDecisionInput = { mode: 'off', scope: 'agent', sessionKey: 'agent:main:main', agentId: 'main', isMainSession: true, dockerAvailable: true };

// [mode, isMainSession, dockerAvailable] -> [sandboxed, backend]
const TABLE: [SandboxDecisionInput['mode'], boolean, boolean, boolean, 'docker' | 'none'][] = [
  ['off', true, true, false, 'none'],
  ['off', false, true, false, 'none'],
  ['off', false, false, false, 'none'],
  ['non-main', true, true, false, 'none'],
  ['non-main', true, false, false, 'none'],
  ['non-main', false, true, true, 'docker'],
  ['non-main', false, false, true, 'none'],
  ['all', true, true, true, 'docker'],
  ['all', false, true, true, 'docker'],
  ['all', true, false, true, 'none'],
  ['all', false, false, true, 'none'],
];

describe('resolveSandboxDecision', () => {
  it.each(TABLE)('mode=%s main=%s docker=%s -> sandboxed=%s backend=%s', (mode, isMainSession, dockerAvailable, sandboxed, backend) => {
    const d = resolveSandboxDecision({ ...base, mode, isMainSession, dockerAvailable, sessionKey: isMainSession ? 'agent:main:main' : 'agent:main:telegram:group:42' });
    expect(d.sandboxed).toBe(sandboxed);
    expect(d.backend).toBe(backend);
    expect(d.containerName !== undefined).toBe(backend === 'docker');
    expect(d.reason).not.toBe('');
    if (sandboxed && backend === 'none') expect(d.reason).toMatch(/no sandbox backend is available.*runtime tools are disabled/);
  });

  // Mode not configured: [main, docker, pending] -> [sandboxed, backend]
  it.each([
    [false, true, false, true, 'docker'],
    [true, true, false, false, 'none'],
    [false, false, false, false, 'none'],
    [true, false, false, false, 'none'],
    [false, false, true, true, 'none'],
    [true, false, true, false, 'none'],
  ] as const)('default mode: main=%s docker=%s pending=%s -> sandboxed=%s backend=%s', (isMainSession, dockerAvailable, dockerPending, sandboxed, backend) => {
    const d = resolveSandboxDecision({ ...base, mode: undefined, isMainSession, dockerAvailable, dockerPending, sessionKey: isMainSession ? 'agent:main:main' : 'agent:main:telegram:group:42' });
    expect([d.sandboxed, d.backend]).toEqual([sandboxed, backend]);
    if (dockerPending && sandboxed) expect(d.reason).toMatch(/still looking for a Docker engine/);
    if (!dockerAvailable && !dockerPending) expect(d.reason).toMatch(/default without a Docker engine/);
  });

  it('resolveSandboxMode: a configured mode always wins', () => {
    expect(resolveSandboxMode({ mode: 'off', dockerAvailable: true })).toBe('off');
    expect(resolveSandboxMode({ mode: 'all', dockerAvailable: false })).toBe('all');
    expect(resolveSandboxMode({ dockerAvailable: true })).toBe('non-main');
    expect(resolveSandboxMode({ dockerAvailable: false })).toBe('off');
  });

  it('names containers per scope', () => {
    const a = { agentId: 'Main', sessionKey: 'agent:main:telegram:dm:1' };
    expect(buildContainerName({ ...a, scope: 'shared' })).toBe('openclaw-sbx-shared');
    expect(buildContainerName({ ...a, scope: 'agent' })).toMatch(/^openclaw-sbx-agent-main-[0-9a-f]{8}$/);
    expect(buildContainerName({ ...a, scope: 'session' })).toMatch(/^openclaw-sbx-session-agent-main-telegram-dm-1-[0-9a-f]{8}$/);
    expect(buildContainerName({ ...a, scope: 'agent' })).toBe(buildContainerName({ ...a, sessionKey: 'other', scope: 'agent' }));
    expect(buildContainerName({ ...a, scope: 'session' })).not.toBe(buildContainerName({ ...a, sessionKey: 'agent-main-telegram-dm-1', scope: 'session' }));
    for (const name of [buildContainerName({ agentId: '../..', sessionKey: '', scope: 'agent' }), buildContainerName({ agentId: 'x', sessionKey: '::', scope: 'session' })]) {
      expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
    }
  });

  it('resolveSandboxWorkspaceDir stays under the root', () => {
    expect(resolveSandboxWorkspaceDir('/home/u/.openclaw/sandboxes', 'openclaw-sbx-shared')).toBe('/home/u/.openclaw/sandboxes/openclaw-sbx-shared');
    expect(() => resolveSandboxWorkspaceDir('/r', '../x')).toThrow();
  });
});

describe('toolsAllowedWithoutBackend', () => {
  it.each([
    ['exec', false], ['browser', false], ['apply_patch', false], ['write', false], ['edit', false],
    ['read', true], ['web_fetch', true], ['sessions_list', true], ['message', true],
  ] as const)('%s -> %s', (name, allowed) => expect(toolsAllowedWithoutBackend(name)).toBe(allowed));
});
