import { expect, test, type Page, type WebSocket } from '@playwright/test';
import { lastUserText } from '../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../test-support/fake-openai.js';
import { FakeTelegram } from '../test-support/fake-telegram/fake-telegram.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { findReference, runReferenceCli, serveStatic, type ReferenceInstall, type StaticSite } from './reference-client.js';

// The reference OpenClaw Control UI and CLI (the pinned npm release, installed outside the repository by
// scripts/install-reference.mjs) against our gateway and the fake model. Skipped, with the reason, when the
// reference is not installed.

const found = findReference();
const ref = 'missing' in found ? undefined : found;
// Every test reports itself skipped, with the reason, when the reference is not installed.
test.beforeEach(({ browserName: _browserName }, testInfo) => testInfo.skip(!ref, 'missing' in found ? found.missing : ''));

let gateway: GatewayProcess;
let model: FakeOpenAIServer;
let site: StaticSite;
let telegram: FakeTelegram;
const FRIEND = { id: 4242, first_name: 'Ada', username: 'ada' };
let advertised: string[] = [];

test.beforeAll(async () => {
  if (!ref) return;
  model = new FakeOpenAIServer({ script: (req) => ({ text: `You said: ${lastUserText(req)}` }), chunkDelayMs: 0 });
  await model.start();
  site = await serveStatic(ref.controlUiDir);
  telegram = await FakeTelegram.start();
  telegram.api.addUser({ ...FRIEND });
  gateway = await startGatewayProcess({
    config: {
      gateway: { controlUi: { allowedOrigins: [site.origin] } },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'sk-test', api: 'openai-completions', models: [{ id: 'small', name: 'Small' }] } } },
      agents: { defaults: { model: { primary: 'fake/small' } } },
      channels: { telegram: { botToken: telegram.token, apiRoot: telegram.apiRoot, dmPolicy: 'pairing', allowFrom: [String(FRIEND.id)] } },
    },
  });
});

test.afterAll(async () => {
  await gateway?.stop();
  await site?.close();
  await model?.close();
  await telegram?.close();
});

interface Failure {
  method: string;
  params: string;
  message: string;
}

/** Every request the page sends and every error it gets back, read off its WebSocket. */
function recordCalls(page: Page) {
  const methods = new Set<string>();
  const failures: Failure[] = [];
  const pending = new Map<string, { method: string; params: string }>();
  let finalSeen = false;
  let historyAfterFinal = false;
  const results = new Map<string, unknown>();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('websocket', (ws: WebSocket) => {
    ws.on('framesent', (f) => {
      const m = JSON.parse(String(f.payload)) as { type: string; id: string; method: string; params?: unknown };
      if (m.type !== 'req') return;
      methods.add(m.method);
      pending.set(m.id, { method: m.method, params: JSON.stringify(m.params ?? {}).slice(0, 300) });
    });
    ws.on('framereceived', (f) => {
      const m = JSON.parse(String(f.payload)) as { type: string; id: string; event?: string; ok?: boolean; payload?: { type?: string; state?: string; features?: { methods?: string[] } }; error?: { message: string } };
      if (m.type === 'event' && m.event === 'chat' && m.payload?.state === 'final') finalSeen = true;
      if (m.type !== 'res') return;
      if (m.ok && m.payload?.type === 'hello-ok') advertised = m.payload.features?.methods ?? [];
      const req = pending.get(m.id);
      if (finalSeen && req?.method === 'chat.history') historyAfterFinal = true;
      if (req && m.ok) results.set(req.method, m.payload);
      if (req && m.ok === false) failures.push({ ...req, message: m.error?.message ?? '' });
    });
  });
  return { methods, failures, pageErrors, historyAfterFinal: () => historyAfterFinal, result: (method: string) => results.get(method) };
}
type Calls = ReturnType<typeof recordCalls>;

