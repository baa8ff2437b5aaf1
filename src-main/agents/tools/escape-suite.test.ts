import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPatchTool } from './apply-patch.js';
import { execTool } from './exec.js';
import { editTool, readTool, writeTool } from './fs-tools.js';
import { runTool } from './registry.js';
import { makeToolFixture, type ToolSandboxFixture } from '../../../test-support/tool-context.js';
import type { AgentTool } from './types.js';

// S9: no file-bearing parameter of any tool reaches outside the workspace root.
let fx: ToolSandboxFixture;
beforeEach(() => {
  fx = makeToolFixture();
  writeFileSync(path.join(fx.outside, 'secret.txt'), 'SECRET\n');
  mkdirSync(path.join(fx.root, 'ws-evil'));
  writeFileSync(path.join(fx.root, 'ws-evil', 'secret.txt'), 'SECRET\n');
  mkdirSync(path.join(fx.workspace, 'sub'));
  symlinkSync(path.join(fx.outside, 'secret.txt'), path.join(fx.workspace, 'link-file'));
  symlinkSync(fx.outside, path.join(fx.workspace, 'link-dir'));
  symlinkSync(fx.outside, path.join(fx.workspace, 'sub', 'parent-link'));
});
afterEach(() => fx.cleanup());

const ESCAPES: [string, (fx: ToolSandboxFixture) => string][] = [
  ['../', () => '../outside/secret.txt'],
  ['..\\', () => '..\\outside\\secret.txt'],
  ['absolute /etc/passwd', () => '/etc/passwd'],
  ['absolute outside', (f) => path.join(f.outside, 'secret.txt')],
  ['symlink to outside file', () => 'link-file'],
  ['symlink to outside dir', () => 'link-dir/secret.txt'],
  ['symlinked parent', () => 'sub/parent-link/secret.txt'],
  ['double-encoded', () => '%252e%252e%252foutside%252fsecret.txt'],
  ['triple-encoded', () => '%25252e%25252e%25252foutside%25252fsecret.txt'],
  ['NUL byte', () => 'sub/x.txt\0../../outside/secret.txt'],
  ['sibling-prefix dir', () => '../ws-evil/secret.txt'],
  ['sibling-prefix dir, absolute', (f) => `${f.workspace}-evil/secret.txt`],
];

function patchFor(kind: 'add' | 'update' | 'delete' | 'move', p: string): string {
  if (kind === 'add') return `*** Begin Patch\n*** Add File: ${p}\n+pwned\n*** End Patch`;
  if (kind === 'delete') return `*** Begin Patch\n*** Delete File: ${p}\n*** End Patch`;
  if (kind === 'move') return `*** Begin Patch\n*** Update File: inside.txt\n*** Move to: ${p}\n@@\n-inside\n+pwned\n*** End Patch`;
  return `*** Begin Patch\n*** Update File: ${p}\n@@\n-SECRET\n+pwned\n*** End Patch`;
}

const CALLS: [string, AgentTool<never>, (p: string) => unknown][] = [
  ['read', readTool, (p) => ({ path: p })],
  ['write', writeTool, (p) => ({ path: p, content: 'pwned' })],
  ['edit', editTool, (p) => ({ path: p, oldText: 'SECRET', newText: 'pwned' })],
  ['apply_patch add', applyPatchTool, (p) => ({ input: patchFor('add', p) })],
  ['apply_patch update', applyPatchTool, (p) => ({ input: patchFor('update', p) })],
  ['apply_patch delete', applyPatchTool, (p) => ({ input: patchFor('delete', p) })],
  ['apply_patch move', applyPatchTool, (p) => ({ input: patchFor('move', p) })],
  ['exec cwd', execTool, (p) => ({ argv: ['cat', 'secret.txt'], cwd: path.dirname(p) === '.' ? p : path.dirname(p) })],
];

describe.each(CALLS)('%s', (_label, tool, params) => {
  it.each(ESCAPES)('refuses %s', async (_name, pathOf) => {
    writeFileSync(path.join(fx.workspace, 'inside.txt'), 'inside\n');
    const before = snapshotOutside(fx);
    const res = await runTool(tool as AgentTool, params(pathOf(fx)), fx.ctx({ execAllow: ['cat'] }));
    expect(res.isError).toBe(true);
    expect(res.content).not.toContain('SECRET');
    expect(res.content).toMatch(/Denied|not a directory|No such/);
    expect(snapshotOutside(fx)).toEqual(before);
    expect(readFileSync(path.join(fx.workspace, 'inside.txt'), 'utf8')).toBe('inside\n');
  });
});

function snapshotOutside(f: ToolSandboxFixture): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of [f.outside, path.join(f.root, 'ws-evil'), '/etc']) {
    if (dir === '/etc') {
      out['/etc/passwd'] = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : '';
      continue;
    }
    for (const name of readdirSync(dir)) out[path.join(dir, name)] = readFileSync(path.join(dir, name), 'utf8');
  }
  return out;
}
