import { detectOllama, OLLAMA_DEFAULT_URL, providerEntry, testProvider, type ProviderEntry, type ProviderSetup } from '../../agents/provider-setup.js';
import { hashConfigText, readConfigText } from '../../config/load.js';
import type { CallContext, Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';

export interface ModelSetupDeps {
  /** Where to look for Ollama (`OPENCLAW_OLLAMA_URL`, else its default port). */
  ollamaUrl?: string;
  configPath: string;
  /** The config family's `config.patch`, so a saved provider is validated, written and applied like any other edit. */
  patchConfig(params: { raw: string; baseHash?: string }, ctx: CallContext): { path: string } | Promise<{ path: string }>;
}

/** `models.setup.*`: the first-run model setup (find Ollama, test a key with one real request, save). */
export function modelSetupHandlers(deps: ModelSetupDeps): Handlers {
  const ollamaUrl = deps.ollamaUrl ?? OLLAMA_DEFAULT_URL;
  const entryOf = (setup: ProviderSetup): ProviderEntry => {
    try {
      return providerEntry(setup, ollamaUrl);
    } catch (err) {
      throw new InvalidRequestError((err as Error).message, { code: 'PROVIDER_SETUP_INCOMPLETE' });
    }
  };
  // The model SDKs load on the first test, not at gateway start (as they do for turns: see model-router).
  const test = async (entry: ProviderEntry) => {
    const { createProvider } = await import('../../agents/providers/index.js');
    return testProvider(entry, createProvider({ id: entry.id, api: entry.config.api, apiKey: entry.config.apiKey, baseUrl: entry.config.baseUrl }, { maxRetries: 0 }));
  };

  return {
    'models.setup.detect': async () => {
      const models = await detectOllama(ollamaUrl);
      return { ollama: { baseUrl: ollamaUrl, found: models !== undefined, models: models ?? [] } };
    },
    'models.setup.test': (params) => test(entryOf(params)),
    'models.setup.save': async (params, ctx) => {
      const entry = entryOf(params);
      const result = await test(entry);
      if (!result.ok) return { test: result, saved: false };
      const patch = { models: { providers: { [entry.id]: entry.config } }, agents: { defaults: { model: { primary: result.modelRef } } } };
      const current = readConfigText(deps.configPath);
      const written = await deps.patchConfig({ raw: JSON.stringify(patch), ...(current === null ? {} : { baseHash: hashConfigText(current) }) }, ctx);
      return { test: result, saved: true, path: written.path };
    },
  };
}