/** Lets the page's own requests settle: waits until nothing new has been sent for a moment. */
async function settle(page: Page, calls: Calls): Promise<void> {
  await expect.poll(async () => {
    const before = calls.methods.size;
    await page.waitForLoadState('networkidle');
    return calls.methods.size === before;
  }).toBe(true);
}

/** No script error on the page; no advertised method failed; the unadvertised ones it called are listed in the report. */
function expectClean(calls: Calls): void {
  expect(calls.pageErrors).toEqual([]);
  checkFailures(calls.failures);
  test.info().annotations.push({ type: 'unanswered methods', description: [...new Set(calls.failures.map((f) => f.method))].sort().join(', ') || 'none' });
}

/** Methods that failed although hello advertised them: each is a defect. Unadvertised ones must get the unknown-method answer. */
function checkFailures(failures: Failure[]) {
  const advertisedFailures = failures.filter((f) => advertised.includes(f.method));
  expect(advertisedFailures, 'advertised methods must not fail').toEqual([]);
  for (const f of failures) expect(f.message, f.method).toBe(`unknown method: ${f.method}`);
}

async function openUi(page: Page): Promise<void> {
  await page.goto(`${site.origin}/?gatewayUrl=${encodeURIComponent(`ws://127.0.0.1:${gateway.port}`)}#token=${gateway.token}`);
  // The UI asks before it talks to a gateway other than the page's own.
  await page.getByRole('button', { name: /^Switch to 127\.0\.0\.1:/ }).click();
}

test('connects, and a chat message from its composer round-trips through the agent', async ({ page }) => {
  const calls = recordCalls(page);
  await openUi(page);
  const composer = page.getByRole('textbox', { name: 'Chat composer' });
  await expect(composer).toBeVisible();
  await composer.fill('hello parity');
  await composer.press('Enter');
  await expect(page.getByText('You said: hello parity').first()).toBeVisible();
  // The UI merges what it streamed with what it reads back once the run is final: wait for that read, then each shows once.
  await expect.poll(() => calls.historyAfterFinal(), { message: 'chat.history read back after the final chat event' }).toBe(true);
  await expect(page.getByText('You said: hello parity')).toHaveCount(1);
  await expect(page.getByText('hello parity', { exact: true })).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('live.png') });
  expect(model.calls).toBeGreaterThan(0);
  // After a reload the transcript comes back from the gateway.
  await page.reload();
  await expect(page.getByText('You said: hello parity')).toHaveCount(1);
  expect([...calls.methods]).toEqual(expect.arrayContaining(['connect', 'sessions.subscribe', 'sessions.list', 'agents.list', 'chat.startup', 'sessions.messages.subscribe', 'chat.send', 'chat.history']));
  expectClean(calls);
});

for (const name of ['Agents', 'Dashboards', 'Systems', 'Automations', 'Plugins']) {
  test(`the ${name} page renders; advertised methods answer`, async ({ page }) => {
    const calls = recordCalls(page);
    await openUi(page);
    await page.getByRole('link', { name, exact: true }).first().click();
    await expect(page).toHaveURL(new RegExp(`/${name.toLowerCase()}`));
    await expect(page.locator('main, [role="main"]').first()).toBeVisible();
    await settle(page, calls);
    expectClean(calls);
  });
}

