/**
 * Broken plugins take down only themselves. Tried, all in one gateway that also runs a Telegram channel
 * against the fake Bot API: a plugin that throws at import, one whose settings its schema refuses, one written
 * for an API version the gateway does not speak, one whose tools throw, return garbage or never settle (and
 * whose hook throws), an out-of-process plugin that exits in the middle of a call (restarted), and one that
 * spins forever in a tool (killed, reported). Afterwards health is OK, `plugins list` tells the truth, and
 * a Telegram user is still answered. A critical plugin that fails makes turns refuse with a clear error.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import { startChannelGateway, type ChannelGateway } from '../../test-support/channel-gateway.js';
import { createTelegramDriver } from '../../test-support/fake-telegram/driver.js';
import { fixtureDir, type FixtureName } from '../../test-support/plugin-fixtures/index.js';

type Health = MethodResult<'health'>;
type Record_ = MethodResult<'plugins.list'>['plugins'][number];

const BROKEN: FixtureName[] = ['throws-at-import', 'needs-config', 'future-api', 'tool-throws', 'crashes', 'loops'];

describe('a broken plugin takes down only itself', () => {
  let env: ChannelGateway;
  const healthEvents: Health[] = [];
  const waiters = new Set<() => void>();
  const plugin = async (id: string) => (await env.call<MethodResult<'plugins.list'>>('plugins.list')).plugins.find((p) => p.id === id)!;
  /** Waits, on health events, until the plugin's record satisfies `pred`. */
  const until = (id: string, pred: (r: Record_) => boolean, what: string) =>
    new Promise<Record_>((resolve, reject) => {
      let last: Record_ | undefined;
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${id} ${what}; last seen: ${JSON.stringify(last)}`)), 20_000);
      const check = () =>
        void plugin(id).then((r) => {
          last = r;
          if (!r || !pred(r)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(r);
        });
      waiters.add(check);
      check();
    });
  const invoke = (tool: string) => env.call<MethodResult<'tools.invoke'>>('tools.invoke', { tool, args: {} });

  let loopsDir: string;
  beforeAll(async () => {
    // Both process fixtures name a tool `ok`; the second would fail on the clash, so this copy renames it.
    loopsDir = mkdtempSync(join(tmpdir(), 'openclaw-loops-'));
    cpSync(fixtureDir('loops'), loopsDir, { recursive: true });
    writeFileSync(join(loopsDir, 'index.js'), readFileSync(join(loopsDir, 'index.js'), 'utf8').replace("name: 'ok'", "name: 'loops_ok'"));
    env = await startChannelGateway(createTelegramDriver(), { dmPolicy: 'open', allowFrom: ['*'] }, {
      plugins: {
        load: { paths: BROKEN.map((f) => (f === 'loops' ? loopsDir : fixtureDir(f))) },
        entries: {
          'needs-config': { config: { apiKey: '', retries: -1 } },
          crashes: { isolation: 'process' },
          loops: { isolation: 'process' },
        },
      },
      // Plugin tools are reachable directly only where the owner names them.
      gateway: { tools: { allow: ['explode', 'bad_result', 'still_fine', 'crash', 'ok', 'spin'] } },
    });
    const local = env.t.gw.createLocalClient();
    local.onEvent((event, payload) => {
      if (event !== 'health') return;
      healthEvents.push(payload as Health);
      for (const w of [...waiters]) w();
    });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    rmSync(loopsDir, { recursive: true, force: true });
  });

  it('marks each plugin that cannot load as failed, with the reason, and stays healthy', async () => {
    expect((await until('throws-at-import', (r) => r.state === 'failed', 'to fail')).error).toMatch(/boom at import/);
    expect((await until('needs-config', (r) => r.state === 'failed', 'to fail')).error).toMatch(/apiKey|retries/);
    expect((await until('future-api', (r) => r.state === 'failed', 'to fail')).error).toMatch(/API v99/);
    await until('tool-throws', (r) => r.state === 'loaded', 'to load');
    const health = await env.call<Health>('health');
    expect(health.plugins).toMatchObject({ ok: true, failedCritical: [] });
    expect(health.plugins!.plugins.failed).toBe(3);
    const log = readFileSync(env.t.state.logFile, 'utf8');
    expect(log).toMatch(/"plugin failed".*"id":"throws-at-import"/);
  });

  it('a tool that throws, returns garbage or whose hook throws fails only that call', async () => {
    const exploded = await invoke('explode');
    expect(exploded.result.isError).toBe(true);
    expect(exploded.result.content[0]!.text).toMatch(/thrown from tool-throws/);
    expect((await invoke('bad_result')).result.isError).toBe(true);
    expect((await invoke('still_fine')).result.content[0]!.text).toBe('fine');
    const r = await plugin('tool-throws');
    expect(r.state).toBe('loaded');
    expect(r.callErrors).toBeGreaterThanOrEqual(2);
  });

  it('an out-of-process plugin that exits mid-call is restarted; the call fails clearly', async () => {
    await until('crashes', (r) => r.state === 'loaded', 'to load');
    const crashed = await invoke('crash');
    expect(crashed.result.isError).toBe(true);
    expect(crashed.result.content[0]!.text).toMatch(/process exited/);
    await until('crashes', (r) => r.restarts >= 1 && r.state === 'loaded', 'to be restarted');
    expect((await invoke('ok')).result.content[0]!.text).toBe('ok');
  });

  it('an out-of-process plugin that spins forever is killed and reported; the gateway never froze', async () => {
    await until('loops', (r) => r.state === 'loaded', 'to load');
    const started = Date.now();
    const spun = await invoke('spin');
    expect(spun.result.isError).toBe(true);
    expect(spun.result.content[0]!.text).toMatch(/stopped answering|killed|process exited/);
    expect(Date.now() - started).toBeLessThan(15_000);
    const r = await until('loops', (x) => x.restarts >= 1, 'to be restarted after the kill');
    expect(r.lastCallError ?? r.error ?? '').toMatch(/spin|answer|killed|exited/);
  });

  it('the gateway is healthy and the Telegram channel still answers', async () => {
    const health = await env.call<Health>('health');
    expect(health.ok).toBe(true);
    const user = env.driver.ids.users[0];
    await env.driver.sendDirect(user, 'still there?');
    expect(await env.driver.waitForSent(user, 1)).toEqual(['reply: still there?']);
  });
});

describe('a critical plugin fails closed', () => {
  let env: ChannelGateway;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openclaw-critical-'));
    cpSync(fixtureDir('throws-at-import'), join(dir, 'guard'), { recursive: true });
    const manifestPath = join(dir, 'guard', 'openclaw.plugin.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, id: 'guard', name: 'Content guard', critical: true }));
    env = await startChannelGateway(createTelegramDriver(), { dmPolicy: 'open', allowFrom: ['*'] }, { plugins: { load: { paths: [join(dir, 'guard')] }, entries: { guard: { enabled: true } } } });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns refuse with the reason instead of running without it, and health says so', async () => {
    const { runId } = await env.call<{ runId: string }>('chat.send', { sessionKey: 'agent:main:main', message: 'hello', idempotencyKey: 'c1' });
    const done = await env.call<{ status: string; error?: string }>('agent.wait', { runId, timeoutMs: 15_000 });
    expect(done.status).toBe('error');
    expect(done.error).toMatch(/refusing to run: critical plugin "guard" failed \(.*boom at import.*\)/);
    expect(env.model.requests.length).toBe(0);
    const health = await env.call<Health>('health');
    expect(health.ok).toBe(false);
    expect(health.plugins!.failedCritical).toEqual([{ id: 'guard', error: expect.stringMatching(/boom at import/) }]);
  });
});
