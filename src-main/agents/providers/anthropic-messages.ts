/**
 * `anthropic-messages`: the Anthropic Messages API through `@anthropic-ai/sdk`,
 * streamed with `messages.create({ stream: true })` and translated from the raw
 * event sequence (tool inputs arrive as `input_json_delta` pieces and are
 * emitted as one `tool_call` at `content_block_stop`).
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageParam, RawMessageStreamEvent, Tool } from '@anthropic-ai/sdk/resources/messages/messages';
import type { SdkClientSettings } from './client-settings.js';
import { guardedStream, parseToolInput, sdkLogger, type StreamTranslator } from './guarded-stream.js';
import { imagePlaceholder } from './image-content.js';
import { StreamCutError, type SdkErrorClasses } from './provider-errors.js';
import type { ModelMessage, ModelProvider, ModelRequest, ModelStreamEvent, ModelUsage, ProviderConfig, StopReason } from './types.js';

const SDK_ERRORS: SdkErrorClasses = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };

export function createAnthropicProvider(config: ProviderConfig, settings: SdkClientSettings): ModelProvider {
  const client = new Anthropic({
    // A placeholder keeps a missing key a clean 401 (auth) instead of a constructor error or an env lookup.
    apiKey: config.apiKey ?? 'not-set',
    baseURL: settings.baseUrl,
    defaultHeaders: config.headers,
    maxRetries: settings.maxRetries,
    timeout: settings.timeoutMs,
    logger: sdkLogger(`providers/${config.id}`),
    logLevel: 'warn',
  });
  return {
    id: config.id,
    api: 'anthropic-messages',
    stream: (req) =>
      guardedStream({
        sdk: SDK_ERRORS,
        context: { provider: config.id, model: req.model, apiKey: config.apiKey, signal: req.signal },
        idleTimeoutMs: settings.timeoutMs,
        translator: new AnthropicTranslator(),
        open: (signal) =>
          client.messages.create(
            {
              model: req.model,
              max_tokens: req.maxTokens,
              messages: toAnthropicMessages(req.messages),
              ...(req.system ? { system: req.system } : {}),
              ...(req.tools.length ? { tools: toAnthropicTools(req) } : {}),
              ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
              stream: true,
            },
            { signal },
          ),
      }),
  };
}

type AnthropicImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

export function toAnthropicMessages(messages: ModelMessage[]): MessageParam[] {
  return messages.map((m) => ({
    role: m.role,
    content: m.content.map((c) => {
      switch (c.type) {
        case 'text':
          return { type: 'text' as const, text: c.text };
        case 'tool_use':
          return { type: 'tool_use' as const, id: c.id, name: c.name, input: c.input };
        case 'tool_result':
          return { type: 'tool_result' as const, tool_use_id: c.toolUseId, content: c.content, ...(c.isError ? { is_error: true } : {}) };
        case 'image':
          return c.data
            ? { type: 'image' as const, source: { type: 'base64' as const, media_type: c.mimeType as AnthropicImageType, data: c.data } }
            : { type: 'text' as const, text: imagePlaceholder(c) };
      }
    }),
  }));
}

function toAnthropicTools(req: ModelRequest): Tool[] {
  return req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: { type: 'object', ...t.inputSchema } as Tool['input_schema'] }));
}

const STOP_REASONS: Record<string, StopReason> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  refusal: 'refusal',
};

class AnthropicTranslator implements StreamTranslator<RawMessageStreamEvent> {
  private readonly tools = new Map<number, { id: string; name: string; json: string }>();
  private usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
  private stopReason: StopReason = 'other';
  private stopped = false;

  *push(event: RawMessageStreamEvent): Iterable<ModelStreamEvent> {
    switch (event.type) {
      case 'message_start':
        this.addUsage(event.message.usage);
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'tool_use') this.tools.set(event.index, { id: block.id, name: block.name, json: '' });
        else if (block.type === 'text' && block.text) yield { type: 'text_delta', text: block.text };
        break;
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta') {
          if (delta.text) yield { type: 'text_delta', text: delta.text };
        } else if (delta.type === 'input_json_delta') {
          const tool = this.tools.get(event.index);
          if (tool) tool.json += delta.partial_json;
        }
        break;
      }
      case 'content_block_stop': {
        const tool = this.tools.get(event.index);
        if (tool) {
          this.tools.delete(event.index);
          yield { type: 'tool_call', id: tool.id, name: tool.name, input: parseToolInput(tool.json) };
        }
        break;
      }
      case 'message_delta':
        this.stopReason = STOP_REASONS[event.delta.stop_reason ?? ''] ?? 'other';
        this.addUsage(event.usage);
        break;
      case 'message_stop':
        this.stopped = true;
        break;
    }
  }

  *finish(): Iterable<ModelStreamEvent> {
    if (!this.stopped) throw new StreamCutError('message_stop');
    yield { type: 'done', stopReason: this.stopReason, usage: this.usage };
  }

  /** `message_start` carries the input side; `message_delta` carries cumulative counts (nulls mean "unchanged"). */
  private addUsage(u: { input_tokens?: number | null; output_tokens?: number | null; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null }): void {
    const next = { ...this.usage };
    if (u.input_tokens != null) next.inputTokens = u.input_tokens;
    if (u.output_tokens != null) next.outputTokens = u.output_tokens;
    if (u.cache_read_input_tokens != null) next.cacheReadTokens = u.cache_read_input_tokens;
    if (u.cache_creation_input_tokens != null) next.cacheWriteTokens = u.cache_creation_input_tokens;
    this.usage = next;
  }
}
