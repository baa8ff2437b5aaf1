import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeAnthropicServer } from '../../../test-support/fake-anthropic.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { createProvider, parseModelRef, resolveSdkBaseUrl, streamWithFailover, type FailedAttempt, type ModelCandidate } from './index.js';
import { baseRequest, collect } from '../../../test-support/provider-conformance.js';
import { ProviderError, type ModelProvider, type ModelRequest, type ModelStreamEvent, type ProviderErrorKind } from './types.js';

describe('parseModelRef', () => {
  it.each([
    ['anthropic/claude-sonnet-4-5', { providerId: 'anthropic', modelId: 'claude-sonnet-4-5' }],
    ['openrouter/meta-llama/llama-3.1-70b', { providerId: 'openrouter', modelId: 'meta-llama/llama-3.1-70b' }],
    ['ollama/qwen2.5:7b', { providerId: 'ollama', modelId: 'qwen2.5:7b' }],
  ])('%s', (ref, expected) => {
    expect(parseModelRef(ref)).toEqual(expected);
  });

  it.each(['claude-sonnet-4-5', '/model', 'provider/', ''])('rejects %j', (ref) => {
    expect(() => parseModelRef(ref)).toThrow(/provider\/model/);
  });
});

describe('resolveSdkBaseUrl', () => {
  it.each([
    ['anthropic-messages', 'http://127.0.0.1:9/v1', 'http://127.0.0.1:9'],
    ['anthropic-messages', 'http://127.0.0.1:9/v1/', 'http://127.0.0.1:9'],
    ['anthropic-messages', 'http://127.0.0.1:9', 'http://127.0.0.1:9'],
    ['openai-completions', 'http://127.0.0.1:9', 'http://127.0.0.1:9/v1'],
    ['openai-completions', 'http://127.0.0.1:9/', 'http://127.0.0.1:9/v1'],
    ['openai-responses', 'http://localhost:11434/v1', 'http://localhost:11434/v1'],
    ['openai-completions', 'https://api.groq.com/openai/v1', 'https://api.groq.com/openai/v1'],
    ['openai-completions', 'https://generativelanguage.googleapis.com/v1beta/openai/', 'https://generativelanguage.googleapis.com/v1beta/openai'],
  ] as const)('%s %s → %s', (api, input, expected) => {
    expect(resolveSdkBaseUrl(api, input)).toBe(expected);
  });
});

describe('createProvider against the fakes', () => {
  const anthropic = new FakeAnthropicServer({ script: () => ({ text: 'from anthropic' }) });
  const openai = new FakeOpenAIServer({ script: () => ({ text: 'from openai' }) });
  beforeAll(async () => {
    await anthropic.start();
    await openai.start();
  });
  afterAll(async () => {
    await anthropic.close();
    await openai.close();
  });
  beforeEach(() => {
    anthropic.reset();
    openai.reset();
  });

  it.each([
    ['anthropic-messages', '', '/v1/messages'],
    ['anthropic-messages', '/v1', '/v1/messages'],
    ['openai-completions', '', '/v1/chat/completions'],
    ['openai-completions', '/v1/', '/v1/chat/completions'],
    ['openai-responses', '', '/v1/responses'],
    ['openai-responses', '/v1', '/v1/responses'],
  ] as const)('%s accepts the base URL with suffix %j', async (api, suffix, path) => {
    const server = api === 'anthropic-messages' ? anthropic : openai;
    const p = createProvider({ id: 'x', api, baseUrl: server.baseUrl + suffix, apiKey: 'k' });
    expect(p).toMatchObject({ id: 'x', api });
    const { text, error } = await collect(p.stream(baseRequest()));
    expect(error).toBeUndefined();
    expect(text).toBe(api === 'anthropic-messages' ? 'from anthropic' : 'from openai');
    expect(server.requests.map((r) => r.path)).toEqual([path]);
  });

  it('sends configured headers and the key the way each API expects', async () => {
    await collect(createProvider({ id: 'a', api: 'anthropic-messages', baseUrl: anthropic.baseUrl, apiKey: 'ak', headers: { 'x-extra': '1' } }).stream(baseRequest()));
    await collect(createProvider({ id: 'o', api: 'openai-completions', baseUrl: openai.baseUrl, apiKey: 'ok', headers: { 'x-extra': '2' } }).stream(baseRequest()));
    // This SDK version sends the key as a bearer token; older ones used `x-api-key`. The fake accepts both.
    const h = anthropic.requests[0].headers;
    expect(h['x-api-key'] === 'ak' || h.authorization === 'Bearer ak').toBe(true);
    expect(h).toMatchObject({ 'x-extra': '1' });
    expect(openai.requests[0].headers).toMatchObject({ authorization: 'Bearer ok', 'x-extra': '2' });
  });

  it('rejects an unknown api', () => {
    expect(() => createProvider({ id: 'x', api: 'nope' as never })).toThrow(/unknown provider api/);
  });
});

