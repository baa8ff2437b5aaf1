import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, createBrowserTool, shutdownBrowser } from './browser.js';
import { runTool } from './registry.js';
import { makeToolFixture } from '../../../test-support/tool-context.js';
import type { AgentTool } from './types.js';

const hasChromium = existsSync(CHROMIUM_PATH);
const fx = makeToolFixture();
let server: http.Server;
let base = '';

const PAGE = `<!doctype html><html><head><title>Form page</title></head><body>
<h1>Welcome</h1><p>Some visible text.</p><p style="display:none">hidden text</p>
<a href="/next">Next page</a>
<input name="q" placeholder="Search">
<button onclick="document.getElementById('out').textContent = 'You typed: ' + document.querySelector('input').value">Go</button>
<div id="out"></div></body></html>`;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(req.url === '/next' ? '<title>Next</title><p>Second page</p>' : PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await shutdownBrowser();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fx.cleanup();
});

const tool = createBrowserTool({ idleMs: 60_000 }) as AgentTool;

describe.skipIf(!hasChromium)(`browser (needs ${CHROMIUM_PATH})`, () => {
  const ctx = fx.ctx({ webAllowPrivate: true, sessionKey: 'agent:main:browser-test' });

  it('opens, snapshots, types, clicks and screenshots', async () => {
    const opened = await runTool(tool, { action: 'open', url: `${base}/` }, ctx);
    expect(opened.content).toMatch(/Opened .* \(status 200\): Form page/);

    const snap = await runTool(tool, { action: 'snapshot' }, ctx);
    expect(snap.content).toContain('Some visible text.');
    expect(snap.content).not.toContain('hidden text');
    expect(snap.content).toMatch(/\[1\] link "Next page" -> \/next/);
    expect(snap.content).toMatch(/\[2\] input\[text\] "Search"/);
    expect(snap.content).toMatch(/\[3\] button "Go"/);

    // Refs are stable across snapshots.
    expect((await runTool(tool, { action: 'snapshot' }, ctx)).content).toMatch(/\[3\] button "Go"/);

    expect((await runTool(tool, { action: 'type', ref: '2', text: 'hello' }, ctx)).isError).toBeFalsy();
    expect((await runTool(tool, { action: 'click', ref: '3' }, ctx)).isError).toBeFalsy();
    expect((await runTool(tool, { action: 'snapshot' }, ctx)).content).toContain('You typed: hello');

    const shot = await runTool(tool, { action: 'screenshot', path: 'shots/page.png' }, ctx);
    expect(shot.content).toBe('Screenshot saved to shots/page.png.');
    expect(readFileSync(path.join(fx.workspace, 'shots/page.png')).subarray(1, 4).toString()).toBe('PNG');

    await runTool(tool, { action: 'click', ref: '1' }, ctx);
    expect((await runTool(tool, { action: 'snapshot' }, ctx)).content).toContain('Second page');
  });

  it('refuses escaping screenshot paths and unknown refs', async () => {
    await runTool(tool, { action: 'open', url: `${base}/` }, ctx);
    expect((await runTool(tool, { action: 'screenshot', path: '../outside/x.png' }, ctx)).content).toMatch(/Denied: Path is outside/);
    expect((await runTool(tool, { action: 'screenshot', path: '%252e%252e/outside/x.png' }, ctx)).content).toMatch(/Denied: Path is outside/);
    expect((await runTool(tool, { action: 'click', ref: '999' }, ctx)).content).toMatch(/No element \[999\]/);
    expect((await runTool(tool, { action: 'click', ref: 'a"]' }, ctx)).content).toMatch(/Invalid parameters/);
  });

  it('refuses private addresses unless allowed', async () => {
    const strict = fx.ctx({ webAllowPrivate: false, sessionKey: 'agent:main:strict' });
    expect((await runTool(tool, { action: 'open', url: `${base}/` }, strict)).content).toMatch(/Denied: Blocked/);
    expect((await runTool(tool, { action: 'open', url: 'http://169.254.169.254/' }, strict)).content).toMatch(/Denied: Blocked/);
    expect((await runTool(tool, { action: 'open', url: 'file:///etc/passwd' }, strict)).content).toMatch(/Only http and https/);
  });
});

describe('browser without a page', () => {
  it('asks for open first', async () => {
    const res = await runTool(tool, { action: 'snapshot' }, fx.ctx({ sessionKey: 'agent:main:none' }));
    expect(res.content).toMatch(/No page is open/);
  });
});
