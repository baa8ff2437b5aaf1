import type { ModelContent, ModelMessage } from '../agents/providers/types.js';
import type { NewTranscriptEntry, TranscriptEntry } from '../store/types.js';

// Entries are immutable once stored; cached histories reuse their converted form turn after turn.
const converted = new WeakMap<TranscriptEntry, ModelMessage | null>();

function toMessage(e: TranscriptEntry): ModelMessage | null {
  let m = converted.get(e);
  if (m === undefined) {
    const content = (e.content as ModelContent[]).filter((b) => b && typeof b === 'object' && 'type' in b);
    m = content.length ? { role: e.role === 'assistant' ? 'assistant' : 'user', content } : null;
    converted.set(e, m);
  }
  return m;
}

/** Stored entries → model messages. Tool results are stored as role `tool` and sent as user content. */
export function entriesToMessages(entries: TranscriptEntry[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const e of entries) {
    const m = toMessage(e);
    if (m) out.push(m);
  }
  // A history page may start with orphaned tool results: drop them (their calls are older than the page).
  while (out.length && out[0]!.role === 'user' && out[0]!.content.every((b) => b.type === 'tool_result')) out.shift();
  while (out.length && out[0]!.role === 'assistant') out.shift();
  return out;
}

/** Model messages added by a turn → entries to store. */
export function messagesToEntries(messages: ModelMessage[], runId: string, nowMs: number): NewTranscriptEntry[] {
  return messages.map((m) => ({
    role: m.role === 'assistant' ? 'assistant' : m.content.every((b) => b.type === 'tool_result') ? 'tool' : 'user',
    content: m.content,
    runId,
    createdAtMs: nowMs,
  }));
}

/** Plain text of a message's text blocks. */
export function textOf(content: unknown[]): string {
  return (content as ModelContent[])
    .filter((b) => b?.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('');
}
