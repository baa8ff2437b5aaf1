/**
 * Test-only: the behaviour every provider must show against its local fake
 * server through the real SDK. Each `<api>.test.ts` beside this file runs the
 * suite with its own server and wire-shape checks. Never imported by runtime code.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sequenceScript, type FakeModelServer, type ModelScript } from './fake-model-script.js';
import { createProvider } from '../src-main/agents/providers/index.js';
import { ProviderError, type ModelMessage, type ModelProvider, type ModelRequest, type ModelStreamEvent, type ModelUsage, type ProviderConfig, type ProviderOptions } from '../src-main/agents/providers/types.js';

export interface Collected {
  events: ModelStreamEvent[];
  text: string;
  error?: unknown;
}

/** Drain a stream, keeping the events seen before any error. */
export async function collect(stream: AsyncIterable<ModelStreamEvent>): Promise<Collected> {
  const events: ModelStreamEvent[] = [];
  try {
    for await (const e of stream) events.push(e);
  } catch (error) {
    return { events, text: textOf(events), error };
  }
  return { events, text: textOf(events) };
}

function textOf(events: ModelStreamEvent[]): string {
  return events.map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
}

export function baseRequest(over: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'fake-model',
    system: 'You are a test.',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
    tools: [{ name: 'get_weather', description: 'Weather for a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    maxTokens: 256,
    ...over,
  };
}

/** A conversation whose last turn carries a tool result for `toolu_1`. */
export const TOOL_RESULT_HISTORY: ModelMessage[] = [
  { role: 'user', content: [{ type: 'text', text: 'weather in Paris?' }] },
  { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
  { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_1', content: 'sunny, 21C' }] },
];

export interface ConformanceSpec {
  api: ProviderConfig['api'];
  makeServer(): FakeModelServer;
  /** Assert the last request body carries TOOL_RESULT_HISTORY in this API's wire shape. */
  expectToolResultShape(body: Record<string, unknown>): void;
  /** Usage this API can report for a script usage of input 11 / output 7 / cache read 5 / cache write 3. */
  expectedUsage: ModelUsage;
}

export function describeProviderConformance(spec: ConformanceSpec): void {
  describe(`${spec.api} conformance (real SDK against the fake server)`, () => {
    const server = spec.makeServer();
    let baseUrl = '';
    const provider = (opts: ProviderOptions = {}, apiKey = 'sk-test-key-0123456789abcdef'): ModelProvider =>
      createProvider({ id: 'fake', api: spec.api, baseUrl, apiKey }, { maxRetries: 2, ...opts });
    const script = (s: ModelScript) => {
      server.script = s;
    };

    beforeAll(async () => {
      ({ baseUrl } = await server.start());
    });
    afterAll(() => server.close());
    beforeEach(() => server.reset());

    it('streams text deltas in order that concatenate to the reply', async () => {
      script(() => ({ chunks: ['Hel', 'lo, ', 'wor', 'ld!'] }));
      const { events, text, error } = await collect(provider().stream(baseRequest()));
      expect(error).toBeUndefined();
      expect(events.filter((e) => e.type === 'text_delta').map((e) => (e as { text: string }).text)).toEqual(['Hel', 'lo, ', 'wor', 'ld!']);
      expect(text).toBe('Hello, world!');
      expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'end_turn' });
      expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    });

    it('sends the system prompt, history and tools the script sees', async () => {
      let seen: { system: string; tools: unknown[]; model: string } | undefined;
      script((req) => {
        seen = req;
        return { text: 'ok' };
      });
      await collect(provider().stream(baseRequest()));
      expect(seen?.system).toBe('You are a test.');
      expect(seen?.model).toBe('fake-model');
      expect(JSON.stringify(seen?.tools)).toContain('get_weather');
    });

    it('assembles a tool call whose arguments were streamed in pieces', async () => {
      const input = { city: 'Paris', days: 3, units: { temp: 'C' } };
      script(() => ({ text: 'Let me check.', toolCalls: [{ name: 'get_weather', input }] }));
      const { events, error } = await collect(provider().stream(baseRequest()));
      expect(error).toBeUndefined();
      const calls = events.filter((e) => e.type === 'tool_call');
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ name: 'get_weather', input });
      expect((calls[0] as { id: string }).id).toBeTruthy();
      expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use' });
    });

    it('emits several tool calls in order', async () => {
      script(() => ({ toolCalls: [{ name: 'a', input: { n: 1 } }, { name: 'b', input: { n: 2 } }] }));
      const { events } = await collect(provider().stream(baseRequest()));
      expect(events.filter((e) => e.type === 'tool_call').map((e) => (e as { name: string }).name)).toEqual(['a', 'b']);
    });

    it('sends tool results back in the API shape', async () => {
      script(() => ({ text: 'It is sunny.' }));
      const { text } = await collect(provider().stream(baseRequest({ messages: TOOL_RESULT_HISTORY })));
      expect(text).toBe('It is sunny.');
      spec.expectToolResultShape(server.requests.at(-1)!.body as Record<string, unknown>);
    });

    it('reports usage', async () => {
      script(() => ({ text: 'ok', usage: { inputTokens: 11, outputTokens: 7, cacheReadTokens: 5, cacheWriteTokens: 3 } }));
      const { events } = await collect(provider().stream(baseRequest()));
      expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn', usage: spec.expectedUsage });
    });

    it('maps max_tokens', async () => {
      script(() => ({ text: 'cut', stopReason: 'max_tokens' }));
      const { events } = await collect(provider().stream(baseRequest()));
      expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'max_tokens' });
    });

    it('lets the SDK retry a 429 with retry-after: 0, then succeeds', async () => {
      script(sequenceScript([{ error: { status: 429, retryAfterSeconds: 0 } }, { text: 'after retry' }]));
      const { text, error } = await collect(provider().stream(baseRequest()));
      expect(error).toBeUndefined();
      expect(text).toBe('after retry');
      expect(server.calls).toBe(2);
    });

    it('gives rate_limit with retryAfterMs when 429s outlast the retries', async () => {
      script(() => ({ error: { status: 429, retryAfterMs: 1, retryAfterSeconds: 7 } }));
      const { error } = await collect(provider({ maxRetries: 1 }).stream(baseRequest()));
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'rate_limit', failoverable: true, opts: { status: 429, retryAfterMs: 1 } });
      expect(server.calls).toBe(2);
    });

    it('gives kind server after retrying a persistent 500', async () => {
      script(() => ({ error: { status: 500, retryAfterMs: 1 } }));
      const { error } = await collect(provider({ maxRetries: 2 }).stream(baseRequest()));
      expect(error).toMatchObject({ name: 'ProviderError', kind: 'server', opts: { status: 500, provider: 'fake', model: 'fake-model' } });
      expect(server.calls).toBe(3);
    });

    it('gives kind aborted promptly when aborted mid-stream', async () => {
      script(() => ({ chunks: ['first ', 'never'], hang: true }));
      const ac = new AbortController();
      const events: ModelStreamEvent[] = [];
      let abortedAt = 0;
      const err = await (async () => {
        try {
          for await (const e of provider().stream(baseRequest({ signal: ac.signal }))) {
            events.push(e);
            if (e.type === 'text_delta') {
              abortedAt = Date.now();
              ac.abort();
            }
          }
        } catch (e) {
          return e;
        }
      })();
      expect(events).toEqual([{ type: 'text_delta', text: 'first ' }]);
      expect(err).toMatchObject({ name: 'ProviderError', kind: 'aborted' });
      expect(Date.now() - abortedAt).toBeLessThan(1_000);
    });

    it('gives kind aborted for a signal aborted before the call', async () => {
      script(() => ({ text: 'never' }));
      const { error } = await collect(provider().stream(baseRequest({ signal: AbortSignal.abort() })));
      expect(error).toMatchObject({ kind: 'aborted' });
    });

    it('gives kind auth on 401 without leaking the API key', async () => {
      const apiKey = 'sk-secret-test-key-ABCDEFGHIJKLMNOP';
      script(() => ({ error: { status: 401, message: `Incorrect API key provided: ${apiKey}` } }));
      const { error } = await collect(provider({}, apiKey).stream(baseRequest()));
      expect(error).toMatchObject({ kind: 'auth', failoverable: false });
      expect((error as Error).message).not.toContain(apiKey);
      expect((error as Error).message).not.toContain('ABCDEFGHIJKLMNOP');
      expect(server.calls).toBe(1);
    });

    it('gives kind context_length for a 400 about the context window', async () => {
      script(() => ({ error: { status: 400, message: 'prompt is too long: 210000 tokens > 200000 maximum' } }));
      const { error } = await collect(provider().stream(baseRequest()));
      expect(error).toMatchObject({ kind: 'context_length', opts: { status: 400 } });
    });

    it('gives kind bad_request for other 400s', async () => {
      script(() => ({ error: { status: 400, message: 'tools.0.name: invalid' } }));
      const { error } = await collect(provider().stream(baseRequest()));
      expect(error).toMatchObject({ kind: 'bad_request' });
    });

    it('gives kind connection when the stream is cut after output began', async () => {
      script(() => ({ chunks: ['partial ', 'answer'], disconnect: true }));
      const { text, error } = await collect(provider().stream(baseRequest()));
      expect(text).toBe('partial answer');
      expect(error).toMatchObject({ kind: 'connection', failoverable: true });
    });

    it('gives kind timeout when headers do not come within timeoutMs', async () => {
      script(() => ({ text: 'late', delayMs: 2_000 }));
      const { error } = await collect(provider({ timeoutMs: 150, maxRetries: 0 }).stream(baseRequest()));
      expect(error).toMatchObject({ kind: 'timeout' });
    });

    it('gives kind timeout when the stream stalls for timeoutMs', async () => {
      script(() => ({ chunks: ['stalls ', 'here'], hang: true }));
      const { text, error } = await collect(provider({ timeoutMs: 300, maxRetries: 0 }).stream(baseRequest()));
      expect(text).toBe('stalls ');
      expect(error).toMatchObject({ kind: 'timeout' });
    });

    it('does not count a slow consumer as a stalled stream', async () => {
      script(() => ({ chunks: ['a', 'b', 'c'] }));
      let text = '';
      for await (const e of provider({ timeoutMs: 150 }).stream(baseRequest())) {
        if (e.type !== 'text_delta') continue;
        text += e.text;
        // The consumer, not the server, is slow here: that delay is the behaviour under test.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(text).toBe('abc');
    });

    it('gives kind connection when nothing listens', async () => {
      const dead = createProvider({ id: 'dead', api: spec.api, baseUrl: 'http://127.0.0.1:1', apiKey: 'k' }, { maxRetries: 0 });
      const { error } = await collect(dead.stream(baseRequest()));
      expect(error).toMatchObject({ kind: 'connection' });
    });
  });
}
