import type { ModelContent, ModelMessage } from './providers/types.js';

// Messages are not mutated once built; histories reuse them turn after turn, so their sizes are remembered.
const messageChars = new WeakMap<ModelMessage, number>();

const IMAGE_CHARS = 1600 * 4;

function blockChars(b: ModelContent): number {
  if (b.type === 'text') return 16 + b.text.length;
  if (b.type === 'tool_result') return 16 + b.content.length;
  // Providers bill an image by its pixels (about 1,600 tokens for a large one), not by its base64 length.
  if (b.type === 'image') return IMAGE_CHARS;
  return 16 + JSON.stringify(b.input ?? null).length + b.name.length;
}

/** Rough token estimate: ~4 characters a token, plus a little per block. Cheap and conservative enough for budgeting. */
export function estimateTokens(value: string | ModelMessage[] | ModelContent[]): number {
  if (typeof value === 'string') return Math.ceil(value.length / 4);
  let chars = 0;
  for (const item of value) {
    if ('role' in item) {
      let c = messageChars.get(item);
      if (c === undefined) {
        c = item.content.reduce((n, b) => n + blockChars(b), 0);
        messageChars.set(item, c);
      }
      chars += c;
    } else chars += blockChars(item);
  }
  return Math.ceil(chars / 4);
}

export interface BudgetInput {
  system: string;
  history: ModelMessage[];
  /** The new user message(s): never trimmed. */
  incoming: ModelMessage[];
  contextWindow: number;
  maxOutputTokens: number;
  /** Tool output kept in full only in the newest turns; older results are cut to this many characters. */
  oldToolResultChars?: number;
}

export interface BudgetResult {
  messages: ModelMessage[];
  droppedMessages: number;
  truncatedToolResults: number;
  estimatedInputTokens: number;
  /** The incoming message alone does not fit: do not call the model. */
  overflow: boolean;
}

function shortenToolResults(msg: ModelMessage, max: number): { msg: ModelMessage; changed: number } {
  let changed = 0;
  const content = msg.content.map((b) => {
    if (b.type !== 'tool_result' || b.content.length <= max) return b;
    changed++;
    const head = b.content.slice(0, Math.floor(max * 0.7));
    const tail = b.content.slice(-Math.floor(max * 0.2));
    return { ...b, content: `${head}\n[… ${b.content.length - head.length - tail.length} characters of old tool output omitted …]\n${tail}` };
  });
  // Unchanged messages keep their identity, so remembered sizes stay valid.
  return { msg: changed ? { ...msg, content } : msg, changed };
}

/** A turn starts at a user message that is not a tool result; cuts happen only there so tool calls keep their results. */
function isTurnStart(m: ModelMessage): boolean {
  return m.role === 'user' && m.content.some((b) => b.type === 'text');
}

/**
 * Fit the conversation into the model's window before calling it: first cut
 * old tool output (the usual bulk), then drop the oldest whole turns. The
 * system prompt and the incoming message are never cut; when they alone do not
 * fit, `overflow` says so and no tokens are spent.
 */
export function fitContext(input: BudgetInput): BudgetResult {
  const limit = input.contextWindow - input.maxOutputTokens - estimateTokens(input.system) - 256;
  const fixed = estimateTokens(input.incoming);
  if (fixed > limit) return { messages: input.incoming, droppedMessages: input.history.length, truncatedToolResults: 0, estimatedInputTokens: fixed, overflow: true };

  const maxOld = input.oldToolResultChars ?? 4000;
  let truncated = 0;
  // The newest turn of the history keeps its full tool output; older ones are shortened.
  const starts = input.history.map((m, i) => (isTurnStart(m) ? i : -1)).filter((i) => i >= 0);
  const keepFullFrom = starts.length ? starts[starts.length - 1]! : 0;
  let history = input.history.map((m, i) => {
    if (i >= keepFullFrom) return m;
    const r = shortenToolResults(m, maxOld);
    truncated += r.changed;
    return r.msg;
  });

  const sizes = history.map((m) => estimateTokens([m]));
  let total = fixed + sizes.reduce((a, b) => a + b, 0);
  let start = 0;
  while (total > limit && start < history.length) {
    // Drop through the next turn start so no orphaned tool results remain.
    do total -= sizes[start++]!;
    while (start < history.length && !isTurnStart(history[start]!));
  }
  if (start) history = history.slice(start);
  return { messages: [...history, ...input.incoming], droppedMessages: start, truncatedToolResults: truncated, estimatedInputTokens: total, overflow: false };
}
