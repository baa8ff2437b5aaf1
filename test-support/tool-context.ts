import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ToolContext } from '../src-main/agents/tools/types.js';

/** Test fixture: a temp dir holding `ws/` (the workspace) and `outside/` (a sibling that must stay unreachable). */
export interface ToolSandboxFixture {
  root: string;
  workspace: string;
  outside: string;
  ctx(overrides?: Partial<ToolContext>): ToolContext;
  cleanup(): void;
}

export function makeToolFixture(): ToolSandboxFixture {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'openclaw-tools-')));
  const workspace = path.join(root, 'ws');
  const outside = path.join(root, 'outside');
  mkdirSync(workspace);
  mkdirSync(outside);
  return {
    root,
    workspace,
    outside,
    ctx: (overrides = {}) => ({
      agentId: 'main',
      sessionKey: 'agent:main:main',
      workspace,
      signal: new AbortController().signal,
      execAllow: [],
      execTimeoutMs: 10_000,
      webAllowPrivate: false,
      webMaxBytes: 1024 * 1024,
      services: {},
      ...overrides,
    }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