test('the Usage page reads sessions.usage and shows what the transcripts record', async ({ page }) => {
  const calls = recordCalls(page);
  await openUi(page);
  await expect(page.getByRole('textbox', { name: 'Chat composer' })).toBeVisible();
  await page.goto(`${site.origin}/usage`);
  await expect.poll(() => calls.methods.has('sessions.usage'), { message: 'the page asks for sessions.usage' }).toBe(true);
  await settle(page, calls);
  // The page shows the figures the gateway sent: the session count and the token total.
  const usage = calls.result('sessions.usage') as { aggregates: { sessionCount: number }; totals: { totalTokens: number } };
  const n = usage.aggregates.sessionCount;
  await expect(page.getByText(`${n} sessions in range`)).toBeVisible();
  test.info().annotations.push({ type: 'sessions.usage', description: `${n} sessions, ${usage.totals.totalTokens} tokens` });
  await page.screenshot({ path: test.info().outputPath('usage.png') });
  // A session's detail: its turns over time and its messages. The conversation is the one the first test of this
  // file had (tests of a file run in order); run alone, this test has no session to open.
  const row = page.getByRole('button', { name: 'agent:main:main' });
  if (n > 0 && (await row.count())) {
    await row.first().click();
    await expect.poll(() => calls.result('sessions.usage.timeseries') !== undefined && calls.result('sessions.usage.logs') !== undefined, { message: 'the detail reads the timeseries and the logs' }).toBe(true);
    const logs = calls.result('sessions.usage.logs') as { logs: { role: string; content: string }[] };
    expect(logs.logs.map((l) => l.content)).toContain('You said: hello parity');
  }
  expectClean(calls);
});

test('the Debug page renders: diagnostics.lanes, and last-heartbeat with its Last heartbeat panel', async ({ page }) => {
  const calls = recordCalls(page);
  await openUi(page);
  await expect(page.getByRole('textbox', { name: 'Chat composer' })).toBeVisible();
  await page.goto(`${site.origin}/debug`);
  await expect.poll(() => calls.result('diagnostics.lanes') !== undefined, { message: 'the page reads diagnostics.lanes' }).toBe(true);
  const lanes = calls.result('diagnostics.lanes') as { lanes: { lane: string; maxConcurrent: number }[] };
  expect(lanes.lanes).toEqual([expect.objectContaining({ lane: 'main', maxConcurrent: 32 })]);
  // The page loads its panels together (status, health, models, last-heartbeat): with every one answered it shows them.
  await expect.poll(() => calls.methods.has('last-heartbeat'), { message: 'the page reads last-heartbeat' }).toBe(true);
  expect(calls.failures.filter((f) => f.method === 'last-heartbeat')).toEqual([]);
  await expect(page.getByText('Last heartbeat', { exact: true })).toBeVisible();
  await expect(page.getByText('Snapshots', { exact: true })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'unknown method' })).toHaveCount(0);
  await settle(page, calls);
  await page.screenshot({ path: test.info().outputPath('debug.png') });
  expectClean(calls);
});

