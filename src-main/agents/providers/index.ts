/**
 * Model providers: build one from `models.providers.<id>` config, parse
 * `provider/model` references, and stream with failover across candidates.
 *
 * Base URLs: users may write them with or without `/v1`. For
 * `anthropic-messages` the SDK gets the host root (`http://127.0.0.1:8080`);
 * for the OpenAI APIs a bare host gets `/v1` appended and any other path is
 * kept as written (see `resolveSdkBaseUrl`).
 */
import { createAnthropicProvider } from './anthropic-messages.js';
import { resolveClientSettings } from './client-settings.js';
import { createOpenAICompletionsProvider } from './openai-completions.js';
import { createOpenAIResponsesProvider } from './openai-responses.js';
import { ProviderError, type ModelProvider, type ModelRequest, type ModelStreamEvent, type ProviderConfig, type ProviderOptions } from './types.js';

export * from './types.js';
export { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, resolveSdkBaseUrl } from './client-settings.js';

/** Build the provider for `config.api`. Defaults: `timeoutMs` 120000, `maxRetries` 2. */
export function createProvider(config: ProviderConfig, opts?: ProviderOptions): ModelProvider {
  const settings = resolveClientSettings(config, opts);
  switch (config.api) {
    case 'anthropic-messages':
      return createAnthropicProvider(config, settings);
    case 'openai-completions':
      return createOpenAICompletionsProvider(config, settings);
    case 'openai-responses':
      return createOpenAIResponsesProvider(config, settings);
    default:
      throw new Error(`unknown provider api: ${String((config as { api?: unknown }).api)}`);
  }
}

export interface ModelRef {
  providerId: string;
  modelId: string;
}

/** `anthropic/claude-sonnet-4-5` → `{ providerId: 'anthropic', modelId: 'claude-sonnet-4-5' }`; split at the first `/` (model ids may contain more). Throws when either side is empty. */
export function parseModelRef(ref: string): ModelRef {
  const slash = ref.indexOf('/');
  const providerId = slash < 0 ? '' : ref.slice(0, slash).trim();
  const modelId = slash < 0 ? '' : ref.slice(slash + 1).trim();
  if (!providerId || !modelId) throw new Error(`model reference must look like "provider/model": ${JSON.stringify(ref)}`);
  return { providerId, modelId };
}

export interface ModelCandidate {
  provider: ModelProvider;
  /** Model id as that provider knows it. */
  model: string;
  /** This candidate's output limit; overrides the request's. */
  maxTokens?: number;
}

/** Output limit when neither the candidate nor the request sets one. */
export const DEFAULT_MAX_TOKENS = 4096;

/** One failed attempt that is followed by another (failoverable, before any output). */
export interface FailedAttempt {
  index: number;
  provider: ModelProvider;
  model: string;
  error: ProviderError;
}

/** A model request for several candidates: the model (and optionally the output limit) comes from each candidate. */
export type FailoverRequest = Omit<ModelRequest, 'model' | 'maxTokens'> & { maxTokens?: number };

/**
 * Stream from the first candidate that works. Moves on only when the error is
 * a failoverable `ProviderError` and nothing has been yielded yet (output
 * already shown cannot be taken back); anything else is rethrown. When every
 * candidate fails, the last error is thrown.
 */
export async function* streamWithFailover(
  candidates: ModelCandidate[],
  req: FailoverRequest,
  onAttemptError?: (attempt: FailedAttempt) => void,
): AsyncGenerator<ModelStreamEvent> {
  if (candidates.length === 0) throw new Error('streamWithFailover: no model candidates');
  for (let index = 0; index < candidates.length; index++) {
    const { provider, model, maxTokens } = candidates[index];
    let yielded = false;
    try {
      for await (const event of provider.stream({ ...req, model, maxTokens: maxTokens ?? req.maxTokens ?? DEFAULT_MAX_TOKENS })) {
        yielded = true;
        yield event;
      }
      return;
    } catch (err) {
      const last = index === candidates.length - 1;
      if (yielded || last || !(err instanceof ProviderError) || !err.failoverable || req.signal?.aborted) throw err;
      onAttemptError?.({ index, provider, model, error: err });
    }
  }
}
