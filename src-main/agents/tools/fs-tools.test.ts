import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyHunks, applyPatchTool, parsePatch } from './apply-patch.js';
import { editTool, READ_MAX_BYTES, readTool, writeTool } from './fs-tools.js';
import { runTool } from './registry.js';
import { makeToolFixture, type ToolSandboxFixture } from '../../../test-support/tool-context.js';
import type { AgentTool } from './types.js';

let fx: ToolSandboxFixture;
beforeEach(() => {
  fx = makeToolFixture();
});
afterEach(() => fx.cleanup());
const ws = (p: string) => path.join(fx.workspace, p);
const run = (tool: AgentTool<never>, params: unknown) => runTool(tool as AgentTool, params, fx.ctx());

describe('read', () => {
  it('reads a file, with offset and limit in lines', async () => {
    writeFileSync(ws('a.txt'), 'one\ntwo\nthree\nfour\n');
    expect((await run(readTool, { path: 'a.txt' })).content).toBe('one\ntwo\nthree\nfour');
    const part = await run(readTool, { path: 'a.txt', offset: 2, limit: 2 });
    expect(part.content).toContain('two\nthree');
    expect(part.content).toContain('continue with offset=4');
  });
  it('caps output at 256 KiB with a note', async () => {
    writeFileSync(ws('big.txt'), `${'x'.repeat(1023)}\n`.repeat(400));
    const res = await readTool.execute({ path: 'big.txt' }, fx.ctx());
    expect(Buffer.byteLength(res.content)).toBeLessThan(READ_MAX_BYTES + 200);
    expect(res.content).toMatch(/truncated: output is capped at 256 KiB; showed lines 1-256; continue with offset=257/);
  });
  it('refuses binaries and reports missing files', async () => {
    writeFileSync(ws('bin'), Buffer.from([1, 0, 2]));
    expect((await run(readTool, { path: 'bin' })).content).toMatch(/binary/);
    expect((await run(readTool, { path: 'nope.txt' })).content).toMatch(/No such file/);
  });
});

describe('write', () => {
  it('creates parent directories inside the workspace', async () => {
    const res = await run(writeTool, { path: 'deep/er/new.txt', content: 'hi' });
    expect(res.isError).toBeFalsy();
    expect(readFileSync(ws('deep/er/new.txt'), 'utf8')).toBe('hi');
  });
});

describe('edit', () => {
  beforeEach(() => writeFileSync(ws('e.txt'), 'alpha beta\nbeta gamma\n'));
  it('replaces a unique match', async () => {
    expect((await run(editTool, { path: 'e.txt', oldText: 'alpha', newText: 'ALPHA' })).content).toMatch(/1 replacement/);
    expect(readFileSync(ws('e.txt'), 'utf8')).toBe('ALPHA beta\nbeta gamma\n');
  });
  it('refuses ambiguous and missing matches clearly', async () => {
    expect((await run(editTool, { path: 'e.txt', oldText: 'beta', newText: 'B' })).content).toMatch(/matches 2 times.*replaceAll/);
    expect((await run(editTool, { path: 'e.txt', oldText: 'delta', newText: 'D' })).content).toMatch(/not found/);
    expect(readFileSync(ws('e.txt'), 'utf8')).toBe('alpha beta\nbeta gamma\n');
  });
  it('replaceAll replaces every occurrence; $ patterns are literal', async () => {
    await run(editTool, { path: 'e.txt', oldText: 'beta', newText: "$&$'", replaceAll: true });
    expect(readFileSync(ws('e.txt'), 'utf8')).toBe("alpha $&$'\n$&$' gamma\n");
  });
});

describe('apply_patch', () => {
  it('adds, updates, moves and deletes files', async () => {
    writeFileSync(ws('u.txt'), 'line1\nline2\nline3\n');
    writeFileSync(ws('d.txt'), 'bye\n');
    writeFileSync(ws('m.txt'), 'move me\n');
    const input = [
      '*** Begin Patch',
      '*** Add File: new/a.txt',
      '+hello',
      '+world',
      '*** Update File: u.txt',
      '@@',
      ' line1',
      '-line2',
      '+LINE2',
      ' line3',
      '*** Update File: m.txt',
      '*** Move to: moved/m.txt',
      '@@',
      '-move me',
      '+moved',
      '*** Delete File: d.txt',
      '*** End Patch',
    ].join('\n');
    const res = await run(applyPatchTool, { input });
    expect(res.isError).toBeFalsy();
    expect(readFileSync(ws('new/a.txt'), 'utf8')).toBe('hello\nworld\n');
    expect(readFileSync(ws('u.txt'), 'utf8')).toBe('line1\nLINE2\nline3\n');
    expect(readFileSync(ws('moved/m.txt'), 'utf8')).toBe('moved\n');
    expect(existsSync(ws('m.txt'))).toBe(false);
    expect(existsSync(ws('d.txt'))).toBe(false);
  });
  it('applies nothing when one hunk fails', async () => {
    writeFileSync(ws('u.txt'), 'a\nb\n');
    const input = '*** Begin Patch\n*** Add File: x.txt\n+x\n*** Update File: u.txt\n@@\n-zzz\n+y\n*** End Patch';
    const res = await run(applyPatchTool, { input });
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/does not match/);
    expect(existsSync(ws('x.txt'))).toBe(false);
  });
  it('rejects malformed patches', () => {
    expect(() => parsePatch('*** Update File: a\n')).toThrow(/Begin Patch/);
    expect(() => parsePatch('*** Begin Patch\n*** Frobnicate: a\n*** End Patch')).toThrow(/expected/);
    expect(() => parsePatch('*** Begin Patch\n*** Add File: a\nno plus\n*** End Patch')).toThrow(/must start with "\+"/);
  });
  it('uses @@ anchors and tolerates trailing whitespace', () => {
    const src = 'function a() {\n  return 1;\n}\nfunction b() {\n  return 1;\n}\n';
    const [op] = parsePatch('*** Begin Patch\n*** Update File: f.js\n@@ function b() {\n-  return 1;   \n+  return 2;\n*** End Patch');
    if (op.kind !== 'update') throw new Error('expected update');
    expect(applyHunks(src, op.hunks, 'f.js')).toBe('function a() {\n  return 1;\n}\nfunction b() {\n  return 2;\n}\n');
  });
});
