import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { TranscriptMessage } from '../../components/MessageView.js';

export type SessionRow = MethodResult<'sessions.list'>['sessions'][number];

/** The keys that matter to the composer, from a keydown event. */
export interface ComposerKey {
  key: string;
  shiftKey: boolean;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  /** An input method is composing (Enter then confirms the composition, it does not send). */
  isComposing?: boolean;
}

/** Enter sends; Shift+Enter (or Alt+Enter) breaks the line; Enter that ends an IME composition does neither. */
export function sendsMessage(e: ComposerKey): boolean {
  return e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.isComposing;
}

/** A fresh conversation's session key: `agent:<agentId>:chat-<date>-<time>-<random>`. */
export function newChatKey(agentId: string, now: Date, random: string): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `agent:${agentId}:chat-${stamp}-${random.replace(/[^a-z0-9]/gi, '').slice(0, 6).toLowerCase()}`;
}

/** What the conversation list calls a session: its label, else the start of its last message, else its key. */
export function conversationTitle(row: Pick<SessionRow, 'key' | 'label' | 'preview' | 'kind'>): string {
  if (row.label) return row.label;
  if (row.kind === 'main') return 'Main conversation';
  const preview = row.preview?.replace(/\s+/g, ' ').trim();
  if (preview) return preview.length > 60 ? `${preview.slice(0, 59)}…` : preview;
  return row.key.split(':').slice(2).join(':') || row.key;
}

/** Messages in transcript order (by seq, then time). */
const byOrder = (a: TranscriptMessage, b: TranscriptMessage) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || a.timestamp - b.timestamp;

/**
 * The newest page of a transcript merged into what is shown: earlier pages the user loaded stay,
 * the newest page replaces everything from its first message on (and the unsaved local echo of a
 * message just sent, which the page now holds).
 */
export function mergeNewestPage(shown: readonly TranscriptMessage[], page: readonly TranscriptMessage[]): TranscriptMessage[] {
  const sorted = [...page].sort(byOrder);
  const first = sorted.find((m) => m.seq !== undefined)?.seq;
  if (first === undefined) return sorted.length ? sorted : shown.filter((m) => m.seq !== undefined);
  return [...shown.filter((m) => m.seq !== undefined && m.seq < first), ...sorted];
}

/** An earlier page put in front of what is shown (duplicates dropped). */
export function prependPage(shown: readonly TranscriptMessage[], older: readonly TranscriptMessage[]): TranscriptMessage[] {
  const seen = new Set(shown.map((m) => m.seq).filter((s) => s !== undefined));
  return [...older.filter((m) => m.seq === undefined || !seen.has(m.seq)).sort(byOrder), ...shown];
}
