import { expect } from 'vitest';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { describeProviderConformance } from '../../../test-support/provider-conformance.js';

describeProviderConformance({
  api: 'openai-completions',
  makeServer: () => new FakeOpenAIServer(),
  // Chat Completions reports cached input but not cache writes.
  expectedUsage: { inputTokens: 11, outputTokens: 7, cacheReadTokens: 5 },
  expectToolResultShape(body) {
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.max_tokens).toBe(256);
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    ]);
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are a test.' },
      { role: 'user', content: 'weather in Paris?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny, 21C' },
    ]);
  },
});
