import type { Static } from '@sinclair/typebox';
import type { ChatMessageSchema } from './methods/chat.js';

export type ChatMessage = Static<typeof ChatMessageSchema>;

/** A stored transcript entry, as far as clients see it. */
export interface ChatMessageSource {
  role: string;
  content: unknown[];
  createdAtMs: number;
  runId?: string;
  usage?: unknown;
}

/**
 * A transcript entry as every client sees it, wherever it is sent (`chat.history`, `session.message`, the `chat` final).
 * The same identity rides in `__openclaw` (`id`, `seq`, `runId`, and for a user entry the run it started as
 * `idempotencyKey`), where OpenClaw clients look for it: with one identity in every copy a client can tell the
 * copy it streamed, the copy it was told about and the copy it read back are one message, and shows it once.
 */
export function toChatMessage(entry: ChatMessageSource, seq: number): ChatMessage {
  const id = String(seq);
  return {
    role: entry.role,
    content: entry.content,
    timestamp: entry.createdAtMs,
    seq,
    messageId: id,
    ...(entry.runId ? { runId: entry.runId } : {}),
    ...(entry.usage ? { usage: entry.usage } : {}),
    __openclaw: {
      id,
      seq,
      ...(entry.runId ? { runId: entry.runId } : {}),
      ...(entry.runId && entry.role === 'user' ? { idempotencyKey: entry.runId } : {}),
    },
  };
}
