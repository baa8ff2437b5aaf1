import type { Static } from '@sinclair/typebox';
import type {
  CostUsageTotalsSchema,
  MessageCountsSchema,
  SessionCostSummarySchema,
  SessionsUsageLogsResultSchema,
  SessionsUsageResultSchema,
  SessionsUsageTimeseriesResultSchema,
} from '../../src-shared/protocol/methods/session-usage.js';
import type { TranscriptEntry } from '../store/types.js';

// Pure accounting for `sessions.usage`: transcript entries → one session's summary, summaries → totals and the
// groupings the reference Usage page draws. Only what the transcript records is counted (see the protocol schema).

export type CostUsageTotals = Static<typeof CostUsageTotalsSchema>;
export type MessageCounts = Static<typeof MessageCountsSchema>;
export type SessionCostSummary = Static<typeof SessionCostSummarySchema>;
type Aggregates = Static<typeof SessionsUsageResultSchema>['aggregates'];
type ModelUsage = Aggregates['byModel'][number];

export const emptyTotals = (): CostUsageTotals => ({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  totalTokens: 0,
  totalCost: 0,
  inputCost: 0,
  outputCost: 0,
  cacheReadCost: 0,
  cacheWriteCost: 0,
  missingCostEntries: 0,
});
const emptyCounts = (): MessageCounts => ({ total: 0, user: 0, assistant: 0, toolCalls: 0, toolResults: 0, errors: 0 });

const TOTAL_KEYS = Object.keys(emptyTotals()) as (keyof CostUsageTotals)[];
const COUNT_KEYS = Object.keys(emptyCounts()) as (keyof MessageCounts)[];

export function addTotals(into: CostUsageTotals, from: CostUsageTotals): void {
  for (const k of TOTAL_KEYS) into[k] += from[k];
}
function addCounts(into: MessageCounts, from: MessageCounts): void {
  for (const k of COUNT_KEYS) into[k] += from[k];
}
/** Pick the totals out of a summary or row that carries more fields. */
function totalsOf(o: CostUsageTotals): CostUsageTotals {
  return Object.fromEntries(TOTAL_KEYS.map((k) => [k, o[k]])) as CostUsageTotals;
}

/** `provider/model` as recorded with a turn → its two parts (a bare model has no provider). */
export function splitModelRef(ref: string | undefined): { provider?: string; model?: string } {
  if (!ref) return {};
  const i = ref.indexOf('/');
  return i > 0 ? { provider: ref.slice(0, i), model: ref.slice(i + 1) } : { model: ref };
}

function entryTotals(usage: NonNullable<TranscriptEntry['usage']>): CostUsageTotals {
  const t = emptyTotals();
  t.input = usage.inputTokens;
  t.output = usage.outputTokens;
  t.totalTokens = usage.inputTokens + usage.outputTokens;
  t.totalCost = usage.costUsd ?? 0;
  if (!usage.costUsd && t.totalTokens > 0) t.missingCostEntries = 1;
  return t;
}

const blocks = (e: TranscriptEntry) => e.content.filter((b): b is { type: string; name?: unknown } => typeof b === 'object' && b !== null && 'type' in b);

function entryCounts(e: TranscriptEntry): { counts: MessageCounts; tools: string[] } {
  const counts = emptyCounts();
  const tools: string[] = [];
  if (e.role === 'summary') return { counts, tools };
  counts.total = 1;
  if (e.role === 'user') counts.user = 1;
  if (e.role === 'assistant') {
    counts.assistant = 1;
    for (const b of blocks(e)) if (b.type === 'tool_use') tools.push(typeof b.name === 'string' ? b.name : 'unknown');
    counts.toolCalls = tools.length;
  }
  if (e.role === 'tool') counts.toolResults = blocks(e).filter((b) => b.type === 'tool_result').length;
  return { counts, tools };
}

