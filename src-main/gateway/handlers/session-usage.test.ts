import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../cli/gateway-client.js';
import { endsWithToolResult, lastUserText } from '../../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway, chatTurn } from '../../../test-support/gateway.js';
import { resolveUsageClock, resolveUsageRange, usageCalendar } from '../../sessions/usage-calendar.js';
import { usageTimeseries } from '../../sessions/usage-summary.js';

type Usage = MethodResult<'sessions.usage'>;

describe('usage timeseries', () => {
  it('sums consecutive turns into at most maxPoints points, keeping the running totals', () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ sessionId: 's', seq: i + 1, role: 'assistant' as const, content: [], usage: { inputTokens: 10, outputTokens: 1, costUsd: 0.5 }, createdAtMs: 1000 + i }));
    const s = usageTimeseries(entries, 's', 2);
    expect(s.points.map((p) => [p.timestamp, p.totalTokens, p.cumulativeTokens, p.cumulativeCost])).toEqual([
      [1002, 33, 33, 1.5],
      [1004, 22, 55, 2.5],
    ]);
  });
});

describe('usage calendar', () => {
  const now = Date.UTC(2026, 4, 10, 23, 30); // 23:30 UTC on 10 May

  it('reads dates in UTC by default, a preset counts today, and explicit dates span whole days', () => {
    const utc = usageCalendar(resolveUsageClock({}));
    expect(resolveUsageRange({ range: '7d' }, utc, now)).toEqual({ startMs: Date.UTC(2026, 4, 4), endMs: Date.UTC(2026, 4, 11) - 1, startDate: '2026-05-04', endDate: '2026-05-10' });
    expect(resolveUsageRange({}, utc, now).startDate).toBe('2026-04-11');
    expect(resolveUsageRange({ startDate: '2026-02-28', endDate: '2026-03-01' }, utc, now)).toMatchObject({ startMs: Date.UTC(2026, 1, 28), endMs: Date.UTC(2026, 2, 2) - 1 });
  });

  it('follows a time zone (preferred) or a UTC offset across midnight', () => {
    const tokyo = usageCalendar(resolveUsageClock({ mode: 'specific', timeZone: 'Asia/Tokyo', utcOffset: 'UTC-4' }));
    expect(tokyo.dayKey(now)).toBe('2026-05-11');
    expect(resolveUsageRange({ startDate: '2026-05-11', endDate: '2026-05-11' }, tokyo, now).startMs).toBe(Date.UTC(2026, 4, 10, 15));
    const ny = usageCalendar(resolveUsageClock({ mode: 'specific', timeZone: 'America/New_York' }));
    // Summer time: midnight in New York is 04:00 UTC.
    expect(resolveUsageRange({ startDate: '2026-07-01', endDate: '2026-07-01' }, ny, now).startMs).toBe(Date.UTC(2026, 6, 1, 4));
    const east = usageCalendar(resolveUsageClock({ mode: 'specific', utcOffset: 'UTC+5:30' }));
    expect(east.dayKey(now)).toBe('2026-05-11');
  });

  it('refuses what it cannot read, saying which field', () => {
    const utc = usageCalendar({ mode: 'utc' });
    expect(() => resolveUsageRange({ startDate: '2026-02-30', endDate: '2026-03-01' }, utc, now)).toThrow(/invalid startDate/);
    expect(() => resolveUsageRange({ startDate: '2026-03-01' }, utc, now)).toThrow(/provided together/);
    expect(() => resolveUsageRange({ startDate: '2026-03-02', endDate: '2026-03-01' }, utc, now)).toThrow(/must not be after/);
    expect(() => resolveUsageClock({ mode: 'specific', timeZone: 'Mars/Olympus' })).toThrow(/invalid timeZone/);
  });
});

