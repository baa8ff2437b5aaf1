import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { Store, UsageRow } from '../../store/types.js';
import { DAY_MS } from '../../store/usage-repo.js';
import type { Handlers } from '../dispatcher.js';

type UsageCost = MethodResult<'usage.cost'>;
type Totals = UsageCost['totals'];

export const DEFAULT_USAGE_DAYS = 30;

export interface UsageWindow {
  /** Day numbers (days since 1970-01-01 in the offset), inclusive. */
  firstDay: number;
  lastDay: number;
  startMs: number;
  endMs: number;
}

/** The last `days` days up to and including today, in a clock `utcOffsetMinutes` east of UTC. */
export function usageWindow(nowMs: number, days: number, utcOffsetMinutes: number): UsageWindow {
  const offsetMs = utcOffsetMinutes * 60_000;
  const lastDay = Math.floor((nowMs + offsetMs) / DAY_MS);
  const firstDay = lastDay - days + 1;
  return { firstDay, lastDay, startMs: firstDay * DAY_MS - offsetMs, endMs: (lastDay + 1) * DAY_MS - offsetMs };
}

const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const zero = (): Totals => ({ turns: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
function add(t: Totals, r: UsageRow): void {
  t.turns += r.turns;
  t.inputTokens += r.inputTokens;
  t.outputTokens += r.outputTokens;
  t.costUsd += r.costUsd;
}
// Sums of binary fractions drift (0.1 + 0.2); a report in dollars needs no more than micro-dollars.
const settle = <T extends Totals>(t: T): T => ({ ...t, costUsd: Math.round(t.costUsd * 1e6) / 1e6 });
const byCostThenTurns = (a: Totals, b: Totals) => b.costUsd - a.costUsd || b.turns - a.turns;

/** Pure: store rows → the `usage.cost` report, with every day of the window and every configured agent present. */
export function buildUsageReport(rows: readonly UsageRow[], w: UsageWindow, o: { agentIds: readonly string[]; utcOffsetMinutes: number; nowMs: number }): UsageCost {
  const days = new Map<number, Totals>();
  for (let d = w.firstDay; d <= w.lastDay; d++) days.set(d, zero());
  const agents = new Map<string, Totals>(o.agentIds.map((id) => [id, zero()]));
  const models = new Map<string, Totals>();
  const totals = zero();
  for (const r of rows) {
    const day = days.get(r.day);
    if (!day) continue;
    add(day, r);
    add(agents.get(r.agentId) ?? agents.set(r.agentId, zero()).get(r.agentId)!, r);
    add(models.get(r.model) ?? models.set(r.model, zero()).get(r.model)!, r);
    add(totals, r);
  }
  return {
    days: [...days].map(([d, t]) => settle({ date: dateOf(d), ...t })),
    agents: [...agents].map(([agentId, t]) => settle({ agentId, ...t })).sort(byCostThenTurns),
    models: [...models].map(([model, t]) => settle({ model, ...t })).sort(byCostThenTurns),
    totals: settle(totals),
    range: { days: w.lastDay - w.firstDay + 1, startDate: dateOf(w.firstDay), endDate: dateOf(w.lastDay), startMs: w.startMs, endMs: w.endMs, utcOffsetMinutes: o.utcOffsetMinutes },
    updatedAtMs: o.nowMs,
  };
}

export interface UsageHandlerDeps {
  store: Pick<Store, 'usage'>;
  /** Configured agent ids, listed in the report even when idle. */
  agentIds(): string[];
  now?: () => number;
}

/** `usage.cost`: the Usage page's chart and tables. */
export function usageHandlers(deps: UsageHandlerDeps): Handlers {
  return {
    'usage.cost': async (params: MethodParams<'usage.cost'>) => {
      const nowMs = deps.now?.() ?? Date.now();
      const utcOffsetMinutes = params.utcOffsetMinutes ?? 0;
      const w = usageWindow(nowMs, params.days ?? DEFAULT_USAGE_DAYS, utcOffsetMinutes);
      const rows = await deps.store.usage.byDay({ sinceMs: w.startMs, untilMs: w.endMs, utcOffsetMinutes });
      return buildUsageReport(rows, w, { agentIds: deps.agentIds(), utcOffsetMinutes, nowMs });
    },
  };
}