const modelKey = (provider?: string, model?: string) => JSON.stringify([provider ?? 'unknown', model ?? 'unknown']);
const byCostThenTokens = (a: { totals: CostUsageTotals }, b: { totals: CostUsageTotals }) => b.totals.totalCost - a.totals.totalCost || b.totals.totalTokens - a.totals.totalTokens;
const byDate = <T extends { date: string }>(rows: Iterable<T>) => [...rows].sort((a, b) => a.date.localeCompare(b.date));

function addModel(map: Map<string, ModelUsage>, key: string, m: { provider?: string; model?: string; count: number; totals: CostUsageTotals }): void {
  let row = map.get(key);
  if (!row) map.set(key, (row = { ...(m.provider ? { provider: m.provider } : {}), ...(m.model ? { model: m.model } : {}), count: 0, totals: emptyTotals() }));
  row.count += m.count;
  addTotals(row.totals, m.totals);
}

function toolUsage(tools: Map<string, number>) {
  const list = [...tools].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
  return { totalCalls: list.reduce((n, t) => n + t.count, 0), uniqueTools: list.length, tools: list };
}

/** One session's entries within [startMs, endMs] → its summary; null when it has none there. */
export function summarizeSession(entries: Iterable<TranscriptEntry>, o: { sessionId: string; startMs: number; endMs: number; dayKey(ms: number): string }): SessionCostSummary | null {
  const totals = emptyTotals();
  const counts = emptyCounts();
  const tools = new Map<string, number>();
  const models = new Map<string, ModelUsage>();
  const daily = new Map<string, CostUsageTotals>();
  const dailyCounts = new Map<string, MessageCounts & { date: string }>();
  const dailyModels = new Map<string, { date: string; provider?: string; model?: string; tokens: number; cost: number; count: number }>();
  let first: number | undefined;
  let last: number | undefined;
  for (const e of entries) {
    if (e.createdAtMs < o.startMs || e.createdAtMs > o.endMs || e.role === 'summary') continue;
    first = first === undefined ? e.createdAtMs : Math.min(first, e.createdAtMs);
    last = last === undefined ? e.createdAtMs : Math.max(last, e.createdAtMs);
    const date = o.dayKey(e.createdAtMs);
    const { counts: c, tools: used } = entryCounts(e);
    addCounts(counts, c);
    let dc = dailyCounts.get(date);
    if (!dc) dailyCounts.set(date, (dc = { date, ...emptyCounts() }));
    addCounts(dc, c);
    for (const name of used) tools.set(name, (tools.get(name) ?? 0) + 1);
    if (!e.usage) continue;
    const t = entryTotals(e.usage);
    addTotals(totals, t);
    let day = daily.get(date);
    if (!day) daily.set(date, (day = emptyTotals()));
    addTotals(day, t);
    const { provider, model } = splitModelRef(e.usage.model);
    addModel(models, modelKey(provider, model), { provider, model, count: 1, totals: t });
    const dmKey = JSON.stringify([date, provider ?? 'unknown', model ?? 'unknown']);
    let dm = dailyModels.get(dmKey);
    if (!dm) dailyModels.set(dmKey, (dm = { date, ...(provider ? { provider } : {}), ...(model ? { model } : {}), tokens: 0, cost: 0, count: 0 }));
    dm.tokens += t.totalTokens;
    dm.cost += t.totalCost;
    dm.count += 1;
  }
  if (first === undefined || last === undefined) return null;
  return {
    sessionId: o.sessionId,
    firstActivity: first,
    lastActivity: last,
    durationMs: last - first,
    activityDates: [...dailyCounts.keys()].sort(),
    dailyBreakdown: byDate([...daily].map(([date, t]) => ({ date, tokens: t.totalTokens, cost: t.totalCost, ...t }))),
    dailyMessageCounts: byDate(dailyCounts.values()),
    dailyModelUsage: byDate(dailyModels.values()),
    messageCounts: counts,
    toolUsage: toolUsage(tools),
    modelUsage: [...models.values()].sort(byCostThenTokens),
    ...totals,
  };
}

/** Who started a session is not recorded here: the reference's key for an unknown creator. */
export const UNKNOWN_CREATOR_KEY = '["unknown"]';