describe('sessions.usage on a real gateway', () => {
  let model: FakeOpenAIServer;
  let t: TestGateway;
  let c: GatewayClient;

  beforeAll(async () => {
    // "list" asks for one tool call (sessions_list) before answering; everything else is answered at once.
    model = new FakeOpenAIServer({
      script: (req) => (lastUserText(req) === 'list' && !endsWithToolResult(req) ? { toolCalls: [{ name: 'sessions_list', input: {} }] } : { text: `ok: ${lastUserText(req)}` }),
    });
    await model.start();
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: 'session-usage-token-0123456789' } },
        models: { providers: { local: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'fake', cost: { input: 1000, output: 2000 } }] } } },
        agents: { defaults: { model: { primary: 'local/fake' } }, entries: { main: { default: true }, ops: {} } },
      },
    });
    c = await t.operator();
    const turn = (sessionKey: string, message: string) => chatTurn(c, { sessionKey, message, idempotencyKey: `${sessionKey}-${message}` });
    await turn('agent:main:main', 'one');
    await turn('agent:main:main', 'list');
    await turn('agent:main:side', 'two');
    await turn('agent:ops:main', 'three');
  });
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  it("reports the default agent's sessions with the tokens, cost, messages, tools and models their transcripts record", async () => {
    const r = await c.call<Usage>('sessions.usage', { range: '7d' });
    expect(r.sessions.map((s) => s.key).sort()).toEqual(['agent:main:main', 'agent:main:side']);
    const main = r.sessions.find((s) => s.key === 'agent:main:main')!;
    expect(main).toMatchObject({ agentId: 'main', scope: 'instance', creatorKey: '["unknown"]', hasContextWeight: false });
    // Two user messages; the "list" turn's reply came after one tool call and its result.
    expect(main.usage!.messageCounts).toEqual({ total: 6, user: 2, assistant: 3, toolCalls: 1, toolResults: 1, errors: 0 });
    expect(main.usage!.toolUsage).toEqual({ totalCalls: 1, uniqueTools: 1, tools: [{ name: 'sessions_list', count: 1 }] });
    expect(main.usage!.modelUsage).toEqual([expect.objectContaining({ provider: 'local', model: 'fake', count: 2 })]);
    // The figures are the ones the session recorded, turn by turn.
    const rows = (await c.call<MethodResult<'sessions.list'>>('sessions.list', {})).sessions;
    const recorded = rows.find((s) => s.key === 'agent:main:main')!;
    expect(main.usage!.input).toBe(recorded.inputTokens);
    expect(main.usage!.output).toBe(recorded.outputTokens);
    expect(main.usage!.totalTokens).toBe(recorded.inputTokens + recorded.outputTokens);
    expect(main.usage!.totalCost).toBeCloseTo(recorded.costUsd, 9);
    expect(main.usage!.dailyBreakdown).toEqual([expect.objectContaining({ date: r.endDate, tokens: main.usage!.totalTokens })]);
    // Totals and groupings cover every matching session.
    expect(r.totals.totalTokens).toBe(r.sessions.reduce((n, s) => n + s.usage!.totalTokens, 0));
    expect(r.aggregates).toMatchObject({ sessionCount: 2, messages: { user: 3 }, tools: { totalCalls: 1 }, byAgent: [{ agentId: 'main' }] });
    expect(r.aggregates.byProvider).toEqual([expect.objectContaining({ provider: 'local', count: 3 })]);
    expect(r.aggregates.costDaily.map((d) => d.date)).toEqual([r.endDate]);
    expect(r.aggregates.byCreator).toEqual([{ key: '["unknown"]', totals: r.totals, sessionCount: 2, daily: r.aggregates.costDaily, sessionActivity: [{ dates: [r.endDate], sessionCount: 2 }] }]);
  });

  it('narrows to one session or one agent, widens to every agent, and honours limit and creator', async () => {
    const one = await c.call<Usage>('sessions.usage', { key: 'agent:ops:main' });
    expect(one.sessions.map((s) => s.key)).toEqual(['agent:ops:main']);
    const ops = await c.call<Usage>('sessions.usage', { agentId: 'ops' });
    expect(ops.sessions.map((s) => s.key)).toEqual(['agent:ops:main']);
    const all = await c.call<Usage>('sessions.usage', { agentScope: 'all', limit: 1 });
    expect(all.sessions).toHaveLength(1);
    expect(all.aggregates.sessionCount).toBe(3);
    expect(all.aggregates.byAgent.map((a) => a.agentId).sort()).toEqual(['main', 'ops']);
    expect((await c.call<Usage>('sessions.usage', { creatorKey: '["profile","x"]' })).sessions).toEqual([]);
  });

  it('counts nothing outside the dates asked for', async () => {
    const past = await c.call<Usage>('sessions.usage', { startDate: '2020-01-01', endDate: '2020-01-31' });
    expect(past).toMatchObject({ startDate: '2020-01-01', endDate: '2020-01-31', sessions: [], totals: { totalTokens: 0 }, aggregates: { sessionCount: 0 } });
  });

  it('refuses contradictory or unreadable requests with the reason', async () => {
    await expect(c.call('sessions.usage', { agentScope: 'all', agentId: 'main' })).rejects.toThrow(/agentScope=all cannot be combined/);
    await expect(c.call('sessions.usage', { startDate: '2026-01-01' })).rejects.toThrow(/provided together/);
    await expect(c.call('sessions.usage', { agentId: 'ghost' })).rejects.toThrow(/unknown agent "ghost"/);
    await expect(c.call('sessions.usage', { days: 7 } as never)).rejects.toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });

  it("gives one session's turns as points with running totals, and its messages as the log lines", async () => {
    const recorded = (await c.call<MethodResult<'sessions.list'>>('sessions.list', {})).sessions.find((s) => s.key === 'agent:main:main')!;
    const series = await c.call<MethodResult<'sessions.usage.timeseries'>>('sessions.usage.timeseries', { key: 'agent:main:main' });
    expect(series.sessionId).toBe(recorded.sessionId);
    expect(series.points).toHaveLength(2);
    expect(series.points.at(-1)!.cumulativeTokens).toBe(recorded.inputTokens + recorded.outputTokens);
    expect(series.points.at(-1)!.cumulativeCost).toBeCloseTo(recorded.costUsd, 9);
    const logs = await c.call<MethodResult<'sessions.usage.logs'>>('sessions.usage.logs', { key: 'agent:main:main' });
    expect(logs.logs.map((l) => [l.role, l.content])).toEqual([
      ['user', 'one'],
      ['assistant', 'ok: one'],
      ['user', 'list'],
      ['assistant', '[Tool: sessions_list]'],
      ['tool', '[Tool Result]'],
      ['assistant', 'ok: list'],
    ]);
    expect(logs.logs[1]).toMatchObject({ tokens: expect.any(Number), cost: expect.any(Number) });
    expect((await c.call<MethodResult<'sessions.usage.logs'>>('sessions.usage.logs', { key: 'agent:main:main', limit: 2 })).logs.map((l) => l.content)).toEqual(['[Tool Result]', 'ok: list']);
    await expect(c.call('sessions.usage.timeseries', { key: 'agent:main:nowhere' })).rejects.toThrow(/No transcript found for session: agent:main:nowhere/);
  });

  it('is advertised in hello', () => {
    expect(c.hello.features.methods).toEqual(expect.arrayContaining(['sessions.usage', 'sessions.usage.timeseries', 'sessions.usage.logs']));
  });
});
