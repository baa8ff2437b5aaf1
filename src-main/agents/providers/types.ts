/**
 * Provider-neutral model interface. Each API family (`anthropic-messages`,
 * `openai-completions`, `openai-responses`) adapts its official SDK to it, so
 * the turn loop never sees an SDK type.
 */

/**
 * An image the user attached. The transcript keeps only the reference (`mediaId`, a file in the
 * state dir's media folder); `data` (base64) is filled in just before a model call, so history
 * pages and stored turns never carry the bytes.
 */
export interface ImageContent {
  type: 'image';
  mimeType: string;
  mediaId: string;
  name?: string;
  sizeBytes?: number;
  data?: string;
}

export type ModelContent =
  | { type: 'text'; text: string }
  | ImageContent
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError?: boolean };

/** Conversation history as the model sees it. System text is separate and never built from inbound text. */
export interface ModelMessage {
  role: 'user' | 'assistant';
  content: ModelContent[];
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input (an object schema). */
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  /** Model id as the provider knows it (without the `provider/` prefix). */
  model: string;
  system: string;
  messages: ModelMessage[];
  tools: ToolSpec[];
  maxTokens: number;
  temperature?: number;
  signal?: AbortSignal;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'other';

/** Streamed events: text deltas as they come, complete tool calls, then exactly one `done`. */
export type ModelStreamEvent =
  | { type: 'text_delta'; text: string }
  | { type: 'tool_call'; id: string; name: string; input: unknown }
  | { type: 'done'; stopReason: StopReason; usage: ModelUsage };

export type ProviderErrorKind = 'rate_limit' | 'server' | 'auth' | 'bad_request' | 'context_length' | 'timeout' | 'aborted' | 'connection' | 'unknown';

/** A provider call failed after the SDK's own retries. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    message: string,
    readonly kind: ProviderErrorKind,
    readonly opts: { status?: number; retryAfterMs?: number; provider?: string; model?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
  }
  /** Worth trying the next model in a failover list. */
  get failoverable(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'connection';
  }
}

export interface ModelProvider {
  /** Provider id from `models.providers.<id>`. */
  readonly id: string;
  readonly api: 'anthropic-messages' | 'openai-completions' | 'openai-responses';
  /** Stream one model call. Throws ProviderError (also for aborts: kind `aborted`). */
  stream(req: ModelRequest): AsyncIterable<ModelStreamEvent>;
}

/** `models.providers.<id>` as configured (secrets already resolved). */
export interface ProviderConfig {
  id: string;
  api: 'anthropic-messages' | 'openai-completions' | 'openai-responses';
  baseUrl?: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface ProviderOptions {
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  /** SDK retries on 429/5xx/connection errors, honouring retry-after. */
  maxRetries?: number;
}