test.describe('the reference CLI', () => {
  const cli = (args: string[]) => runReferenceCli(ref as ReferenceInstall, gateway, args);

  test('health, gateway call, devices and qr work against this gateway', async () => {
    const health = await cli(['health']);
    expect(health.code, health.stdout + health.stderr).toBe(0);
    expect(health.stdout).toContain('Agents: main (default)');
    const call = await cli(['gateway', 'call', 'health', '--params', '{}', '--json']);
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout.slice(call.stdout.indexOf('{')))).toMatchObject({ ok: true, defaultAgentId: 'main' });
    const devices = await cli(['devices', 'list']);
    expect(devices.code, devices.stderr).toBe(0);
    const qr = await cli(['qr', '--url', `ws://127.0.0.1:${gateway.port}`]);
    expect(qr.code, qr.stderr).toBe(0);
    expect(qr.stdout).toContain('Setup code:');
  });

  test('status --deep reaches this gateway and reads its health', async () => {
    const status = await cli(['status', '--deep']);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Gateway\s+│ local · ws:\/\/127\.0\.0\.1:\d+ \(local loopback\) · reachable/);
    const health = status.stdout.slice(status.stdout.indexOf('\nHealth\n'));
    expect(health).toMatch(/Gateway\s+│ reachable/);
    // The channel line comes from the account's `healthState`: the fake Telegram bot is connected.
    expect(health).toMatch(/Telegram\s+│ OK\s+│ healthy/);
    test.info().annotations.push({ type: 'status --deep health', description: health.split('\n').slice(0, 12).join('\n') });
  });

  test('gateway probe connects and reads (the shared token on loopback grants a probe reading, nothing more)', async () => {
    const probe = await cli(['gateway', 'probe']);
    expect(probe.code, probe.stdout + probe.stderr).toBe(0);
    expect(probe.stdout).toContain('Reachable: yes');
    expect(probe.stdout).toContain('Capability: read-only');
    expect(probe.stdout).toMatch(/Read probe: ok/);
  });

  test('system heartbeat last, disable and enable answer (last-heartbeat, set-heartbeats)', async () => {
    // No heartbeat is configured here, so none has run: the last one is null.
    const last = await cli(['system', 'heartbeat', 'last']);
    expect(last.code, last.stdout + last.stderr).toBe(0);
    expect(last.stdout.trim()).toBe('null');
    const off = await cli(['system', 'heartbeat', 'disable']);
    expect(off.code, off.stdout + off.stderr).toBe(0);
    expect(JSON.parse(off.stdout.slice(off.stdout.indexOf('{')))).toEqual({ ok: true, enabled: false });
    const on = await cli(['system', 'heartbeat', 'enable']);
    expect(JSON.parse(on.stdout.slice(on.stdout.indexOf('{')))).toEqual({ ok: true, enabled: true });
  });

  test('agent runs a turn through this gateway and prints the reply', async () => {
    const agent = await cli(['agent', '--message', 'hi from the cli', '--agent', 'main']);
    expect(agent.code, agent.stderr).toBe(0);
    expect(agent.stdout).toContain('You said: hi from the cli');
  });

  test('message send delivers through the channel (message.action)', async () => {
    // Telegram lets a bot write only to people who wrote to it first.
    await telegram.post({ chat: FRIEND.id, from: FRIEND.id, text: 'hi bot' });
    await telegram.waitUntil(() => (telegram.api.sentTo(FRIEND.id).length ? true : undefined), 15_000, 'the reply to the first message');
    const sent = await cli(['message', 'send', '--channel', 'telegram', '--target', String(FRIEND.id), '--message', 'hello from the reference cli']);
    expect(sent.code, sent.stdout + sent.stderr).toBe(0);
    expect(telegram.api.sentTo(FRIEND.id).map((m) => m.text)).toContain('hello from the reference cli');
    expect(sent.stdout).toContain('Sent via telegram');
    // Pairing requests and the accounts they can come from, in the reference's shape.
    const pairing = await cli(['gateway', 'call', 'channels.pairing.list', '--params', '{}', '--json']);
    expect(pairing.code, pairing.stderr).toBe(0);
    expect(JSON.parse(pairing.stdout.slice(pairing.stdout.indexOf('{')))).toMatchObject({
      requests: [],
      accounts: [{ channel: 'telegram', channelLabel: 'Telegram', accountId: 'default' }],
      limits: { pendingPerAccount: 3, ttlMs: 3_600_000 },
    });
  });

  test('cron: the reference CLI adds, lists, runs and removes a scheduled job', async () => {
    const added = await cli(['cron', 'add', '--name', 'standup', '--cron', '0 9 * * 1-5', '--tz', 'Europe/Berlin', '--message', 'What is on my calendar?']);
    expect(added.code, added.stdout + added.stderr).toBe(0);
    const listed = await cli(['cron', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const id = (JSON.parse(listed.stdout.slice(listed.stdout.indexOf('{'))) as { jobs: { id: string; name: string }[] }).jobs.find((j) => j.name === 'standup')!.id;
    const ran = await cli(['cron', 'run', id]);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toContain('"enqueued": true');
    const status = await cli(['cron', 'status']);
    expect(status.code, status.stderr).toBe(0);
    const removed = await cli(['cron', 'rm', id]);
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
  });

  test('methods this gateway does not have get the unknown-method answer', async () => {
    const tasks = await cli(['gateway', 'call', 'tasks.list', '--params', '{}']);
    expect(tasks.code).not.toBe(0);
    expect(tasks.stdout + tasks.stderr).toContain('unknown method: tasks.list');
  });
});
