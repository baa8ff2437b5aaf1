import * as AnthropicSdk from '@anthropic-ai/sdk';
import * as OpenAISdk from 'openai';
import { describe, expect, it } from 'vitest';
import { retryAfterMsFrom, scrub, StreamCutError, toProviderError, type SdkErrorClasses } from './provider-errors.js';
import { ProviderError } from './types.js';

const ctx = { provider: 'p', model: 'm', apiKey: 'sk-live-key-0123456789abcdef' };
const anthropic: SdkErrorClasses = AnthropicSdk;
const openai: SdkErrorClasses = OpenAISdk;

describe('toProviderError', () => {
  it.each([
    ['Anthropic overloaded event inside a stream', new AnthropicSdk.APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, undefined, 'overloaded_error'), anthropic, 'server'],
    ['OpenAI error chunk inside a stream', new OpenAISdk.APIError(undefined, { message: 'boom', type: 'server_error' }, undefined, undefined), openai, 'server'],
    ['529 overloaded', AnthropicSdk.APIError.generate(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, new Headers()), anthropic, 'server'],
    ['403', OpenAISdk.APIError.generate(403, { error: { message: 'nope' } }, undefined, new Headers()), openai, 'auth'],
    ['OpenAI context_length_exceeded code', OpenAISdk.APIError.generate(400, { error: { message: 'too long', code: 'context_length_exceeded' } }, undefined, new Headers()), openai, 'context_length'],
    ['408', OpenAISdk.APIError.generate(408, { error: { message: 'slow' } }, undefined, new Headers()), openai, 'timeout'],
    ['404 model', OpenAISdk.APIError.generate(404, { error: { message: 'no such model' } }, undefined, new Headers()), openai, 'bad_request'],
    ['SDK timeout', new OpenAISdk.APIConnectionTimeoutError(), openai, 'timeout'],
    ['user abort', new AnthropicSdk.APIUserAbortError(), anthropic, 'aborted'],
    ['cut stream', new StreamCutError('message_stop'), anthropic, 'connection'],
    ['undici body cut', new TypeError('terminated'), openai, 'connection'],
    ['anything else', new RangeError('odd'), openai, 'unknown'],
  ] as const)('%s', (_name, err, sdk, kind) => {
    const e = toProviderError(err, sdk, ctx);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.kind).toBe(kind);
    expect(e.opts).toMatchObject({ provider: 'p', model: 'm', cause: err });
    expect(e.message.startsWith('p/m: ')).toBe(true);
  });

  it('passes ProviderErrors through and prefers the caller abort over what the SDK threw', () => {
    const pe = new ProviderError('x', 'server');
    expect(toProviderError(pe, openai, ctx)).toBe(pe);
    expect(toProviderError(new TypeError('terminated'), openai, { ...ctx, signal: AbortSignal.abort() }).kind).toBe('aborted');
    expect(toProviderError(new AnthropicSdk.APIUserAbortError(), anthropic, { ...ctx, timedOut: true }).kind).toBe('timeout');
  });

  it('never leaks the key, even inside an SDK message', () => {
    const err = OpenAISdk.APIError.generate(401, { error: { message: `Incorrect API key provided: ${ctx.apiKey}` } }, undefined, new Headers());
    expect(toProviderError(err, openai, ctx).message).not.toContain('0123456789abcdef');
    expect(scrub('key=abc sk-ant-api03-AAAAAAAAAAAAAAAAAAAA', 'abc')).not.toMatch(/abc|AAAA/);
  });
});

describe('retryAfterMsFrom', () => {
  it.each([
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0' }, 0],
    [{}, undefined],
    [{ 'retry-after': 'soon' }, undefined],
  ])('%j → %s', (h, ms) => {
    expect(retryAfterMsFrom(new Headers(h))).toBe(ms);
  });

  it('reads an HTTP date', () => {
    const ms = retryAfterMsFrom(new Headers({ 'retry-after': new Date(Date.now() + 60_000).toUTCString() }));
    expect(ms).toBeGreaterThan(55_000);
    expect(ms).toBeLessThanOrEqual(60_000);
  });
});