describe('streamWithFailover against the fakes', () => {
  const first = new FakeAnthropicServer();
  const second = new FakeOpenAIServer({ script: () => ({ text: 'second answers' }) });
  let a: ModelProvider;
  let b: ModelProvider;
  beforeAll(async () => {
    await first.start();
    await second.start();
    a = createProvider({ id: 'first', api: 'anthropic-messages', baseUrl: first.baseUrl, apiKey: 'k1' }, { maxRetries: 0 });
    b = createProvider({ id: 'second', api: 'openai-completions', baseUrl: second.baseUrl, apiKey: 'k2' }, { maxRetries: 0 });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });
  beforeEach(() => {
    first.reset();
    second.reset();
  });
  const req = () => {
    const { model: _model, ...rest } = baseRequest();
    return rest;
  };

  it('fails over from a rate-limited provider to the next', async () => {
    first.script = () => ({ error: { status: 429, retryAfterSeconds: 30 } });
    const attempts: FailedAttempt[] = [];
    const { text, error } = await collect(
      streamWithFailover([{ provider: a, model: 'claude-x' }, { provider: b, model: 'gpt-y' }], req(), (f) => attempts.push(f)),
    );
    expect(error).toBeUndefined();
    expect(text).toBe('second answers');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ index: 0, provider: a, model: 'claude-x', error: { kind: 'rate_limit', opts: { retryAfterMs: 30_000 } } });
    expect(first.calls).toBe(1);
    expect((second.requests[0].body as { model: string }).model).toBe('gpt-y');
  });

  it('does not fail over once output began', async () => {
    first.script = () => ({ chunks: ['half ', 'an answer'], disconnect: true });
    const { text, error } = await collect(streamWithFailover([{ provider: a, model: 'claude-x' }, { provider: b, model: 'gpt-y' }], req()));
    expect(text).toBe('half an answer');
    expect(error).toMatchObject({ kind: 'connection' });
    expect(second.calls).toBe(0);
  });

  it('does not fail over on auth errors', async () => {
    first.script = () => ({ error: { status: 401 } });
    const { error } = await collect(streamWithFailover([{ provider: a, model: 'claude-x' }, { provider: b, model: 'gpt-y' }], req()));
    expect(error).toMatchObject({ kind: 'auth' });
    expect(second.calls).toBe(0);
  });
});

describe('streamWithFailover rules', () => {
  /** A provider that fails with `kind` after yielding `before` text events, recording requests. */
  const scripted = (id: string, kind: ProviderErrorKind | null, before = 0) => {
    const seen: ModelRequest[] = [];
    const provider: ModelProvider = {
      id,
      api: 'openai-completions',
      async *stream(r): AsyncIterable<ModelStreamEvent> {
        seen.push(r);
        for (let i = 0; i < before; i++) yield { type: 'text_delta', text: `${id}${i}` };
        if (kind) throw new ProviderError(`${id} failed`, kind);
        yield { type: 'done', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
      },
    };
    return { provider, seen };
  };
  const req = { system: '', messages: [], tools: [] };

  it('throws the last error when every candidate fails', async () => {
    const c: ModelCandidate[] = [{ provider: scripted('p1', 'server').provider, model: 'm' }, { provider: scripted('p2', 'timeout').provider, model: 'm' }];
    const { error } = await collect(streamWithFailover(c, req));
    expect(error).toMatchObject({ message: 'p2 failed', kind: 'timeout' });
  });

  it('rethrows errors that are not ProviderErrors', async () => {
    const boom: ModelProvider = {
      id: 'boom',
      api: 'anthropic-messages',
      // eslint-disable-next-line require-yield
      async *stream() {
        throw new TypeError('bug');
      },
    };
    const next = scripted('next', null);
    const { error } = await collect(streamWithFailover([{ provider: boom, model: 'm' }, { provider: next.provider, model: 'm' }], req));
    expect(error).toBeInstanceOf(TypeError);
    expect(next.seen).toHaveLength(0);
  });

  it('uses each candidate model and maxTokens, falling back to the request and then the default', async () => {
    const p1 = scripted('p1', 'connection');
    const p2 = scripted('p2', 'rate_limit');
    const p3 = scripted('p3', null);
    await collect(
      streamWithFailover(
        [
          { provider: p1.provider, model: 'one', maxTokens: 10 },
          { provider: p2.provider, model: 'two' },
          { provider: p3.provider, model: 'three' },
        ],
        { ...req, maxTokens: 20 },
      ),
    );
    expect([p1.seen[0], p2.seen[0], p3.seen[0]].map((r) => [r.model, r.maxTokens])).toEqual([
      ['one', 10],
      ['two', 20],
      ['three', 20],
    ]);
    const p4 = scripted('p4', null);
    await collect(streamWithFailover([{ provider: p4.provider, model: 'four' }], req));
    expect(p4.seen[0].maxTokens).toBe(4096);
  });

  it('does not fail over after an abort', async () => {
    const next = scripted('next', null);
    const { error } = await collect(
      streamWithFailover([{ provider: scripted('p1', 'aborted').provider, model: 'm' }, { provider: next.provider, model: 'm' }], { ...req, signal: AbortSignal.abort() }),
    );
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(next.seen).toHaveLength(0);
  });

  it('refuses an empty candidate list', async () => {
    const { error } = await collect(streamWithFailover([], req));
    expect(String(error)).toMatch(/no model candidates/);
  });
});
