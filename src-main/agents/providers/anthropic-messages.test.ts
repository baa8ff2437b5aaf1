import { expect } from 'vitest';
import { FakeAnthropicServer } from '../../../test-support/fake-anthropic.js';
import { describeProviderConformance } from '../../../test-support/provider-conformance.js';

describeProviderConformance({
  api: 'anthropic-messages',
  makeServer: () => new FakeAnthropicServer(),
  expectedUsage: { inputTokens: 11, outputTokens: 7, cacheReadTokens: 5, cacheWriteTokens: 3 },
  expectToolResultShape(body) {
    expect(body.system).toBe('You are a test.');
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather in Paris?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny, 21C' }] },
    ]);
  },
});
