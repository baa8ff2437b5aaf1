import type { EventPayload } from '../../../src-shared/protocol/index.js';

export type ChatEvent = EventPayload<'chat'>;

/** A reply as it streams in. */
export interface LiveRun {
  runId: string;
  text: string;
  state: 'streaming' | 'final' | 'aborted' | 'error';
  error?: string;
  lastSeq: number;
}

/** The text blocks of an event's `message`, if it carries one. */
function messageText(message: unknown): string | undefined {
  const content = (message as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.filter((b): b is { type: 'text'; text: string } => b?.type === 'text' && typeof b.text === 'string').map((b) => b.text);
  return texts.length ? texts.join('') : undefined;
}

/**
 * Fold one `chat` event into the runs shown for `sessionKey`. Events of other sessions and repeated
 * `seq`s are ignored; a delta appends `deltaText`, but the cumulative `message` wins when present.
 */
export function applyChatEvent(runs: readonly LiveRun[], ev: ChatEvent, sessionKey: string): LiveRun[] {
  if (ev.sessionKey !== sessionKey) return runs as LiveRun[];
  const i = runs.findIndex((r) => r.runId === ev.runId);
  const prev: LiveRun = i >= 0 ? runs[i] : { runId: ev.runId, text: '', state: 'streaming', lastSeq: -1 };
  if (ev.seq <= prev.lastSeq || prev.state !== 'streaming') return runs as LiveRun[];
  const full = messageText(ev.message);
  const next: LiveRun = { ...prev, lastSeq: ev.seq };
  if (ev.state === 'delta') next.text = full ?? prev.text + (ev.deltaText ?? '');
  else {
    next.state = ev.state;
    next.text = full ?? prev.text;
    if (ev.state === 'error') next.error = ev.errorMessage ?? ev.errorKind ?? 'the model call failed';
  }
  return i >= 0 ? runs.map((r, j) => (j === i ? next : r)) : [...runs, next];
}

/** Whether any reply in the session is still streaming. */
export const isStreaming = (runs: readonly LiveRun[]) => runs.some((r) => r.state === 'streaming');
