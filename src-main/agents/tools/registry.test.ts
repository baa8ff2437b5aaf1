import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createToolRegistry, HTTP_DEFAULT_DENY, resolveHttpToolDeny, resolveToolPolicy, runTool, TOOL_GROUPS, TOOL_RESULT_MAX_CHARS, toToolSpecs, type ToolPolicyLayer } from './registry.js';
import { makeToolFixture } from '../../../test-support/tool-context.js';
import { ToolDeniedError, type AgentTool } from './types.js';

const NAMES = ['read', 'write', 'edit', 'apply_patch', 'exec', 'web_fetch', 'browser', 'sessions_list', 'sessions_history', 'sessions_send', 'message', 'nodes', 'canvas'];

describe('createToolRegistry', () => {
  it('has every tool once, each in its group', () => {
    const tools = createToolRegistry();
    expect(tools.map((t) => t.name)).toEqual(NAMES);
    for (const t of tools) expect(TOOL_GROUPS[`group:${t.group}`]).toContain(t.name);
  });
  it('toToolSpecs emits plain JSON Schema', () => {
    const specs = toToolSpecs(createToolRegistry());
    const read = specs.find((s) => s.name === 'read')!;
    expect(read.inputSchema).toMatchObject({ type: 'object', required: ['path'], additionalProperties: false });
    expect(Object.getOwnPropertySymbols(read.inputSchema)).toEqual([]);
    expect(JSON.parse(JSON.stringify(specs))).toEqual(specs);
  });
});

// [layers, tool, allowed]
const POLICY: [ToolPolicyLayer[], string, boolean][] = [
  [[], 'exec', true],
  [[{}], 'exec', true],
  [[{ deny: ['exec'] }], 'exec', false],
  [[{ deny: ['exec'] }], 'read', true],
  [[{ allow: ['read'] }], 'read', true],
  [[{ allow: ['read'] }], 'write', false],
  [[{ allow: [] }], 'write', true],
  [[{ allow: ['group:fs'] }], 'apply_patch', true],
  [[{ allow: ['group:fs'] }], 'exec', false],
  [[{ allow: ['group:fs'], deny: ['write'] }], 'write', false],
  [[{ allow: ['write'] }, { deny: ['group:fs'] }], 'write', false], // deny in any layer wins
  [[{ deny: ['write'] }, { allow: ['write'] }], 'write', false],
  [[{ allow: ['group:fs', 'exec'] }, { allow: ['exec'] }], 'read', false], // later allow narrows
  [[{ allow: ['group:fs', 'exec'] }, { allow: ['exec'] }], 'exec', true],
  [[{ allow: ['sessions_*'] }], 'sessions_history', true],
  [[{ allow: ['sessions_*'] }], 'message', false],
  [[{ deny: ['group:sessions'] }], 'sessions_send', false],
  [[{ deny: ['group:runtime'] }], 'exec', false],
  [[{ deny: ['group:ui', 'group:web'] }], 'browser', false],
  [[{ deny: ['group:ui', 'group:web'] }], 'web_fetch', false],
  [[{ deny: ['group:messaging'] }], 'message', false],
  [[{ deny: ['EXEC'] }], 'exec', false],
  [[{ deny: ['exec'] }], ' Exec ', false],
  [[{ deny: HTTP_DEFAULT_DENY }], 'sessions_send', false],
  [[{ deny: HTTP_DEFAULT_DENY }], 'read', true],
  [[{ deny: HTTP_DEFAULT_DENY }], 'web_fetch', true],
];

describe('resolveToolPolicy', () => {
  it.each(POLICY)('%j: %s -> %s', (layers, tool, allowed) => {
    expect(resolveToolPolicy(layers)(tool)).toBe(allowed);
  });
  it('HTTP default deny covers the upstream list and our escalating tools (S5)', () => {
    for (const t of ['exec', 'spawn', 'shell', 'fs_write', 'fs_delete', 'fs_move', 'apply_patch', 'sessions_spawn', 'sessions_send', 'cron', 'gateway', 'nodes', 'write', 'edit', 'browser', 'message']) {
      expect(HTTP_DEFAULT_DENY).toContain(t);
    }
    const httpAllowed = resolveToolPolicy([{ deny: HTTP_DEFAULT_DENY }]);
    expect(NAMES.filter(httpAllowed)).toEqual(['read', 'web_fetch', 'sessions_list', 'sessions_history']);
  });
  it('resolveHttpToolDeny re-enables and adds exactly', () => {
    const deny = resolveHttpToolDeny({ allow: ['browser'], deny: ['web_fetch'] });
    expect(deny).not.toContain('browser');
    expect(deny).toContain('web_fetch');
    expect(deny).toContain('exec');
    expect(resolveHttpToolDeny({ allow: ['exe'] })).toContain('exec'); // exact names, never substrings
  });
});

describe('runTool', () => {
  const fx = makeToolFixture();
  const echo: AgentTool<{ n: number; s?: string }> = {
    name: 'echo_test',
    description: 'test',
    group: 'fs',
    schema: Type.Object({ n: Type.Integer(), s: Type.Optional(Type.String()) }, { additionalProperties: false }),
    async execute(p) {
      if (p.n === 1) throw new ToolDeniedError('nope', 'TEST_DENIED');
      if (p.n === 2) throw new Error('boom');
      return { content: p.s ?? 'ok' };
    },
  };
  const run = (params: unknown) => runTool(echo as AgentTool, params, fx.ctx());
  it('validates params first and lists every problem', async () => {
    const res = await run({ n: 'x', extra: true });
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/^Invalid parameters for echo_test:/);
    expect(res.content).toMatch(/\/n: Expected integer/);
    expect(res.content).toMatch(/extra|additional/i);
    expect((await run(undefined)).content).toMatch(/Invalid parameters/);
  });
  it('turns refusals and failures into isError results', async () => {
    expect(await run({ n: 1 })).toEqual({ isError: true, content: 'Denied: nope', details: { code: 'TEST_DENIED' } });
    expect(await run({ n: 2 })).toEqual({ isError: true, content: 'echo_test failed: boom' });
  });
  it('caps content at 32 KiB with a note', async () => {
    const res = await run({ n: 0, s: 'z'.repeat(100_000) });
    expect(res.content.length).toBe(TOOL_RESULT_MAX_CHARS);
    expect(res.content).toMatch(/\[truncated: 100000 characters, capped at 32 KiB\]$/);
  });
  it('refuses to start after abort', async () => {
    const ac = new AbortController();
    ac.abort();
    expect((await runTool(echo as AgentTool, { n: 0 }, fx.ctx({ signal: ac.signal }))).content).toMatch(/cancelled/);
  });
});
