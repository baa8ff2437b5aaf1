import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeAnthropicServer } from './fake-anthropic.js';
import { echoScript, endsWithToolResult, lastUserText, sequenceScript, toolThenTextScript, type ScriptRequest } from './fake-model-script.js';
import { FakeOpenAIServer } from './fake-openai.js';

interface Sse {
  event?: string;
  data: string;
}

function parseSse(text: string): Sse[] {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split('\n');
      return { event: lines.find((l) => l.startsWith('event: '))?.slice(7), data: lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '' };
    });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const sreq = (messages: unknown[]): ScriptRequest => ({ api: 'anthropic-messages', model: 'm', messages, tools: [], system: '', body: {} });

describe('script helpers', () => {
  it('echoScript replies with the last user text in every wire shape', () => {
    expect(echoScript(sreq([{ role: 'user', content: 'plain' }]))).toEqual({ text: 'plain' });
    expect(echoScript(sreq([{ role: 'user', content: [{ type: 'text', text: 'blocks' }] }]))).toEqual({ text: 'blocks' });
    expect(echoScript(sreq([{ role: 'user', content: [{ type: 'input_text', text: 'responses' }] }]))).toEqual({ text: 'responses' });
    expect(lastUserText(sreq([{ role: 'user', content: 'q' }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }] }]))).toBe('q');
  });

  it('sequenceScript answers in order and then repeats the last reply', async () => {
    const s = sequenceScript([{ text: 'a' }, { text: 'b' }]);
    const r = sreq([]);
    expect([await s(r), await s(r), await s(r)]).toEqual([{ text: 'a' }, { text: 'b' }, { text: 'b' }]);
  });

  it('toolThenTextScript calls the tool, then answers once the result is back', () => {
    const s = toolThenTextScript('t', { x: 1 }, 'final');
    expect(s(sreq([{ role: 'user', content: 'go' }]))).toEqual({ toolCalls: [{ name: 't', input: { x: 1 } }] });
    for (const last of [
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'r' }] },
      { role: 'tool', tool_call_id: 'a', content: 'r' },
      { type: 'function_call_output', call_id: 'a', output: 'r' },
    ]) {
      expect(endsWithToolResult(sreq([last]))).toBe(true);
      expect(s(sreq([last]))).toEqual({ text: 'final' });
    }
  });
});

