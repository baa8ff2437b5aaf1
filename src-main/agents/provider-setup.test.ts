import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { detectOllama, providerEntry, testProvider } from './provider-setup.js';
import { createProvider } from './providers/index.js';

const server = new FakeOpenAIServer({ script: () => ({ text: 'OK' }), apiKey: 'sk-right' });
// Ollama asks for no key.
const ollama = new FakeOpenAIServer({ models: ['qwen3', 'llama3'] });
beforeAll(() => Promise.all([server.start(), ollama.start()]));
afterAll(() => Promise.all([server.close(), ollama.close()]));

const run = (apiKey: string) => {
  const entry = providerEntry({ kind: 'openai-compatible', baseUrl: `${server.baseUrl}/v1/`, apiKey, model: 'qwen3' });
  return testProvider(entry, createProvider({ id: entry.id, ...entry.config }, { maxRetries: 0 }));
};

describe('provider setup', () => {
  it('turns the form into a config entry, and says what is missing', () => {
    expect(providerEntry({ kind: 'anthropic', apiKey: ' sk-ant-1 ', model: 'claude-sonnet-4-5' })).toEqual({ id: 'anthropic', config: { api: 'anthropic-messages', apiKey: 'sk-ant-1', models: [{ id: 'claude-sonnet-4-5' }] } });
    expect(providerEntry({ kind: 'ollama', model: 'qwen3' }, 'http://127.0.0.1:11434/').config).toEqual({ api: 'openai-completions', apiKey: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', models: [{ id: 'qwen3' }] });
    expect(() => providerEntry({ kind: 'openai', model: 'gpt-4o-mini' })).toThrow(/OpenAI API key/);
    expect(() => providerEntry({ kind: 'openai-compatible', model: 'x' })).toThrow(/server address/);
    expect(() => providerEntry({ kind: 'openai-compatible', baseUrl: 'file:///etc', model: 'x' })).toThrow(/http/);
  });

  it('tests a key with one real request: a good key answers, a wrong one is refused in words', async () => {
    server.reset();
    const good = await run('sk-right');
    expect(good).toMatchObject({ ok: true, modelRef: 'custom/qwen3', reply: 'OK' });
    expect(server.calls).toBe(1);
    const bad = await run('sk-wrong');
    expect(bad).toMatchObject({ ok: false, errorKind: 'auth' });
    expect(bad.error).toMatch(/refused the key/);
  });

  it('finds a local Ollama by its model list, and says nothing is there when nothing answers', async () => {
    expect(await detectOllama(ollama.baseUrl)).toEqual(['qwen3', 'llama3']);
    expect(await detectOllama('http://127.0.0.1:9')).toBeUndefined();
  });
});