/** Sessions grouped by the days they were active on (the reference's creator activity). */
function sessionActivity(rows: readonly { usage: SessionCostSummary | null }[]): { dates: string[]; sessionCount: number }[] {
  const byDates = new Map<string, { dates: string[]; sessionCount: number }>();
  for (const { usage } of rows) {
    if (!usage) continue;
    const dates = [...(usage.activityDates ?? [])].sort();
    const key = JSON.stringify(dates);
    const a = byDates.get(key) ?? { dates, sessionCount: 0 };
    a.sessionCount++;
    byDates.set(key, a);
  }
  return [...byDates.values()].sort((a, b) => a.dates.join(',').localeCompare(b.dates.join(',')));
}

/** Every matching session's summary → the totals and groupings of the whole report. */
export function aggregateUsage(rows: readonly { agentId: string; channel?: string; usage: SessionCostSummary | null }[]): { totals: CostUsageTotals; aggregates: Aggregates } {
  const totals = emptyTotals();
  const messages = emptyCounts();
  const tools = new Map<string, number>();
  const models = new Map<string, ModelUsage>();
  const providers = new Map<string, ModelUsage>();
  const agents = new Map<string, CostUsageTotals>();
  const channels = new Map<string, CostUsageTotals>();
  const costDaily = new Map<string, CostUsageTotals>();
  const days = new Map<string, { date: string; tokens: number; cost: number; messages: number; toolCalls: number; errors: number }>();
  const modelDaily = new Map<string, Aggregates['modelDaily'][number]>();
  const day = (date: string) => {
    let d = days.get(date);
    if (!d) days.set(date, (d = { date, tokens: 0, cost: 0, messages: 0, toolCalls: 0, errors: 0 }));
    return d;
  };
  const group = (map: Map<string, CostUsageTotals>, key: string, t: CostUsageTotals) => {
    let g = map.get(key);
    if (!g) map.set(key, (g = emptyTotals()));
    addTotals(g, t);
  };
  let sessionCount = 0;
  let longest = 0;
  for (const { agentId, channel, usage } of rows) {
    if (!usage) continue;
    sessionCount++;
    longest = Math.max(longest, usage.durationMs ?? 0);
    const t = totalsOf(usage);
    addTotals(totals, t);
    if (usage.messageCounts) addCounts(messages, usage.messageCounts);
    for (const tool of usage.toolUsage?.tools ?? []) tools.set(tool.name, (tools.get(tool.name) ?? 0) + tool.count);
    for (const m of usage.modelUsage ?? []) {
      addModel(models, modelKey(m.provider, m.model), m);
      addModel(providers, m.provider ?? 'unknown', { provider: m.provider ?? 'unknown', count: m.count, totals: m.totals });
    }
    group(agents, agentId, t);
    if (channel) group(channels, channel, t);
    for (const d of usage.dailyBreakdown ?? []) {
      group(costDaily, d.date, totalsOf(d));
      day(d.date).tokens += d.tokens;
      day(d.date).cost += d.cost;
    }
    for (const d of usage.dailyMessageCounts ?? []) {
      day(d.date).messages += d.total;
      day(d.date).toolCalls += d.toolCalls;
      day(d.date).errors += d.errors;
    }
    for (const d of usage.dailyModelUsage ?? []) {
      const key = JSON.stringify([d.date, d.provider ?? 'unknown', d.model ?? 'unknown']);
      const dm = modelDaily.get(key) ?? { ...d, tokens: 0, cost: 0, count: 0 };
      dm.tokens += d.tokens;
      dm.cost += d.cost;
      dm.count += d.count;
      modelDaily.set(key, dm);
    }
  }
  return {
    totals,
    aggregates: {
      sessionCount,
      ...(longest > 0 ? { longestSessionDurationMs: longest } : {}),
      messages,
      tools: toolUsage(tools),
      byModel: [...models.values()].sort(byCostThenTokens),
      byProvider: [...providers.values()].sort(byCostThenTokens),
      byAgent: [...agents].map(([agentId, t]) => ({ agentId, totals: t })).sort(byCostThenTokens),
      byChannel: [...channels].map(([channel, t]) => ({ channel, totals: t })).sort(byCostThenTokens),
      // Who started a session is not recorded: every session counts under the reference's "unknown" creator.
      byCreator: sessionCount ? [{ key: UNKNOWN_CREATOR_KEY, totals: { ...totals }, sessionCount, daily: byDate([...costDaily].map(([date, t]) => ({ date, ...t }))), sessionActivity: sessionActivity(rows) }] : [],
      costDaily: byDate([...costDaily].map(([date, t]) => ({ date, ...t }))),
      dailyLatency: [],
      modelDaily: [...modelDaily.values()].sort((a, b) => a.date.localeCompare(b.date) || b.cost - a.cost),
      daily: byDate(days.values()),
    },
  };
}

