import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES, type MethodResult } from '../../src-shared/protocol/index.js';
import { GatewayClient } from '../cli/gateway-client.js';
import { startGateway, type RunningGateway } from '../gateway/start.js';
import { configureLogging } from '../logging/index.js';
import { generateDeviceKeys } from '../nodes/device-keys.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { lastUserText } from '../../test-support/fake-model-script.js';
import { FakeTelegram } from '../../test-support/fake-telegram/fake-telegram.js';
import { runCli } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';

type Job = MethodResult<'cron.get'>;
const ADA = 1001;
const TOKEN = 'cron-test-token';

/** "Every two seconds, ask the agent; the reply arrives in Ada's Telegram chat": the CLI, a real gateway, the fake model and the fake Bot API. */
describe('scheduled jobs through a running gateway', () => {
  let model: FakeOpenAIServer;
  let telegram: FakeTelegram;
  let state: TempState;
  let gw: RunningGateway;
  let op: GatewayClient;

  const start = async () => {
    gw = await startGateway({ port: 0, env: state.env });
    op = await GatewayClient.connect({ url: gw.wsUrl, token: TOKEN, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
  };
  const stop = async () => {
    op.close();
    await gw.close('test restart');
  };
  const cli = (args: string[]) => runCli(args, { ...state.env, OPENCLAW_GATEWAY_PORT: String(gw.port), OPENCLAW_GATEWAY_TOKEN: TOKEN });
  /** The job's first finished run as `cron.runs` records it (a run at start may finish before a client connects); each `cron` event looks again. */
  const finished = async (jobId: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const first = (await op.call<MethodResult<'cron.runs'>>('cron.runs', { id: jobId, sortDir: 'asc' })).entries[0];
      if (first) return first;
      if (Date.now() > deadline) throw new Error(`no finished run of ${jobId} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const off = op.on((name) => name === 'cron' && (off(), resolve()));
        setTimeout(() => (off(), resolve()), 500).unref();
      });
    }
  };

  beforeAll(async () => {
    model = new FakeOpenAIServer({ script: (req) => ({ text: `Agenda for "${lastUserText(req)}": two meetings.` }) });
    await model.start();
    telegram = await FakeTelegram.start();
    telegram.api.addUser({ id: ADA, first_name: 'Ada', username: 'ada' });
    state = makeTempState({
      gateway: { auth: { mode: 'token', token: TOKEN } },
      models: { providers: { local: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'echo', contextWindow: 100_000, maxTokens: 500 }] } } },
      agents: { defaults: { model: { primary: 'local/echo' } } },
      channels: { telegram: { botToken: telegram.token, apiRoot: telegram.apiRoot, dmPolicy: 'allowlist', allowFrom: [String(ADA)], livenessMs: 3000 } },
    });
    configureLogging({ file: state.logFile, console: false });
    await start();
  }, 60_000);
  afterAll(async () => {
    await stop().catch(() => undefined);
    await telegram?.close();
    await model?.close();
    state?.cleanup();
  });

  let every: Job;

  it('a job added with the CLI runs when due, in a session of its own, and its reply reaches the Telegram chat', async () => {
    const added = await cli(['cron', 'add', '--name', 'standup', '--every', '2s', '--message', 'What is on my calendar?', '--to', `telegram:${ADA}`, '--json']);
    expect(added.code, added.stderr).toBe(0);
    every = JSON.parse(added.stdout) as Job;
    expect(every).toMatchObject({ name: 'standup', agentId: 'main', sessionKey: `agent:main:cron:${every.id}`, schedule: { kind: 'every', everyMs: 2000 }, delivery: { mode: 'announce', channel: 'telegram', to: String(ADA) }, enabled: true });
    expect(every.nextRunAtMs).toBeGreaterThan(every.createdAtMs);

    const run = await finished(every.id);
    expect(run).toMatchObject({ status: 'ok' });
    // Stop further occurrences: one is enough to look at.
    await op.call('cron.update', { id: every.id, patch: { enabled: false } });
    const sent = await telegram.waitForCall((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(ADA), 15_000);
    expect(String(sent.params.text)).toContain('What is on my calendar?');

    const runs = await op.call<MethodResult<'cron.runs'>>('cron.runs', { id: every.id });
    expect(runs.entries[0]).toMatchObject({ jobId: every.id, jobName: 'standup', status: 'ok', deliveryStatus: 'delivered', delivered: true, trigger: 'schedule', sessionKey: `agent:main:cron:${every.id}`, runId: run.runId });
    expect(runs.entries[0]!.summary).toContain('What is on my calendar?');
    const history = await op.call<{ messages: { role: string }[] }>('chat.history', { sessionKey: `agent:main:cron:${every.id}` });
    expect(history.messages.map((m) => m.role)).toEqual(expect.arrayContaining(['user', 'assistant']));

    const listed = await cli(['cron', 'list', '--all']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${every.id}\\s+standup\\s+every 2s`));
    const compact = await op.call<MethodResult<'cron.list'>>('cron.list', { includeDisabled: true, compact: true });
    expect(compact.jobs[0]).toEqual({ id: every.id, name: 'standup', agentId: 'main', enabled: false, updatedAtMs: expect.any(Number), scheduleKind: 'every', schedule: { kind: 'every', everyMs: 2000 }, nextRunAt: null, nextRunAtMs: null, lastRunAt: expect.any(String), lastRunAtMs: expect.any(Number), lastRunStatus: 'ok', lastRunError: null });
    expect(compact.snapshotRevision).toEqual(expect.any(String));
    const status = await op.call<MethodResult<'cron.status'>>('cron.status', {});
    expect(status).toMatchObject({ enabled: true, scheduler: 'running', storage: 'sqlite', jobs: 1, enabledJobs: 0, nextWakeAtMs: null });
  });

  it('cron run runs a job now and --wait prints the reply', async () => {
    const r = await cli(['cron', 'run', every.id, '--wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('What is on my calendar?');
    await expect.poll(async () => (await op.call<MethodResult<'cron.runs'>>('cron.runs', { id: every.id })).entries.map((e) => e.trigger)).toContain('manual');
  });

  it('refuses a bad cron expression, a bad time zone and an unknown target channel with the reason, and stores nothing', async () => {
    const bad = await cli(['cron', 'add', '--name', 'bad', '--cron', '61 * * * *', '--message', 'x']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr + bad.stdout).toContain('invalid cron expression "61 * * * *": Invalid value for minute: 61');
    const zone = await cli(['cron', 'add', '--name', 'bad', '--cron', '0 9 * * *', '--tz', 'Mars/Olympus', '--message', 'x']);
    expect(zone.stderr + zone.stdout).toContain('unknown time zone "Mars/Olympus"');
    const both = await cli(['cron', 'add', '--name', 'bad', '--cron', '0 9 * * *', '--every', '1h', '--message', 'x']);
    expect(both.stderr).toContain('give exactly one schedule');
    await expect(op.call('cron.add', { name: 'bad', schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'agentTurn', message: 'x' }, delivery: { mode: 'announce', channel: 'discord', to: 'channel:1' } })).rejects.toThrow(/channel discord is not configured/);
    await expect(op.call('cron.add', { name: 'bad', schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'agentTurn', message: 'x' }, delivery: { mode: 'announce', channel: 'telegram', to: '4242' } })).rejects.toThrow(/not allowed by the channel's access policy/);
    expect((await op.call<MethodResult<'cron.list'>>('cron.list', { includeDisabled: true })).total).toBe(1);
  });

  it('keeps its jobs across a restart, and an occurrence missed while the gateway was down runs once at start', async () => {
    const hourly = await op.call<Job>('cron.add', { name: 'hourly', schedule: { kind: 'every', everyMs: 3_600_000 }, payload: { kind: 'agentTurn', message: 'hourly check' } });
    await stop();
    // Five hours pass while the gateway is down: five occurrences missed.
    const store = openSqliteStore(`${state.stateDir}/state/openclaw.sqlite`);
    try {
      const job = (await store.cron.get(hourly.id))!;
      await store.cron.put({ ...job, createdAtMs: job.createdAtMs - 5 * 3_600_000 - 60_000, nextRunAtMs: job.nextRunAtMs! - 5 * 3_600_000 });
    } finally {
      await store.close();
    }
    await start();
    const run = await finished(hourly.id);
    expect(run.status).toBe('ok');
    const runs = await op.call<MethodResult<'cron.runs'>>('cron.runs', { id: hourly.id });
    expect(runs.total).toBe(1);
    expect(runs.entries[0]).toMatchObject({ trigger: 'schedule', deliveryStatus: 'not-requested' });
    const jobs = (await op.call<MethodResult<'cron.list'>>('cron.list', { includeDisabled: true })).jobs;
    expect(jobs.map((j) => j.name).sort()).toEqual(['hourly', 'standup']);
    const after = jobs.find((j) => j.id === hourly.id)!;
    expect(after.nextRunAtMs).toBeGreaterThan(Date.now());
    expect(after.lastRunStatus).toBe('ok');
    // The standup job's history survived too.
    expect((await op.call<MethodResult<'cron.runs'>>('cron.runs', { id: every.id })).total).toBeGreaterThanOrEqual(2);
  });

  it('delivers to the chat the agent was last written to from when the target is "last" (the reference CLI\'s default)', async () => {
    await telegram.post({ chat: ADA, from: ADA, text: 'hello bot' });
    await telegram.waitUntil(() => (telegram.api.sentTo(ADA).some((m) => m.text?.includes('hello bot')) ? true : undefined), 15_000, 'the reply to Ada');
    const job = await op.call<Job>('cron.add', { name: 'to-last', schedule: { kind: 'every', everyMs: 3_600_000 }, payload: { kind: 'agentTurn', message: 'evening summary' }, delivery: { mode: 'announce', channel: 'last' } });
    expect(job.delivery).toEqual({ mode: 'announce', channel: 'last' });
    await op.call('cron.run', { id: job.id });
    await telegram.waitUntil(() => (telegram.api.sentTo(ADA).some((m) => m.text?.includes('evening summary')) ? true : undefined), 15_000, 'the job reply in Ada\'s chat');
    expect(await finished(job.id)).toMatchObject({ status: 'ok', deliveryStatus: 'delivered', trigger: 'manual' });
    await op.call('cron.remove', { id: job.id });
  });

  it('removes a job with its history; reading it afterwards says it is gone', async () => {
    const removed = await cli(['cron', 'remove', every.id]);
    expect(removed.code, removed.stderr).toBe(0);
    await expect(op.call('cron.runs', { id: every.id })).rejects.toThrow(/no scheduled job/);
    await expect(op.call('cron.run', { id: every.id })).rejects.toThrow(/no scheduled job/);
  });

  it('reading needs operator.read, changing needs operator.write', async () => {
    const reader = await GatewayClient.connect({ url: gw.wsUrl, token: TOKEN, device: generateDeviceKeys(), scopes: ['operator.read'] });
    try {
      await expect(reader.call('cron.list', {})).resolves.toMatchObject({ total: 1 });
      await expect(reader.call('cron.add', { name: 'x', schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'agentTurn', message: 'x' } })).rejects.toThrow(/operator.write/);
    } finally {
      reader.close();
    }
  });
});
