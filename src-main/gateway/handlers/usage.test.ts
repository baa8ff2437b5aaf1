import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../cli/gateway-client.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway, chatTurn } from '../../../test-support/gateway.js';
import { DAY_MS } from '../../store/usage-repo.js';
import { buildUsageReport, usageWindow } from './usage.js';

describe('usageWindow', () => {
  it('ends with today in the caller\'s clock and spans exactly N days', () => {
    const now = Date.UTC(2026, 4, 10, 23, 30); // 23:30 UTC on 10 May
    const utc = usageWindow(now, 7, 0);
    expect(utc.lastDay - utc.firstDay).toBe(6);
    expect(new Date(utc.endMs).toISOString()).toBe('2026-05-11T00:00:00.000Z');
    expect(utc.endMs - utc.startMs).toBe(7 * DAY_MS);
    // Two hours east it is already 11 May: the window moves with the reader's midnight.
    const east = usageWindow(now, 1, 120);
    expect(new Date(east.startMs).toISOString()).toBe('2026-05-10T22:00:00.000Z');
  });
});

describe('buildUsageReport', () => {
  it('zero-fills days, lists idle configured agents, sorts shares by cost and rounds cost', () => {
    const w = usageWindow(Date.UTC(2026, 0, 3, 12), 3, 0);
    const report = buildUsageReport(
      [
        { day: w.firstDay, agentId: 'main', model: 'a/x', turns: 2, inputTokens: 10, outputTokens: 4, costUsd: 0.1 },
        { day: w.lastDay, agentId: 'main', model: 'a/x', turns: 1, inputTokens: 1, outputTokens: 1, costUsd: 0.2 },
        { day: w.lastDay, agentId: 'ops', model: 'b/y', turns: 1, inputTokens: 5, outputTokens: 5, costUsd: 0.5 },
        { day: w.lastDay + 1, agentId: 'ops', model: 'b/y', turns: 9, inputTokens: 9, outputTokens: 9, costUsd: 9 },
      ],
      w,
      { agentIds: ['main', 'idle'], utcOffsetMinutes: 0, nowMs: 1 },
    );
    expect(report.days.map((d) => [d.date, d.turns])).toEqual([
      ['2026-01-01', 2],
      ['2026-01-02', 0],
      ['2026-01-03', 2],
    ]);
    expect(report.days[2]!.costUsd).toBe(0.7);
    expect(report.agents.map((a) => [a.agentId, a.costUsd])).toEqual([
      ['ops', 0.5],
      ['main', 0.3],
      ['idle', 0],
    ]);
    expect(report.models.map((m) => m.model)).toEqual(['b/y', 'a/x']);
    expect(report.totals).toEqual({ turns: 4, inputTokens: 16, outputTokens: 10, costUsd: 0.8 });
    expect(report.range).toMatchObject({ days: 3, startDate: '2026-01-01', endDate: '2026-01-03' });
  });
});

describe('usage.cost against a real gateway', () => {
  let model: FakeOpenAIServer;
  let t: TestGateway;
  let c: GatewayClient;
  beforeAll(async () => {
    model = new FakeOpenAIServer({ script: () => ({ text: 'ok' }) });
    await model.start();
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: 'usage-token-0123456789' } },
        models: { providers: { local: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'fake', cost: { input: 1000, output: 2000 } }] } } },
        agents: { defaults: { model: { primary: 'local/fake' } }, entries: { main: { default: true }, ops: {} } },
      },
    });
    c = await t.operator();
  });
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  const turn = (sessionKey: string, message: string) => chatTurn(c, { sessionKey, message, idempotencyKey: `${sessionKey}-${message}` });

  it('counts every turn per agent and model, today included, and keeps turns from before a reset', async () => {
    const empty = await c.call<MethodResult<'usage.cost'>>('usage.cost', { days: 7 });
    expect(empty.days).toHaveLength(7);
    expect(empty.totals.turns).toBe(0);
    expect(empty.agents.map((a) => a.agentId).sort()).toEqual(['main', 'ops']);

    await turn('agent:main:main', 'one');
    await turn('agent:main:main', 'two');
    await c.call('sessions.reset', { key: 'agent:main:main' });
    await turn('agent:ops:main', 'three');

    const offset = -new Date().getTimezoneOffset();
    const r = await c.call<MethodResult<'usage.cost'>>('usage.cost', { days: 7, utcOffsetMinutes: offset });
    expect(r.totals.turns).toBe(3);
    expect(r.totals.inputTokens).toBeGreaterThan(0);
    expect(r.totals.costUsd).toBeGreaterThan(0);
    expect(r.days.at(-1)).toMatchObject({ turns: 3 });
    expect(r.agents.find((a) => a.agentId === 'main')).toMatchObject({ turns: 2 });
    expect(r.agents.find((a) => a.agentId === 'ops')).toMatchObject({ turns: 1 });
    expect(r.models).toEqual([expect.objectContaining({ model: 'local/fake', turns: 3 })]);
    const sessions = await c.call<MethodResult<'sessions.list'>>('sessions.list', {});
    const recorded = sessions.sessions.reduce((sum, s) => sum + s.costUsd, 0);
    // The archived main session no longer counts in sessions.list; usage keeps it.
    expect(r.totals.costUsd).toBeGreaterThan(recorded);
  });

  it('refuses a window beyond a year', async () => {
    await expect(c.call('usage.cost', { days: 400 })).rejects.toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });
});
