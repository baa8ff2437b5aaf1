import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

/** Turns, tokens and cost of a group of assistant turns. */
export const UsageTotalsSchema = Type.Object({
  /** Assistant turns that reported usage. */
  turns: Type.Integer(),
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
  /** From the configured model prices; 0 where a model has none. */
  costUsd: Type.Number(),
});

/** One calendar day in the caller's offset. */
export const UsageDaySchema = Type.Composite([Type.Object({ date: Type.String({ description: 'YYYY-MM-DD' }) }), UsageTotalsSchema]);

/** One agent's share; `agentId` is empty for turns archived before agents were recorded per session id. */
export const UsageAgentSchema = Type.Composite([Type.Object({ agentId: Type.String() }), UsageTotalsSchema]);

/** One model's share; `model` (`provider/model`) is empty when a turn recorded none. */
export const UsageModelSchema = Type.Composite([Type.Object({ model: Type.String() }), UsageTotalsSchema]);

export const UsageCostResultSchema = Type.Object({
  /** Every day of the window, oldest first, zero-filled. */
  days: Type.Array(UsageDaySchema),
  /** Configured agents (even idle ones) and any other agent with turns, highest cost first. */
  agents: Type.Array(UsageAgentSchema),
  /** Models with turns in the window, highest cost first. */
  models: Type.Array(UsageModelSchema),
  totals: UsageTotalsSchema,
  /** The window actually reported: [startMs, endMs) with its first and last date. */
  range: Type.Object({ days: Type.Integer(), startDate: Type.String(), endDate: Type.String(), startMs: Type.Integer(), endMs: Type.Integer(), utcOffsetMinutes: Type.Integer() }),
  updatedAtMs: Type.Integer(),
});

export const usageCostMethod = defineMethod({
  description: 'Turns, tokens and cost per day for the last N days, with totals per agent and per model, from the transcripts.',
  scope: OperatorScopes.READ,
  params: Type.Object(
    {
      /** Days to report, today included (default 30). */
      days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
      /** The caller's clock, so days start at its midnight: minutes east of UTC (default 0). */
      utcOffsetMinutes: Type.Optional(Type.Integer({ minimum: -840, maximum: 840 })),
    },
    { additionalProperties: false },
  ),
  result: UsageCostResultSchema,
});