describe('FakeAnthropicServer', () => {
  const server = new FakeAnthropicServer({ apiKey: 'right', models: ['claude-a', 'claude-b'] });
  let base = '';
  const key = { 'x-api-key': 'right' };
  beforeAll(async () => {
    base = (await server.start()).baseUrl;
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('streams the real event sequence with text and tool_use blocks', async () => {
    server.script = () => ({ chunks: ['Hi ', 'there'], toolCalls: [{ name: 'look', input: { q: 'abcdefghij' } }], usage: { inputTokens: 3, outputTokens: 9 } });
    const res = await post(`${base}/v1/messages`, { model: 'claude-a', stream: true, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, key);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(data.every((d, i) => d.type === events[i].event)).toBe(true);
    expect(data[6]).toMatchObject({ index: 1, content_block: { type: 'tool_use', id: 'toolu_1_0', name: 'look', input: {} } });
    const json = data.slice(7, 11).map((d) => (d.delta as { partial_json: string }).partial_json).join('');
    expect(JSON.parse(json)).toEqual({ q: 'abcdefghij' });
    expect(data[12]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } });
  });

  it('answers without streaming as one message', async () => {
    server.script = () => ({ text: 'whole', toolCalls: [{ name: 't', input: { a: 1 }, id: 'toolu_x' }] });
    const res = await post(`${base}/v1/messages`, { model: 'claude-a', max_tokens: 10, messages: [] }, key);
    expect(await res.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'whole' }, { type: 'tool_use', id: 'toolu_x', name: 't', input: { a: 1 } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
  });

  it('sends errors in the real shape with retry headers, and checks the key', async () => {
    server.script = () => ({ error: { status: 429, retryAfterSeconds: 2, retryAfterMs: 5 } });
    const res = await post(`${base}/v1/messages`, { model: 'm', messages: [] }, key);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('retry-after-ms')).toBe('5');
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const denied = await post(`${base}/v1/messages`, { model: 'm', messages: [] }, { 'x-api-key': 'wrong' });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/messages', '/v1/messages']);
    expect(server.calls).toBe(1);
  });

  it('lists models', async () => {
    const res = await fetch(`${base}/v1/models`, { headers: key });
    expect(((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['claude-a', 'claude-b']);
  });

  it('hangs after the first chunk until the client aborts, and still closes', async () => {
    server.script = () => ({ chunks: ['one ', 'two'], hang: true });
    const res = await post(`${base}/v1/messages`, { model: 'm', stream: true, messages: [] }, key);
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('text_delta')) seen += new TextDecoder().decode((await reader.read()).value);
    expect(seen).toContain('"one "');
    expect(seen).not.toContain('two');
    await reader.cancel();
  });
});

describe('FakeOpenAIServer', () => {
  const server = new FakeOpenAIServer({ latencyMs: 40 });
  let base = '';
  beforeAll(async () => {
    base = (await server.start()).baseUrl;
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('streams chat chunks with tool_call pieces, finish_reason, usage and [DONE]', async () => {
    server.script = () => ({ chunks: ['a', 'b'], toolCalls: [{ name: 'f', input: { k: 'value-value' } }], usage: { inputTokens: 4, outputTokens: 2, cacheReadTokens: 1 } });
    const started = Date.now();
    const res = await post(`${base}/v1/chat/completions`, { model: 'gpt', stream: true, stream_options: { include_usage: true }, messages: [] });
    const events = parseSse(await res.text());
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(events.every((e) => e.event === undefined)).toBe(true);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as { object: string; choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage: unknown });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []))).toEqual(['a', 'b']);
    const pieces = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as { index: number; id?: string; function: { name?: string; arguments: string } }[] | undefined) ?? []);
    expect(pieces[0]).toMatchObject({ index: 0, id: 'call_1_0', type: 'function', function: { name: 'f', arguments: '' } });
    expect(pieces.length).toBeGreaterThan(2);
    expect(JSON.parse(pieces.map((p) => p.function.arguments).join(''))).toEqual({ k: 'value-value' });
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 1 } } });
  });

  it('leaves out the usage chunk unless asked', async () => {
    server.script = () => ({ text: 'x' });
    const events = parseSse(await (await post(`${base}/v1/chat/completions`, { model: 'gpt', stream: true, messages: [] })).text());
    expect(events.slice(0, -1).some((e) => 'usage' in (JSON.parse(e.data) as object))).toBe(false);
  });

  it('answers chat without streaming', async () => {
    server.script = () => ({ text: 'hello' });
    const body = await (await post(`${base}/v1/chat/completions`, { model: 'gpt', messages: [{ role: 'user', content: 'hi' }] })).json();
    expect(body).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }] });
  });

  it('streams Responses API events', async () => {
    server.script = () => ({ text: 'hi', toolCalls: [{ name: 'f', input: { a: 1 } }] });
    const events = parseSse(await (await post(`${base}/v1/responses`, { model: 'gpt', stream: true, input: 'yo' })).text());
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const last = JSON.parse(events.at(-1)!.data) as { response: { status: string; usage: object; output: unknown[] } };
    expect(last.response).toMatchObject({ status: 'completed', usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) } });
    expect(last.response.output[1]).toMatchObject({ type: 'function_call', call_id: 'call_1_0', name: 'f', arguments: '{"a":1}' });
    expect(server.requests[0].body).toMatchObject({ input: 'yo' });
  });

  it('answers Responses without streaming', async () => {
    server.script = echoScript;
    const body = await (await post(`${base}/v1/responses`, { model: 'gpt', input: [{ role: 'user', content: 'echo me' }] })).json();
    expect(body).toMatchObject({ object: 'response', status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'echo me' }] }] });
  });

  it('sends OpenAI error JSON with retry-after, and lists models', async () => {
    server.script = () => ({ error: { status: 429, retryAfterSeconds: 0 } });
    const res = await post(`${base}/v1/chat/completions`, { model: 'gpt', messages: [] });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('0');
    expect(await res.json()).toEqual({ error: { message: 'requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
    const models = await (await fetch(`${base}/v1/models`)).json();
    expect(models).toMatchObject({ object: 'list', data: [{ id: 'gpt-fake-1', object: 'model' }] });
    expect((await fetch(`${base}/v2/nothing`)).status).toBe(404);
  });
});
