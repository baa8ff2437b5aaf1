import { expect } from 'vitest';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { describeProviderConformance } from '../../../test-support/provider-conformance.js';

describeProviderConformance({
  api: 'openai-responses',
  makeServer: () => new FakeOpenAIServer(),
  // The Responses API reports cached input but not cache writes.
  expectedUsage: { inputTokens: 11, outputTokens: 7, cacheReadTokens: 5 },
  expectToolResultShape(body) {
    expect(body.instructions).toBe('You are a test.');
    expect(body.store).toBe(false);
    expect(body.max_output_tokens).toBe(256);
    expect(body.tools).toEqual([
      { type: 'function', name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false },
    ]);
    expect(body.input).toEqual([
      { role: 'user', content: 'weather in Paris?' },
      { role: 'assistant', content: 'Checking.' },
      { type: 'function_call', call_id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'toolu_1', output: 'sunny, 21C' },
    ]);
  },
});
