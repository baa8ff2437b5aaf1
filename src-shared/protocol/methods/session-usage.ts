import { Type, type TSchema } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

// `sessions.usage`: tokens, cost, messages and tools per session and in total over a date range, in the reference
// protocol's shapes (its Control UI's Usage page reads them). Filled from what the transcripts record: tokens, cost
// and model of each assistant turn, the messages and the tool calls. Cache tokens and the input/output split of the
// cost are not recorded here, so those fields stay 0; latency is not recorded, so it is left out.

const NonEmpty = Type.String({ minLength: 1 });
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Count = Type.Integer({ minimum: 0 });

/** Tokens and cost, in the reference's field names. */
export const CostUsageTotalsSchema = Type.Object({
  input: Type.Number(),
  output: Type.Number(),
  cacheRead: Type.Number(),
  cacheWrite: Type.Number(),
  totalTokens: Type.Number(),
  totalCost: Type.Number(),
  inputCost: Type.Number(),
  outputCost: Type.Number(),
  cacheReadCost: Type.Number(),
  cacheWriteCost: Type.Number(),
  /** Turns with tokens but no cost (their model has no configured price). */
  missingCostEntries: Count,
});

export const MessageCountsSchema = Type.Object({ total: Count, user: Count, assistant: Count, toolCalls: Count, toolResults: Count, errors: Count });

const ToolUsageSchema = Type.Object({ totalCalls: Count, uniqueTools: Count, tools: Type.Array(Type.Object({ name: Type.String(), count: Count })) });

const ModelUsageSchema = Type.Object({ provider: Type.Optional(Type.String()), model: Type.Optional(Type.String()), count: Count, totals: CostUsageTotalsSchema });

const withTotals = <T extends TSchema>(extra: T) => Type.Intersect([extra, CostUsageTotalsSchema]);

/** One session's usage in the range. */
export const SessionCostSummarySchema = withTotals(
  Type.Object({
    sessionId: Type.Optional(Type.String()),
    firstActivity: Type.Optional(Type.Integer()),
    lastActivity: Type.Optional(Type.Integer()),
    durationMs: Type.Optional(Type.Integer()),
    activityDates: Type.Optional(Type.Array(Type.String())),
    dailyBreakdown: Type.Optional(Type.Array(withTotals(Type.Object({ date: Type.String(), tokens: Type.Number(), cost: Type.Number() })))),
    dailyMessageCounts: Type.Optional(Type.Array(Type.Intersect([Type.Object({ date: Type.String() }), MessageCountsSchema]))),
    dailyModelUsage: Type.Optional(
      Type.Array(Type.Object({ date: Type.String(), provider: Type.Optional(Type.String()), model: Type.Optional(Type.String()), tokens: Type.Number(), cost: Type.Number(), count: Count })),
    ),
    messageCounts: Type.Optional(MessageCountsSchema),
    toolUsage: Type.Optional(ToolUsageSchema),
    modelUsage: Type.Optional(Type.Array(ModelUsageSchema)),
  }),
);

export const SessionUsageRowSchema = Type.Object({
  key: Type.String(),
  label: Type.Optional(Type.String()),
  sessionId: Type.String(),
  /** `instance`: this transcript; `family`: with the transcripts earlier resets set aside. */
  scope: Type.Union([Type.Literal('instance'), Type.Literal('family')]),
  includedSessionIds: Type.Optional(Type.Array(Type.String())),
  historicalInstanceCount: Type.Optional(Count),
  updatedAt: Type.Integer(),
  agentId: Type.String(),
  /** Who started the session: not recorded here, so always the reference's "unknown" key. */
  creatorKey: Type.String(),
  channel: Type.Optional(Type.String()),
  chatType: Type.Optional(Type.String()),
  modelOverride: Type.Optional(Type.String()),
  usage: Type.Union([SessionCostSummarySchema, Type.Null()]),
  hasContextWeight: Type.Boolean(),
});

