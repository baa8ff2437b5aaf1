import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CanvasHost } from '../../nodes/canvas-host.js';
import { makeToolFixture, type ToolSandboxFixture } from '../../../test-support/tool-context.js';
import { CANVAS_MAX_BYTES, canvasTool } from './canvas.js';
import { runTool } from './registry.js';
import type { AgentTool, ToolContext } from './types.js';

let fx: ToolSandboxFixture;
let host: CanvasHost;
let ctx: (over?: Partial<ToolContext>) => ToolContext;
beforeEach(() => {
  fx = makeToolFixture();
  // The canvas root sits beside the workspace; `outside` holds a secret that must stay unreachable.
  host = new CanvasHost({ root: path.join(fx.root, 'canvas'), secret: 'test-secret', baseUrl: () => 'http://127.0.0.1:18789/', serve: () => undefined });
  writeFileSync(path.join(fx.outside, 'secret.txt'), 'SECRET\n');
  ctx = (over = {}) => fx.ctx({ services: { canvas: { dir: (a, s) => host.dirFor(a, s), url: (a, s, p) => host.urlFor(a, s, p) } }, ...over });
});
afterEach(() => fx.cleanup());

const run = (params: unknown, c = ctx()) => runTool(canvasTool as AgentTool, params, c);

describe('canvas tool', () => {
  it('writes into the session canvas and answers with its scoped URL', async () => {
    const r = await run({ action: 'write', content: '<h1>Hello</h1>' });
    const token = host.tokenFor('main', 'agent:main:main');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(r).toMatchObject({ content: `Wrote 14 bytes to the canvas: http://127.0.0.1:18789/__openclaw__/canvas/${token}/index.html`, details: { path: `/__openclaw__/canvas/${token}/index.html`, bytes: 14 } });
    expect(readFileSync(path.join(fx.root, 'canvas', token, 'index.html'), 'utf8')).toBe('<h1>Hello</h1>');
    await run({ action: 'write', path: 'css/site.css', content: 'h1{}' });
    expect(await run({ action: 'show', path: 'css/site.css' })).toMatchObject({ content: `The canvas page is at http://127.0.0.1:18789/__openclaw__/canvas/${token}/css/site.css` });
  });

  it('gives each session its own folder and token', async () => {
    await run({ action: 'write', content: 'a' });
    await run({ action: 'write', content: 'b' }, ctx({ sessionKey: 'agent:main:telegram:direct:42' }));
    expect(host.tokenFor('main', 'agent:main:main')).not.toBe(host.tokenFor('main', 'agent:main:telegram:direct:42'));
    expect(host.tokenFor('main', 'agent:main:main')).not.toBe(host.tokenFor('work', 'agent:main:main'));
    expect(readdirSync(path.join(fx.root, 'canvas'))).toHaveLength(2);
    // Stable: the same secret and session give the same URL after a restart.
    expect(new CanvasHost({ root: '/x', secret: 'test-secret', baseUrl: () => 'http://h/', serve: () => undefined }).tokenFor('main', 'agent:main:main')).toBe(host.tokenFor('main', 'agent:main:main'));
  });

  it.each([
    ['../', '../outside/secret.txt'],
    ['../../', '../../outside/secret.txt'],
    ['absolute', '/etc/passwd'],
    ['double-encoded', '%252e%252e%252f%252e%252e%252foutside%252fsecret.txt'],
    ['backslashes', '..\\..\\outside\\secret.txt'],
    ['NUL byte', 'x.html\0../../outside/secret.txt'],
  ])('refuses a path that leaves the canvas (%s), for write and show', async (_name, p) => {
    const before = readFileSync(path.join(fx.outside, 'secret.txt'), 'utf8');
    const w = await run({ action: 'write', path: p, content: 'pwned' });
    expect(w).toMatchObject({ isError: true, content: expect.stringMatching(/Denied/) });
    const s = await run({ action: 'show', path: p });
    expect(s.isError).toBe(true);
    expect(s.content).not.toContain('SECRET');
    expect(readFileSync(path.join(fx.outside, 'secret.txt'), 'utf8')).toBe(before);
    expect(existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : '').not.toContain('pwned');
  });

  it('refuses to write through a link that points out of the canvas', async () => {
    const dir = host.dirFor('main', 'agent:main:main');
    symlinkSync(fx.outside, path.join(dir, 'out'));
    expect(await run({ action: 'write', path: 'out/secret.txt', content: 'pwned' })).toMatchObject({ isError: true, content: expect.stringMatching(/outside/) });
    expect(readFileSync(path.join(fx.outside, 'secret.txt'), 'utf8')).toBe('SECRET\n');
  });

  it('caps file size, needs content, and shows only files that exist', async () => {
    expect(await run({ action: 'write', content: 'x'.repeat(CANVAS_MAX_BYTES + 1) })).toMatchObject({ isError: true, content: expect.stringMatching(/at most 2 MiB/) });
    expect(await run({ action: 'write' })).toMatchObject({ isError: true, content: 'write needs content.' });
    expect(await run({ action: 'show' })).toMatchObject({ isError: true, content: expect.stringMatching(/No such file/) });
    mkdirSync(path.join(host.dirFor('main', 'agent:main:main'), 'sub'));
    expect(await run({ action: 'show', path: 'sub' })).toMatchObject({ isError: true, content: expect.stringMatching(/is a folder/) });
  });

  it('says so when the runtime has no canvas host', async () => {
    expect(await run({ action: 'show' }, fx.ctx())).toMatchObject({ isError: true, content: 'The canvas host is not available in this runtime.' });
  });
});
