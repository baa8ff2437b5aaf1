import type { AgentTool, ToolContext, ToolResult } from './tools/types.js';
import { fitContext } from './context-budget.js';
import { ProviderError, type ModelContent, type ModelMessage, type ModelRequest, type ModelStreamEvent, type ModelUsage, type StopReason, type ToolSpec } from './providers/types.js';

/** A model the turn may use: the first is primary, the rest are failovers. */
export interface ModelChoice {
  ref: string;
  contextWindow: number;
  maxTokens: number;
  /** USD per million tokens. */
  cost?: { input: number; output: number; cacheRead?: number; cacheWrite?: number };
}

export interface TurnInput {
  runId: string;
  system: string;
  history: ModelMessage[];
  /** The new user message content (one message, or several for collect). */
  incoming: ModelMessage[];
  models: ModelChoice[];
  /** Streams one model call with failover across `models` (moving on only before output began). */
  stream(req: Omit<ModelRequest, 'model' | 'maxTokens'>, models: ModelChoice[]): AsyncIterable<ModelStreamEvent & { modelRef?: string }>;
  tools: AgentTool[];
  toolSpecs: ToolSpec[];
  runTool(tool: AgentTool, input: unknown, ctx: ToolContext): Promise<ToolResult>;
  toolCtx: Omit<ToolContext, 'signal'>;
  maxSteps: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** New user messages sent with `steer` while the turn runs, taken between steps. */
  takeSteer?(): Promise<ModelMessage[]> | ModelMessage[];
  onTextDelta?(delta: string, cumulative: string): void;
  onToolStart?(call: { id: string; name: string; input: unknown }): void;
  onToolEnd?(call: { id: string; name: string; result: ToolResult; durationMs: number }): void;
}

export type TurnStatus = 'ok' | 'aborted' | 'timeout' | 'error';

export interface TurnOutput {
  status: TurnStatus;
  /** Messages this turn added after the incoming ones (assistant replies, tool results, steered user messages). */
  added: ModelMessage[];
  /** The final assistant text shown to the user (partial when aborted). */
  replyText: string;
  usage: ModelUsage & { costUsd: number };
  stopReason?: StopReason | 'step_limit' | 'aborted' | 'timeout' | 'error';
  modelRef?: string;
  steps: number;
  error?: { kind: string; message: string };
  /** Estimated input tokens of the last model request, and whether older history had to be dropped to fit. */
  context?: { estimatedInputTokens: number; droppedMessages: number };
}

function costOf(u: ModelUsage, c: ModelChoice['cost']): number {
  if (!c) return 0;
  return (u.inputTokens * c.input + u.outputTokens * c.output + (u.cacheReadTokens ?? 0) * (c.cacheRead ?? 0) + (u.cacheWriteTokens ?? 0) * (c.cacheWrite ?? 0)) / 1_000_000;
}

/**
 * One agent turn: call the model, run the tools it asks for, feed the results
 * back, until it answers without tools or the step limit is reached. Streams
 * text as it arrives; an abort or timeout ends the turn with what was said so far.
 */
export async function runTurn(input: TurnInput): Promise<TurnOutput> {
  const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
  if (!input.models.length) return { status: 'error', added: [], replyText: '', usage, stopReason: 'error', steps: 0, error: { kind: 'no_model', message: 'no model is set up' } };
  const added: ModelMessage[] = [];
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error('turn timed out')), input.timeoutMs);
  timer.unref?.();
  const signal = AbortSignal.any([input.signal, timeout.signal]);
  const primary = input.models[0]!;
  let replyText = '';
  let modelRef: string | undefined;
  let steps = 0;
  let context: TurnOutput['context'];
  const end = (status: TurnStatus, stopReason: TurnOutput['stopReason'], error?: TurnOutput['error']): TurnOutput => {
    clearTimeout(timer);
    return { status, added, replyText, usage, stopReason, modelRef, steps, ...(error ? { error } : {}), ...(context ? { context } : {}) };
  };

  try {
    for (;;) {
      if (steps >= input.maxSteps) {
        replyText ||= `(stopped after ${input.maxSteps} tool steps without a final answer)`;
        return end('ok', 'step_limit');
      }
      steps++;
      const fitted = fitContext({
        system: input.system,
        history: [...input.history, ...input.incoming, ...added].slice(0, -1),
        incoming: [[...input.history, ...input.incoming, ...added].at(-1)!],
        contextWindow: primary.contextWindow,
        maxOutputTokens: primary.maxTokens,
      });
      context = { estimatedInputTokens: fitted.estimatedInputTokens, droppedMessages: fitted.droppedMessages };
      if (fitted.overflow) return end('error', 'error', { kind: 'context_length', message: 'the message is too long for the model context window' });

      let text = '';
      const toolCalls: { id: string; name: string; input: unknown }[] = [];
      let stopReason: StopReason = 'end_turn';
      for await (const ev of input.stream({ system: input.system, messages: fitted.messages, tools: input.toolSpecs, signal }, input.models)) {
        if (ev.modelRef) modelRef = ev.modelRef;
        if (ev.type === 'text_delta') {
          text += ev.text;
          replyText = text;
          input.onTextDelta?.(ev.text, text);
        } else if (ev.type === 'tool_call') toolCalls.push({ id: ev.id, name: ev.name, input: ev.input });
        else {
          stopReason = ev.stopReason;
          usage.inputTokens += ev.usage.inputTokens;
          usage.outputTokens += ev.usage.outputTokens;
          usage.cacheReadTokens += ev.usage.cacheReadTokens ?? 0;
          usage.cacheWriteTokens += ev.usage.cacheWriteTokens ?? 0;
          usage.costUsd += costOf(ev.usage, (input.models.find((m) => m.ref === modelRef) ?? primary).cost);
        }
      }
      const content: ModelContent[] = [];
      if (text) content.push({ type: 'text', text });
      for (const c of toolCalls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
      if (content.length) added.push({ role: 'assistant', content });
      if (!toolCalls.length) return end('ok', stopReason);

      const results: ModelContent[] = [];
      for (const call of toolCalls) {
        if (signal.aborted) throw signal.reason;
        const tool = input.tools.find((t) => t.name === call.name);
        input.onToolStart?.(call);
        const t0 = performance.now();
        const result: ToolResult = tool
          ? await input.runTool(tool, call.input, { ...input.toolCtx, signal })
          : { content: `Tool "${call.name}" is not available to this agent.`, isError: true };
        input.onToolEnd?.({ ...call, result, durationMs: performance.now() - t0 });
        results.push({ type: 'tool_result', toolUseId: call.id, content: result.content, ...(result.isError ? { isError: true } : {}) });
      }
      added.push({ role: 'user', content: results });
      const steer = (await input.takeSteer?.()) ?? [];
      added.push(...steer);
      replyText = '';
    }
  } catch (err) {
    if (timeout.signal.aborted && !input.signal.aborted) return end('timeout', 'timeout', { kind: 'timeout', message: `the turn took longer than ${Math.round(input.timeoutMs / 1000)} s` });
    if (input.signal.aborted || (err instanceof ProviderError && err.kind === 'aborted')) {
      if (replyText && !added.some((m) => m.role === 'assistant' && m.content.some((b) => b.type === 'text' && b.text === replyText))) {
        added.push({ role: 'assistant', content: [{ type: 'text', text: replyText }] });
      }
      return end('aborted', 'aborted');
    }
    const kind = err instanceof ProviderError ? err.kind : 'unknown';
    return end('error', 'error', { kind, message: err instanceof Error ? err.message : String(err) });
  }
}
