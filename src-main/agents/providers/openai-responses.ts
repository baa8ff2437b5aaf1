/**
 * `openai-responses`: the OpenAI Responses API through the `openai` SDK.
 * History is sent in full each call (`store: false`); tool calls are
 * `function_call` output items, tool results go back as `function_call_output`
 * input items keyed by `call_id`.
 */
import { APIError } from 'openai';
import type { FunctionTool, ResponseInputItem, ResponseStreamEvent, ResponseUsage } from 'openai/resources/responses/responses';
import type { SdkClientSettings } from './client-settings.js';
import { guardedStream, parseToolInput, type StreamTranslator } from './guarded-stream.js';
import { createOpenAIClient, OPENAI_SDK_ERRORS } from './openai-completions.js';
import { imageDataUrl, imagePlaceholder } from './image-content.js';
import { StreamCutError } from './provider-errors.js';
import type { ImageContent, ModelMessage, ModelProvider, ModelStreamEvent, ModelUsage, ProviderConfig, StopReason, ToolSpec } from './types.js';

export function createOpenAIResponsesProvider(config: ProviderConfig, settings: SdkClientSettings): ModelProvider {
  const client = createOpenAIClient(config, settings);
  return {
    id: config.id,
    api: 'openai-responses',
    stream: (req) =>
      guardedStream({
        sdk: OPENAI_SDK_ERRORS,
        context: { provider: config.id, model: req.model, apiKey: config.apiKey, signal: req.signal },
        idleTimeoutMs: settings.timeoutMs,
        translator: new ResponsesTranslator(),
        open: (signal) =>
          client.responses.create(
            {
              model: req.model,
              input: toResponsesInput(req.messages),
              ...(req.system ? { instructions: req.system } : {}),
              ...(req.tools.length ? { tools: toResponsesTools(req.tools) } : {}),
              max_output_tokens: req.maxTokens,
              ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
              store: false,
              stream: true,
            },
            { signal },
          ),
      }),
  };
}

/** Items in content order; like Chat Completions there is no error flag, so failed tool output is prefixed `Error: `. */
export function toResponsesInput(messages: ModelMessage[]): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  for (const m of messages) {
    let text = '';
    let images: ImageContent[] = [];
    const flushText = () => {
      if (images.length && m.role === 'user') {
        items.push({
          role: 'user',
          content: [
            ...(text ? [{ type: 'input_text' as const, text }] : []),
            ...images.map((c) => (c.data ? { type: 'input_image' as const, image_url: imageDataUrl(c), detail: 'auto' as const } : { type: 'input_text' as const, text: imagePlaceholder(c) })),
          ],
        });
      } else if (text) items.push({ role: m.role, content: text });
      text = '';
      images = [];
    };
    for (const c of m.content) {
      if (c.type === 'text') {
        text += c.text;
        continue;
      }
      if (c.type === 'image') {
        images.push(c);
        continue;
      }
      flushText();
      if (c.type === 'tool_use') items.push({ type: 'function_call', call_id: c.id, name: c.name, arguments: JSON.stringify(c.input ?? {}) });
      else items.push({ type: 'function_call_output', call_id: c.toolUseId, output: c.isError ? `Error: ${c.content}` : c.content });
    }
    flushText();
  }
  return items;
}

function toResponsesTools(tools: ToolSpec[]): FunctionTool[] {
  return tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.inputSchema, strict: false }));
}

class ResponsesTranslator implements StreamTranslator<ResponseStreamEvent> {
  /** Function calls in progress by item id: the arguments as streamed so far. */
  private readonly calls = new Map<string, { callId: string; name: string; args: string }>();
  private sawToolCall = false;
  private final: { stopReason: StopReason; usage: ModelUsage } | undefined;

  *push(event: ResponseStreamEvent): Iterable<ModelStreamEvent> {
    switch (event.type) {
      case 'response.output_text.delta':
        if (event.delta) yield { type: 'text_delta', text: event.delta };
        break;
      case 'response.output_item.added':
        if (event.item.type === 'function_call') {
          this.calls.set(event.item.id ?? String(event.output_index), { callId: event.item.call_id, name: event.item.name, args: event.item.arguments ?? '' });
        }
        break;
      case 'response.function_call_arguments.delta': {
        const call = this.calls.get(event.item_id);
        if (call) call.args += event.delta;
        break;
      }
      case 'response.output_item.done':
        if (event.item.type === 'function_call') {
          const key = event.item.id ?? String(event.output_index);
          const streamed = this.calls.get(key);
          this.calls.delete(key);
          this.sawToolCall = true;
          // The done item carries the complete arguments; the streamed copy is the fallback.
          yield { type: 'tool_call', id: event.item.call_id, name: event.item.name, input: parseToolInput(event.item.arguments || streamed?.args || '') };
        }
        break;
      case 'response.completed':
        this.final = { stopReason: this.sawToolCall ? 'tool_use' : 'end_turn', usage: responsesUsage(event.response.usage) };
        break;
      case 'response.incomplete': {
        const reason = event.response.incomplete_details?.reason;
        this.final = {
          stopReason: reason === 'max_output_tokens' ? 'max_tokens' : reason === 'content_filter' ? 'refusal' : 'other',
          usage: responsesUsage(event.response.usage),
        };
        break;
      }
      case 'response.failed': {
        const err = event.response.error;
        // Reuse the SDK's error class so the shared mapper classifies it by code like a stream `error` event.
        throw new APIError(undefined, { type: err?.code, code: err?.code, message: err?.message }, err?.message ?? 'response failed', undefined);
      }
    }
  }

  *finish(): Iterable<ModelStreamEvent> {
    if (!this.final) throw new StreamCutError('response.completed');
    yield { type: 'done', ...this.final };
  }
}

/** `input_tokens` includes cached tokens; `inputTokens` here counts only the uncached part, as Anthropic does. */
function responsesUsage(u: ResponseUsage | null | undefined): ModelUsage {
  if (!u) return { inputTokens: 0, outputTokens: 0 };
  const cached = u.input_tokens_details?.cached_tokens ?? 0;
  return { inputTokens: Math.max(0, u.input_tokens - cached), outputTokens: u.output_tokens, ...(cached ? { cacheReadTokens: cached } : {}) };
}
