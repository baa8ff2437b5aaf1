/**
 * Local fake of the Anthropic Messages API (`POST /v1/messages`, `GET /v1/models`).
 * Point the SDK (or `createProvider`) at `baseUrl` (the host root; the SDK adds `/v1`).
 *
 * Streams the real event sequence: `message_start`, per block
 * `content_block_start` / `content_block_delta` (`text_delta`, `input_json_delta`) /
 * `content_block_stop`, a `ping`, then `message_delta` (stop_reason, usage) and `message_stop`.
 * Tool calls become `tool_use` blocks after the text block.
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
  type ScriptedError,
  type SseEvent,
} from './fake-model-script.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export class FakeAnthropicServer extends FakeModelServer {
  constructor(opts: FakeServerOptions = {}) {
    super(opts);
  }

  protected async route(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<boolean> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      const data = (this.opts.models ?? ['claude-fake-1']).map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
      sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
      return true;
    }
    if (req.method !== 'POST' || path !== '/v1/messages') return false;
    const b = (body ?? {}) as Record<string, unknown>;
    const system = typeof b.system === 'string' ? b.system : Array.isArray(b.system) ? b.system.map((s: { text?: string }) => s.text ?? '').join('\n') : '';
    await this.answer(
      res,
      { api: 'anthropic-messages', model: String(b.model ?? ''), messages: (b.messages as unknown[]) ?? [], tools: (b.tools as unknown[]) ?? [], system, body: b },
      b.stream === true,
      { idPrefix: 'toolu', json: (plan, call) => messageJson(plan, call, String(b.model)), stream: (plan, call) => messageStream(plan, call, String(b.model)) },
    );
    return true;
  }

  protected presentedKey(req: IncomingMessage): string | undefined {
    const key = req.headers['x-api-key'];
    if (typeof key === 'string') return key;
    const auth = req.headers.authorization;
    return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
  }

  protected sendError(res: ServerResponse, error: ScriptedError): void {
    const type = error.type ?? defaultErrorType(error.status, ERROR_TYPES, 'api_error', 'invalid_request_error');
    sendJson(
      res,
      error.status,
      { type: 'error', error: { type, message: error.message ?? type }, request_id: `req_fake_${this.calls}` },
      { 'request-id': `req_fake_${this.calls}`, ...retryHeaders(error) },
    );
  }
}

function usageJson(plan: PlannedReply) {
  return {
    input_tokens: plan.usage.inputTokens,
    cache_creation_input_tokens: plan.usage.cacheWriteTokens,
    cache_read_input_tokens: plan.usage.cacheReadTokens,
    output_tokens: plan.usage.outputTokens,
  };
}

function messageJson(plan: PlannedReply, call: number, model: string): unknown {
  const content: unknown[] = [];
  if (plan.text) content.push({ type: 'text', text: plan.text });
  for (const tc of plan.toolCalls) content.push({ type: 'tool_use', id: tc.id, name: tc.name, input: tc.input });
  return { id: `msg_fake_${call}`, type: 'message', role: 'assistant', model, content, stop_reason: plan.stopReason, stop_sequence: null, usage: usageJson(plan) };
}

function messageStream(plan: PlannedReply, call: number, model: string): PlannedStream {
  const ev = (type: string, data: Record<string, unknown>, content = false): SseEvent => ({ event: type, data: { type, ...data }, content });
  const events: SseEvent[] = [
    ev('message_start', {
      message: {
        id: `msg_fake_${call}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usageJson(plan), output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (plan.chunks.length) {
    events.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    events.push({ event: 'ping', data: { type: 'ping' } });
    for (const text of plan.chunks) events.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text } }, true));
    events.push(ev('content_block_stop', { index }));
    index++;
  }
  for (const tc of plan.toolCalls) {
    events.push(ev('content_block_start', { index, content_block: { type: 'tool_use', id: tc.id, name: tc.name, input: {} } }));
    events.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
    for (const piece of tc.argPieces) events.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }, true));
    events.push(ev('content_block_stop', { index }));
    index++;
  }
  const tail = [
    ev('message_delta', { delta: { stop_reason: plan.stopReason, stop_sequence: null }, usage: { output_tokens: plan.usage.outputTokens } }),
    ev('message_stop', {}),
  ];
  return { events, tail };
}