type Timeseries = Static<typeof SessionsUsageTimeseriesResultSchema>;
type LogLine = Static<typeof SessionsUsageLogsResultSchema>['logs'][number];
type Point = Omit<Timeseries['points'][number], 'cumulativeTokens' | 'cumulativeCost'>;

export const MAX_TIMESERIES_POINTS = 200;

/** A session's turns with usage as points in time; beyond `maxPoints`, consecutive turns are summed into one point each. */
export function usageTimeseries(entries: Iterable<TranscriptEntry>, sessionId: string, maxPoints = MAX_TIMESERIES_POINTS): Timeseries {
  let points: Point[] = [];
  for (const e of entries) {
    if (!e.usage) continue;
    const t = entryTotals(e.usage);
    points.push({ timestamp: e.createdAtMs, input: t.input, output: t.output, cacheRead: 0, cacheWrite: 0, totalTokens: t.totalTokens, cost: t.totalCost });
  }
  points.sort((a, b) => a.timestamp - b.timestamp);
  if (points.length > maxPoints) {
    const step = Math.ceil(points.length / maxPoints);
    const buckets: Point[] = [];
    for (let i = 0; i < points.length; i += step) {
      const group = points.slice(i, i + step);
      const sum = (k: keyof Point) => group.reduce((n, p) => n + p[k], 0);
      buckets.push({ timestamp: group.at(-1)!.timestamp, input: sum('input'), output: sum('output'), cacheRead: 0, cacheWrite: 0, totalTokens: sum('totalTokens'), cost: sum('cost') });
    }
    points = buckets;
  }
  let cumulativeTokens = 0;
  let cumulativeCost = 0;
  return {
    sessionId,
    points: points.map((p) => {
      cumulativeTokens += p.totalTokens;
      cumulativeCost += p.cost;
      return { ...p, cumulativeTokens, cumulativeCost };
    }),
  };
}

const MAX_LOG_CHARS = 2000;

/** One transcript entry as a line of the Usage page's message log; null for entries it does not list (summaries, empty ones). */
export function usageLogLine(e: TranscriptEntry): LogLine | null {
  if (e.role === 'summary') return null;
  const parts: string[] = [];
  for (const b of e.content) {
    if (typeof b === 'string') parts.push(b);
    else if (typeof b === 'object' && b !== null) {
      const block = b as { type?: unknown; text?: unknown; name?: unknown };
      if (block.type === 'text' && typeof block.text === 'string') parts.push(block.text);
      else if (block.type === 'tool_use') parts.push(`[Tool: ${typeof block.name === 'string' ? block.name : 'unknown'}]`);
      else if (block.type === 'tool_result') parts.push('[Tool Result]');
    }
  }
  let content = parts.join('\n').trim();
  if (!content) return null;
  if (content.length > MAX_LOG_CHARS) content = `${[...content].slice(0, MAX_LOG_CHARS).join('')}…`;
  const usage = e.role === 'assistant' && e.usage ? entryTotals(e.usage) : undefined;
  return { timestamp: e.createdAtMs, role: e.role, content, ...(usage ? { tokens: usage.totalTokens, cost: usage.totalCost } : {}) };
}