export const SessionsUsageResultSchema = Type.Object({
  updatedAt: Type.Integer(),
  startDate: Type.String(),
  endDate: Type.String(),
  /** The most recently updated sessions with usage in the range, at most `limit`. */
  sessions: Type.Array(SessionUsageRowSchema),
  /** Every matching session, not only the rows returned. */
  totals: CostUsageTotalsSchema,
  aggregates: Type.Object({
    sessionCount: Count,
    longestSessionDurationMs: Type.Optional(Type.Integer()),
    messages: MessageCountsSchema,
    tools: ToolUsageSchema,
    byModel: Type.Array(ModelUsageSchema),
    byProvider: Type.Array(ModelUsageSchema),
    byAgent: Type.Array(Type.Object({ agentId: Type.String(), totals: CostUsageTotalsSchema })),
    byChannel: Type.Array(Type.Object({ channel: Type.String(), totals: CostUsageTotalsSchema })),
    /** Who started each session is not recorded: one "unknown" creator holds them all. */
    byCreator: Type.Array(
      Type.Object({
        key: Type.String(),
        totals: CostUsageTotalsSchema,
        sessionCount: Count,
        daily: Type.Array(withTotals(Type.Object({ date: Type.String() }))),
        sessionActivity: Type.Array(Type.Object({ dates: Type.Array(Type.String()), sessionCount: Count })),
      }),
    ),
    costDaily: Type.Array(withTotals(Type.Object({ date: Type.String() }))),
    dailyLatency: Type.Array(Type.Unknown()),
    modelDaily: Type.Array(Type.Object({ date: Type.String(), provider: Type.Optional(Type.String()), model: Type.Optional(Type.String()), tokens: Type.Number(), cost: Type.Number(), count: Count })),
    daily: Type.Array(Type.Object({ date: Type.String(), tokens: Type.Number(), cost: Type.Number(), messages: Count, toolCalls: Count, errors: Count })),
  }),
  creatorOptions: Type.Array(Type.Object({ key: Type.String() })),
});

export const sessionsUsageMethod = defineMethod({
  description: 'Tokens, cost, messages and tools per session and in total over a date range (the reference Usage page).',
  scope: OperatorScopes.READ,
  params: Type.Object(
    {
      /** One session; otherwise the sessions of `agentId` (default: the default agent), or of every agent with `agentScope: "all"`. */
      key: Type.Optional(NonEmpty),
      agentId: Type.Optional(NonEmpty),
      agentScope: Type.Optional(Type.Literal('all')),
      /** Only sessions started by this creator (`creatorOptions`). */
      creatorKey: Type.Optional(NonEmpty),
      startDate: Type.Optional(DateString),
      endDate: Type.Optional(DateString),
      /** How the dates are read: UTC (default), the gateway's clock, or `timeZone` / `utcOffset`. */
      mode: Type.Optional(Type.Union([Type.Literal('utc'), Type.Literal('gateway'), Type.Literal('specific')])),
      /** Without dates: the last 7, 30 or 90 days, a year, or everything (default 30 days). */
      range: Type.Optional(Type.Union([Type.Literal('7d'), Type.Literal('30d'), Type.Literal('90d'), Type.Literal('1y'), Type.Literal('all')])),
      groupBy: Type.Optional(Type.Union([Type.Literal('instance'), Type.Literal('family')])),
      /** Same as `groupBy: "family"`. */
      includeHistorical: Type.Optional(Type.Boolean()),
      utcOffset: Type.Optional(Type.String({ pattern: '^UTC[+-]\\d{1,2}(?::[0-5]\\d)?$' })),
      timeZone: Type.Optional(NonEmpty),
      limit: Type.Optional(Type.Integer({ minimum: 1 })),
      /** Context weight is not recorded here: accepted, and `hasContextWeight` stays false. */
      includeContextWeight: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  result: SessionsUsageResultSchema,
});

const SessionRef = {
  /** The session, as `sessions.usage` lists it. */
  key: NonEmpty,
  agentId: Type.Optional(NonEmpty),
};

export const SessionsUsageTimeseriesResultSchema = Type.Object({
  sessionId: Type.String(),
  points: Type.Array(
    Type.Object({
      timestamp: Type.Integer(),
      input: Type.Number(),
      output: Type.Number(),
      cacheRead: Type.Number(),
      cacheWrite: Type.Number(),
      totalTokens: Type.Number(),
      cost: Type.Number(),
      cumulativeTokens: Type.Number(),
      cumulativeCost: Type.Number(),
    }),
  ),
});

export const SessionsUsageLogsResultSchema = Type.Object({
  logs: Type.Array(
    Type.Object({
      timestamp: Type.Integer(),
      role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('tool')]),
      content: Type.String(),
      tokens: Type.Optional(Type.Number()),
      cost: Type.Optional(Type.Number()),
    }),
  ),
});

export const sessionsUsageTimeseriesMethod = defineMethod({
  description: "One session's token use and cost turn by turn (at most 200 points: beyond that, consecutive turns are summed into one point), with running totals.",
  scope: OperatorScopes.READ,
  params: Type.Object(SessionRef, { additionalProperties: false }),
  result: SessionsUsageTimeseriesResultSchema,
});

export const sessionsUsageLogsMethod = defineMethod({
  description: "One session's latest messages as the Usage page lists them: role, text (tool calls as `[Tool: name]`), and tokens and cost of each reply.",
  scope: OperatorScopes.READ,
  params: Type.Object({ ...SessionRef, limit: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
  result: SessionsUsageLogsResultSchema,
});
