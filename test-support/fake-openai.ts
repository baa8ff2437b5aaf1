/**
 * Local fake of the OpenAI API: `POST /v1/chat/completions`, `POST /v1/responses`,
 * `GET /v1/models`. Point the SDK at `${baseUrl}/v1` (`createProvider` adds `/v1` itself).
 *
 * Chat Completions streams `chat.completion.chunk`s: a role chunk, `delta.content`
 * pieces, `delta.tool_calls` (first piece carries index/id/name, later pieces only
 * argument fragments), a `finish_reason` chunk, a usage chunk with empty `choices`
 * when `stream_options.include_usage`, then `data: [DONE]`.
 * Responses streams `response.created`, `response.in_progress`, and per output item
 * `response.output_item.added`, the deltas (`response.output_text.delta` /
 * `response.function_call_arguments.delta`), the `.done` events, `response.output_item.done`,
 * then `response.completed` (or `response.incomplete` for max_tokens/refusal) with usage.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-server.js';
import {
  FakeModelServer,
  defaultErrorType,
  retryHeaders,
  type FakeServerOptions,
  type PlannedReply,
  type PlannedStream,
  type ScriptRequest,
  type ScriptedError,
  type SseEvent,
} from './fake-model-script.js';
import type { StopReason } from '../src-main/agents/providers/types.js';

const ERROR_TYPES: Record<number, string> = { 401: 'invalid_request_error', 403: 'permission_denied', 429: 'requests' };
const ERROR_CODES: Record<number, string> = { 401: 'invalid_api_key', 429: 'rate_limit_exceeded', 404: 'model_not_found' };
const FINISH: Record<StopReason, string> = { end_turn: 'stop', stop_sequence: 'stop', tool_use: 'tool_calls', max_tokens: 'length', refusal: 'content_filter', other: 'stop' };

export class FakeOpenAIServer extends FakeModelServer {
  constructor(opts: FakeServerOptions = {}) {
    super(opts);
  }

  protected async route(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<boolean> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, { object: 'list', data: (this.opts.models ?? ['gpt-fake-1']).map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })) });
      return true;
    }
    if (req.method !== 'POST') return false;
    const b = (body ?? {}) as Record<string, unknown>;
    const model = String(b.model ?? '');
    if (path === '/v1/chat/completions') {
      const messages = (b.messages as { role?: string; content?: unknown }[]) ?? [];
      const system = messages
        .filter((m) => m.role === 'system' || m.role === 'developer')
        .map((m) => (typeof m.content === 'string' ? m.content : ''))
        .join('\n');
      const includeUsage = (b.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      const sreq: ScriptRequest = { api: 'openai-completions', model, messages, tools: (b.tools as unknown[]) ?? [], system, body: b };
      await this.answer(res, sreq, b.stream === true, {
        idPrefix: 'call',
        json: (plan, call) => chatJson(plan, call, model),
        stream: (plan, call) => chatStream(plan, call, model, includeUsage),
      });
      return true;
    }
    if (path === '/v1/responses') {
      const input = typeof b.input === 'string' ? [{ role: 'user', content: b.input }] : ((b.input as unknown[]) ?? []);
      const sreq: ScriptRequest = { api: 'openai-responses', model, messages: input, tools: (b.tools as unknown[]) ?? [], system: String(b.instructions ?? ''), body: b };
      await this.answer(res, sreq, b.stream === true, {
        idPrefix: 'call',
        json: (plan, call) => responseObject(plan, call, model, 'final'),
        stream: (plan, call) => responsesStream(plan, call, model),
      });
      return true;
    }
    return false;
  }

  protected presentedKey(req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization;
    return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
  }

  /** Deliberately echoes the whole presented key (the real API masks most of it) so redaction is tested harshly. */
  protected override invalidKeyMessage(presented: string): string {
    return `Incorrect API key provided: ${presented}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  }

  protected sendError(res: ServerResponse, error: ScriptedError): void {
    const type = error.type ?? defaultErrorType(error.status, ERROR_TYPES, 'server_error', 'invalid_request_error');
    sendJson(
      res,
      error.status,
      { error: { message: error.message ?? type, type, param: null, code: ERROR_CODES[error.status] ?? null } },
      { 'x-request-id': `req_fake_${this.calls}`, ...retryHeaders(error) },
    );
  }
}

// --- Chat Completions --------------------------------------------------------

function chatUsage(plan: PlannedReply) {
  const prompt = plan.usage.inputTokens + plan.usage.cacheReadTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: plan.usage.outputTokens,
    total_tokens: prompt + plan.usage.outputTokens,
    prompt_tokens_details: { cached_tokens: plan.usage.cacheReadTokens },
  };
}

function chatJson(plan: PlannedReply, call: number, model: string): unknown {
  const toolCalls = plan.toolCalls.map((tc) => ({ id: tc.id, type: 'function', function: { name: tc.name, arguments: tc.argPieces.join('') } }));
  return {
    id: `chatcmpl-fake-${call}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: plan.text || null, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: FINISH[plan.stopReason],
      },
    ],
    usage: chatUsage(plan),
  };
}

