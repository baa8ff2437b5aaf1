import type { Static } from '@sinclair/typebox';
import type { ProviderSetupSchema, ProviderTestResultSchema } from '../../src-shared/protocol/methods/model-setup.js';
import { ProviderError, type ModelProvider, type ProviderConfig } from './providers/types.js';

export type ProviderSetup = Static<typeof ProviderSetupSchema>;
export type ProviderTestResult = Static<typeof ProviderTestResultSchema>;

/** Where Ollama listens unless told otherwise. */
export const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434';

/** `models.providers.<id>` for a setup, and the id it goes under. */
export interface ProviderEntry {
  id: string;
  config: { api: ProviderConfig['api']; apiKey?: string; baseUrl?: string; models: { id: string }[] };
}

/** A setup form's answers as the config entry it becomes. Throws a plain-words Error for a missing key or URL. */
export function providerEntry(setup: ProviderSetup, ollamaUrl = OLLAMA_DEFAULT_URL): ProviderEntry {
  const apiKey = setup.apiKey?.trim() || undefined;
  const baseUrl = setup.baseUrl?.trim().replace(/\/+$/, '') || undefined;
  if (baseUrl && !/^https?:\/\/[^/]/i.test(baseUrl)) throw new Error('the base URL must start with http:// or https://');
  const models = [{ id: setup.model.trim() }];
  switch (setup.kind) {
    case 'anthropic':
      if (!apiKey) throw new Error('enter the Anthropic API key (it starts with sk-ant-)');
      return { id: 'anthropic', config: { api: 'anthropic-messages', apiKey, ...(baseUrl ? { baseUrl } : {}), models } };
    case 'openai':
      if (!apiKey) throw new Error('enter the OpenAI API key (it starts with sk-)');
      return { id: 'openai', config: { api: 'openai-completions', apiKey, ...(baseUrl ? { baseUrl } : {}), models } };
    case 'openai-compatible':
      if (!baseUrl) throw new Error('enter the server address, for example http://127.0.0.1:1234/v1');
      // Many local servers want no key, but the SDK needs one to send.
      return { id: 'custom', config: { api: 'openai-completions', apiKey: apiKey ?? 'none', baseUrl, models } };
    case 'ollama':
      return { id: 'ollama', config: { api: 'openai-completions', apiKey: apiKey ?? 'ollama', baseUrl: baseUrl ?? `${ollamaUrl.replace(/\/+$/, '')}/v1`, models } };
  }
}

const HINTS: Partial<Record<string, string>> = {
  auth: 'the provider refused the key: check that it is complete and still active',
  connection: 'nothing answered at that address: check the URL and that the server is running',
  timeout: 'the provider did not answer in time: check the address, or try again',
  rate_limit: 'the provider is rate-limiting this key: wait a minute or check the plan',
  bad_request: 'the provider refused the request: check the model name',
};

/**
 * One real request, the smallest that proves the key, address and model work: a one-line prompt
 * with a few tokens of answer. Never throws; a failure comes back in words.
 */
export async function testProvider(entry: ProviderEntry, provider: ModelProvider, now: () => number = Date.now, timeoutMs = 30_000): Promise<ProviderTestResult> {
  const model = entry.config.models[0]!.id;
  const modelRef = `${entry.id}/${model}`;
  const started = now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    let reply = '';
    for await (const ev of provider.stream({ model, system: 'You are checking that a connection works.', messages: [{ role: 'user', content: [{ type: 'text', text: 'Reply with the single word OK.' }] }], tools: [], maxTokens: 16, signal })) {
      if (ev.type === 'text_delta') reply += ev.text;
    }
    return { ok: true, modelRef, latencyMs: Math.round(now() - started), reply: reply.trim().slice(0, 200) };
  } catch (err) {
    const kind = err instanceof ProviderError ? (signal.aborted ? 'timeout' : err.kind) : 'unknown';
    const message = err instanceof Error ? err.message : String(err);
    const hint = HINTS[kind];
    return { ok: false, modelRef, latencyMs: Math.round(now() - started), errorKind: kind, error: hint ? `${hint} (${message})` : message };
  }
}

/** The models a local Ollama offers (its OpenAI-compatible `/v1/models`), or undefined when none answers. */
export async function detectOllama(baseUrl: string, fetchImpl: typeof fetch = fetch, timeoutMs = 1500): Promise<string[] | undefined> {
  try {
    const res = await fetchImpl(`${baseUrl.replace(/\/+$/, '')}/v1/models`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: { id?: unknown }[] };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return undefined;
  }
}
