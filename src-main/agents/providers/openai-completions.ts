/**
 * `openai-completions`: OpenAI Chat Completions through the `openai` SDK; also
 * any compatible server (Ollama, vLLM, LM Studio, OpenRouter…) via `baseUrl`.
 * Tool calls stream as fragments keyed by `index` and are emitted whole when
 * the choice finishes; tool results go back as `role: "tool"` messages.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { SdkClientSettings } from './client-settings.js';
import { guardedStream, parseToolInput, sdkLogger, type StreamTranslator } from './guarded-stream.js';
import { imageDataUrl, imagePlaceholder } from './image-content.js';
import { StreamCutError, type SdkErrorClasses } from './provider-errors.js';
import type { ModelMessage, ModelProvider, ModelStreamEvent, ModelUsage, ProviderConfig, StopReason, ToolSpec } from './types.js';

export const OPENAI_SDK_ERRORS: SdkErrorClasses = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };

/** One `openai` client per provider; shared with `openai-responses.ts`. */
export function createOpenAIClient(config: ProviderConfig, settings: SdkClientSettings): OpenAI {
  return new OpenAI({
    // Local servers need no key, but the SDK insists on one; a missing real key then shows up as a 401 (auth).
    apiKey: config.apiKey ?? 'not-set',
    baseURL: settings.baseUrl,
    defaultHeaders: config.headers,
    maxRetries: settings.maxRetries,
    timeout: settings.timeoutMs,
    logger: sdkLogger(`providers/${config.id}`),
    logLevel: 'warn',
  });
}

export function createOpenAICompletionsProvider(config: ProviderConfig, settings: SdkClientSettings): ModelProvider {
  const client = createOpenAIClient(config, settings);
  // api.openai.com rejects `max_tokens` for reasoning models; many compatible servers only know `max_tokens`.
  const tokenField = isOfficialOpenAI(settings.baseUrl) ? 'max_completion_tokens' : 'max_tokens';
  return {
    id: config.id,
    api: 'openai-completions',
    stream: (req) =>
      guardedStream({
        sdk: OPENAI_SDK_ERRORS,
        context: { provider: config.id, model: req.model, apiKey: config.apiKey, signal: req.signal },
        idleTimeoutMs: settings.timeoutMs,
        translator: new ChatTranslator(),
        open: (signal) =>
          client.chat.completions.create(
            {
              model: req.model,
              messages: toChatMessages(req.system, req.messages),
              ...(req.tools.length ? { tools: toChatTools(req.tools) } : {}),
              [tokenField]: req.maxTokens,
              ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
              stream: true,
              stream_options: { include_usage: true },
            },
            { signal },
          ),
      }),
  };
}

function isOfficialOpenAI(baseUrl: string | undefined): boolean {
  if (!baseUrl) return true;
  try {
    return new URL(baseUrl).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

/**
 * Tool results become `role: "tool"` messages placed before any user text of
 * the same turn (they must directly follow the assistant's `tool_calls`).
 * The API has no error flag for a tool result, so failures are prefixed `Error: `.
 */
export function toChatMessages(system: string, messages: ModelMessage[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = system ? [{ role: 'system', content: system }] : [];
  for (const m of messages) {
    const text = m.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('');
    if (m.role === 'assistant') {
      const toolCalls = m.content.flatMap((c) =>
        c.type === 'tool_use' ? [{ id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) } }] : [],
      );
      out.push({ role: 'assistant', content: text || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) });
      continue;
    }
    for (const c of m.content) {
      if (c.type === 'tool_result') out.push({ role: 'tool', tool_call_id: c.toolUseId, content: c.isError ? `Error: ${c.content}` : c.content });
    }
    const images = m.content.flatMap((c) => (c.type === 'image' ? [c] : []));
    if (images.length) {
      out.push({
        role: 'user',
        content: [
          ...(text ? [{ type: 'text' as const, text }] : []),
          ...images.map((c) => (c.data ? { type: 'image_url' as const, image_url: { url: imageDataUrl(c) } } : { type: 'text' as const, text: imagePlaceholder(c) })),
        ],
      });
    } else if (text) out.push({ role: 'user', content: text });
  }
  return out;
}

function toChatTools(tools: ToolSpec[]): ChatCompletionTool[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }));
}

const FINISH_REASONS: Record<string, StopReason> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  length: 'max_tokens',
  content_filter: 'refusal',
};

class ChatTranslator implements StreamTranslator<ChatCompletionChunk> {
  private readonly tools = new Map<number, { id: string; name: string; args: string }>();
  private usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
  private stopReason: StopReason | undefined;

  *push(chunk: ChatCompletionChunk): Iterable<ModelStreamEvent> {
    if (chunk.usage) this.usage = chatUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta ?? {};
    if (delta.content) yield { type: 'text_delta', text: delta.content };
    for (const tc of delta.tool_calls ?? []) {
      const acc = this.tools.get(tc.index) ?? { id: '', name: '', args: '' };
      if (tc.id) acc.id = tc.id;
      if (tc.function?.name) acc.name += tc.function.name;
      if (tc.function?.arguments) acc.args += tc.function.arguments;
      this.tools.set(tc.index, acc);
    }
    if (choice.finish_reason) {
      this.stopReason = FINISH_REASONS[choice.finish_reason] ?? 'other';
      yield* this.flushTools();
    }
  }

  *finish(): Iterable<ModelStreamEvent> {
    // The usage chunk comes after the finish chunk, so `done` waits for the end of the stream.
    if (!this.stopReason) throw new StreamCutError('finish_reason');
    yield { type: 'done', stopReason: this.stopReason, usage: this.usage };
  }

  private *flushTools(): Iterable<ModelStreamEvent> {
    const ordered = [...this.tools.entries()].sort(([a], [b]) => a - b);
    this.tools.clear();
    for (const [index, t] of ordered) {
      // Some compatible servers omit ids; the turn loop still needs one to pair the result.
      yield { type: 'tool_call', id: t.id || `call_${index}`, name: t.name, input: parseToolInput(t.args) };
    }
  }
}

/** `prompt_tokens` includes cached tokens; `inputTokens` here counts only the uncached part, as Anthropic does. */
function chatUsage(u: NonNullable<ChatCompletionChunk['usage']>): ModelUsage {
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  return { inputTokens: Math.max(0, (u.prompt_tokens ?? 0) - cached), outputTokens: u.completion_tokens ?? 0, ...(cached ? { cacheReadTokens: cached } : {}) };
}