function chatStream(plan: PlannedReply, call: number, model: string, includeUsage: boolean): PlannedStream {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: `chatcmpl-fake-${call}`,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: null,
    choices,
    ...(includeUsage ? { usage: null } : {}),
    ...extra,
  });
  const delta = (d: Record<string, unknown>, finish: string | null = null) => [{ index: 0, delta: d, logprobs: null, finish_reason: finish }];
  const events: SseEvent[] = [{ data: chunk(delta({ role: 'assistant', content: '', refusal: null })) }];
  for (const text of plan.chunks) events.push({ data: chunk(delta({ content: text })), content: true });
  plan.toolCalls.forEach((tc, index) => {
    events.push({ data: chunk(delta({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.name, arguments: '' } }] })) });
    for (const piece of tc.argPieces) events.push({ data: chunk(delta({ tool_calls: [{ index, function: { arguments: piece } }] })), content: true });
  });
  const tail: SseEvent[] = [{ data: chunk(delta({}, FINISH[plan.stopReason])) }];
  if (includeUsage) tail.push({ data: chunk([], { usage: chatUsage(plan) }) });
  tail.push({ data: '[DONE]' });
  return { events, tail };
}

// --- Responses ---------------------------------------------------------------

function responsesUsage(plan: PlannedReply) {
  const input = plan.usage.inputTokens + plan.usage.cacheReadTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: plan.usage.cacheReadTokens },
    output_tokens: plan.usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + plan.usage.outputTokens,
  };
}

function outputItems(plan: PlannedReply, call: number): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  if (plan.text) {
    items.push({ id: `msg_fake_${call}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: plan.text, annotations: [] }] });
  }
  plan.toolCalls.forEach((tc, n) => {
    items.push({ id: `fc_fake_${call}_${n}`, type: 'function_call', status: 'completed', call_id: tc.id, name: tc.name, arguments: tc.argPieces.join('') });
  });
  return items;
}

function responseObject(plan: PlannedReply, call: number, model: string, phase: 'initial' | 'final'): Record<string, unknown> {
  const incomplete = plan.stopReason === 'max_tokens' ? 'max_output_tokens' : plan.stopReason === 'refusal' ? 'content_filter' : null;
  const final = phase === 'final';
  return {
    id: `resp_fake_${call}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: final ? (incomplete ? 'incomplete' : 'completed') : 'in_progress',
    error: null,
    incomplete_details: final && incomplete ? { reason: incomplete } : null,
    model,
    output: final ? outputItems(plan, call) : [],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: final ? responsesUsage(plan) : null,
  };
}

function responsesStream(plan: PlannedReply, call: number, model: string): PlannedStream {
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>, content = false): SseEvent => ({ event: type, data: { type, sequence_number: seq++, ...data }, content });
  const events: SseEvent[] = [
    ev('response.created', { response: responseObject(plan, call, model, 'initial') }),
    ev('response.in_progress', { response: responseObject(plan, call, model, 'initial') }),
  ];
  const done = outputItems(plan, call);
  let outputIndex = 0;
  if (plan.text) {
    const item = done[outputIndex];
    const base = { item_id: item.id, output_index: outputIndex, content_index: 0 };
    events.push(ev('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } }));
    events.push(ev('response.content_part.added', { ...base, part: { type: 'output_text', text: '', annotations: [] } }));
    for (const delta of plan.chunks) events.push(ev('response.output_text.delta', { ...base, delta, logprobs: [] }, true));
    events.push(ev('response.output_text.done', { ...base, text: plan.text, logprobs: [] }));
    events.push(ev('response.content_part.done', { ...base, part: { type: 'output_text', text: plan.text, annotations: [] } }));
    events.push(ev('response.output_item.done', { output_index: outputIndex, item }));
    outputIndex++;
  }
  for (const tc of plan.toolCalls) {
    const item = done[outputIndex];
    events.push(ev('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } }));
    for (const delta of tc.argPieces) events.push(ev('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta }, true));
    events.push(ev('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, name: tc.name, arguments: item.arguments }));
    events.push(ev('response.output_item.done', { output_index: outputIndex, item }));
    outputIndex++;
  }
  const final = responseObject(plan, call, model, 'final');
  return { events, tail: [ev(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final })] };
}
