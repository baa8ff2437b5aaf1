import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../logging/index.js';
import { ProviderError, type ModelProvider, type ModelRequest, type ModelStreamEvent, type ProviderConfig } from './providers/types.js';
import type { ModelChoice } from './runtime.js';

/** Which wire API a provider speaks when the config does not say. */
function defaultApi(id: string): ProviderConfig['api'] {
  if (id === 'anthropic') return 'anthropic-messages';
  return 'openai-completions';
}

/**
 * Turns `provider/model` refs into SDK-backed providers (cached per provider
 * config, rebuilt when the config changes) and streams with failover.
 */
export function createModelRouter(getConfig: () => ResolvedConfig, opts: { timeoutMs?: number; maxRetries?: number; log?: Logger } = {}) {
  const cache = new Map<string, { key: string; provider: ModelProvider }>();

  // The SDKs load on the first model call, keeping them out of gateway start-up.
  let sdk: Promise<typeof import('./providers/index.js')> | undefined;
  const loadSdk = () => (sdk ??= import('./providers/index.js'));

  const providerFor = (providerId: string, createProvider: (c: ProviderConfig, o: typeof opts) => ModelProvider): ModelProvider => {
    const p = getConfig().models?.providers?.[providerId];
    if (!p) throw new ProviderError(`model provider "${providerId}" is not configured (models.providers.${providerId})`, 'bad_request', { provider: providerId });
    const config: ProviderConfig = { id: providerId, api: p.api ?? defaultApi(providerId), baseUrl: p.baseUrl, apiKey: p.apiKey, headers: p.headers };
    const key = JSON.stringify(config);
    const hit = cache.get(providerId);
    if (hit && hit.key === key) return hit.provider;
    const provider = createProvider(config, opts);
    cache.set(providerId, { key, provider });
    return provider;
  };

  return {
    /** Stream one call across the choices in order; each event says which model produced it. */
    async *stream(req: Omit<ModelRequest, 'model' | 'maxTokens'>, models: ModelChoice[]): AsyncIterable<ModelStreamEvent & { modelRef?: string }> {
      if (!models.length) throw new ProviderError('no model configured: set agents.defaults.model.primary (e.g. "anthropic/claude-sonnet-5-5") and models.providers', 'bad_request');
      const { createProvider, streamWithFailover } = await loadSdk();
      const candidates = models.map((m) => {
        const slash = m.ref.indexOf('/');
        if (slash <= 0) throw new ProviderError(`model "${m.ref}" must be written provider/model`, 'bad_request');
        return { provider: providerFor(m.ref.slice(0, slash), createProvider), model: m.ref.slice(slash + 1), choice: m };
      });
      let current = 0;
      for await (const ev of streamWithFailover(
        candidates.map((c) => ({ provider: c.provider, model: c.model, maxTokens: c.choice.maxTokens })),
        req,
        (failed) => {
          current = failed.index + 1;
          // One line per fallback: which model failed, why, and which one takes over.
          opts.log?.warn('model failed; falling back', { from: candidates[failed.index]!.choice.ref, to: candidates[current]!.choice.ref, kind: failed.error.kind, error: failed.error.message });
        },
      )) {
        yield { ...ev, modelRef: candidates[current]!.choice.ref };
      }
    },
  };
}

export type ModelRouter = ReturnType<typeof createModelRouter>;
