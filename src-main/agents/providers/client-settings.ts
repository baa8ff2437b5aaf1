/**
 * Client settings shared by the three SDK adapters, and the base URL rule:
 * users may write a base URL with or without `/v1`; the Anthropic SDK wants the
 * host root (it adds `/v1/messages`), the OpenAI SDK wants the `/v1` prefix
 * (it adds `/chat/completions`, `/responses`).
 */
import type { ProviderConfig, ProviderOptions } from './types.js';

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 2;

/** Resolved settings handed to one SDK client. */
export interface SdkClientSettings {
  /** Base URL in the form this API's SDK expects; undefined means the SDK's default host. */
  baseUrl?: string;
  /** SDK timeout until response headers, and the longest silence allowed mid-stream. */
  timeoutMs: number;
  /** SDK retries on 408/409/429/5xx and connection errors, honouring `retry-after-ms` / `retry-after`. */
  maxRetries: number;
}

export function resolveClientSettings(config: ProviderConfig, opts: ProviderOptions = {}): SdkClientSettings {
  return {
    baseUrl: config.baseUrl ? resolveSdkBaseUrl(config.api, config.baseUrl) : undefined,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: opts.maxRetries ?? DEFAULT_MAX_RETRIES,
  };
}

/**
 * Anthropic: a trailing `/v1` is removed (`http://h:1/v1/` → `http://h:1`).
 * OpenAI: a bare host gets `/v1` (`http://h:1` → `http://h:1/v1`); a URL with any
 * path is kept as written, since compatible servers use other prefixes
 * (`…/openai/v1`, `…/v1beta/openai`).
 */
export function resolveSdkBaseUrl(api: ProviderConfig['api'], baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  if (api === 'anthropic-messages') return trimmed.replace(/\/v1$/, '');
  return hasPath(trimmed) ? trimmed : `${trimmed}/v1`;
}

function hasPath(url: string): boolean {
  try {
    return new URL(url).pathname.replace(/\/+$/, '') !== '';
  } catch {
    return false;
  }
}
