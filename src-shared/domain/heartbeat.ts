import type { AgentEntry, AgentsConfig, HeartbeatConfig } from './config-schema.js';
import { parseDuration } from './duration.js';

/** The reply that says "nothing needs attention": a heartbeat answered with it is not delivered. */
export const HEARTBEAT_TOKEN = 'HEARTBEAT_OK';
/** Text allowed beside the token for a reply still to count as an acknowledgement (the reference's fixed budget). */
export const DEFAULT_ACK_MAX_CHARS = 300;
/** The checklist an agent keeps in its workspace for heartbeats. */
export const HEARTBEAT_FILE = 'HEARTBEAT.md';
/** The heartbeat message when none is configured. */
export const DEFAULT_HEARTBEAT_PROMPT = `Read ${HEARTBEAT_FILE} if it exists (workspace context). Follow it strictly. Do not infer or repeat old tasks from prior chats. If nothing needs attention, reply ${HEARTBEAT_TOKEN}.`;
/** Where replies go when no target is configured: the chat the agent last talked to. */
export const DEFAULT_HEARTBEAT_TARGET = 'last';

/** An agent's heartbeat as health reports it (the reference's summary shape). */
export interface HeartbeatSummary {
  enabled: boolean;
  /** The configured cadence, or `disabled`. */
  every: string;
  everyMs: number | null;
  prompt: string;
  target: string;
  ackMaxChars: number;
}

/** An agent's heartbeat settings, defaults merged with the agent's own block. */
export interface HeartbeatSettings extends HeartbeatSummary {
  agentId: string;
  to?: string;
  accountId?: string;
  /** Whether `prompt` is the built-in one (then HEARTBEAT.md decides whether there is anything to do). */
  defaultPrompt: boolean;
  activeHours?: HeartbeatConfig['activeHours'];
}

/** A heartbeat cadence in ms (a bare number is minutes, as in the reference); null when off or unreadable. */
export function parseHeartbeatEvery(every: string | undefined): number | null {
  const t = every?.trim();
  if (!t) return null;
  const ms = /^\d+$/.test(t) ? Number(t) * 60_000 : parseDuration(t);
  return ms !== undefined && ms > 0 ? ms : null;
}

/**
 * Which agents run heartbeats and how: when any agent has its own `heartbeat` block only those do (merged over
 * `agents.defaults.heartbeat`); otherwise every agent does when the defaults have one; otherwise none.
 */
export function resolveHeartbeats(agents: Pick<AgentsConfig, 'defaults'> & { entries: Record<string, AgentEntry> }): HeartbeatSettings[] {
  const defaults = agents.defaults?.heartbeat;
  const ids = Object.keys(agents.entries);
  const own = ids.filter((id) => agents.entries[id]!.heartbeat);
  const enrolled = new Set(own.length ? own : defaults ? ids : []);
  return ids.map((agentId) => {
    const merged: HeartbeatConfig = { ...defaults, ...agents.entries[agentId]!.heartbeat };
    const everyMs = enrolled.has(agentId) ? parseHeartbeatEvery(merged.every) : null;
    const prompt = merged.prompt?.trim();
    return {
      agentId,
      enabled: everyMs !== null,
      every: everyMs !== null ? merged.every!.trim() : 'disabled',
      everyMs,
      prompt: prompt || DEFAULT_HEARTBEAT_PROMPT,
      defaultPrompt: !prompt,
      target: merged.target?.trim() || DEFAULT_HEARTBEAT_TARGET,
      ackMaxChars: merged.ackMaxChars ?? DEFAULT_ACK_MAX_CHARS,
      ...(merged.to ? { to: merged.to } : {}),
      ...(merged.accountId ? { accountId: merged.accountId } : {}),
      ...(merged.activeHours ? { activeHours: merged.activeHours } : {}),
    };
  });
}

/** The summary part of the settings (what `health` shows). */
export function heartbeatSummary(s: HeartbeatSettings): HeartbeatSummary {
  return { enabled: s.enabled, every: s.every, everyMs: s.everyMs, prompt: s.prompt, target: s.target, ackMaxChars: s.ackMaxChars };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TOKEN_AT_END = new RegExp(`${escapeRegExp(HEARTBEAT_TOKEN)}[^\\w]{0,4}$`);

/** Removes the token from the start and end of the text (repeatedly); `didStrip` when there was one. */
function stripTokenAtEdges(raw: string): { text: string; didStrip: boolean } {
  let text = raw.trim();
  if (!text.includes(HEARTBEAT_TOKEN)) return { text, didStrip: false };
  let didStrip = false;
  for (let changed = true; changed; ) {
    changed = false;
    const next = text.trim();
    if (next.startsWith(HEARTBEAT_TOKEN)) {
      text = next.slice(HEARTBEAT_TOKEN.length).trimStart();
      didStrip = changed = true;
    } else if (TOKEN_AT_END.test(next)) {
      const at = next.lastIndexOf(HEARTBEAT_TOKEN);
      const before = next.slice(0, at).trimEnd();
      text = before ? `${before}${next.slice(at + HEARTBEAT_TOKEN.length).trimStart()}`.trimEnd() : '';
      didStrip = changed = true;
    }
  }
  return { text: text.replace(/\s+/g, ' ').trim(), didStrip };
}

/**
 * Whether a heartbeat reply only acknowledges: empty, or HEARTBEAT_OK at its start or end (markup around it
 * allowed) with at most `ackMaxChars` of other text. The token in the middle of a reply does not count.
 */
export function isHeartbeatAck(reply: string, ackMaxChars = DEFAULT_ACK_MAX_CHARS): boolean {
  const trimmed = reply.trim();
  if (!trimmed) return true;
  if (!trimmed.includes(HEARTBEAT_TOKEN)) return false;
  const unmarked = trimmed
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/^[*`~_]+/, '')
    .replace(/[*`~_]+$/, '');
  const original = stripTokenAtEdges(trimmed);
  const picked = original.didStrip && original.text ? original : stripTokenAtEdges(unmarked);
  if (!picked.didStrip) return false;
  return picked.text.length <= Math.max(0, ackMaxChars);
}

/**
 * Whether a HEARTBEAT.md holds nothing to act on: only blank lines, headings, comments, fence markers and empty
 * list items. Then the heartbeat is skipped without asking the model.
 */
export function isHeartbeatFileEmpty(content: string): boolean {
  const withoutComments = content.replace(/<!--[\s\S]*?(-->|$)/g, '');
  return withoutComments.split('\n').every((line) => {
    const t = line.trim();
    return !t || /^#+(\s|$)/.test(t) || /^[-*+]\s*(\[[\sXx]?\]\s*)?$/.test(t) || /^```[A-Za-z0-9_-]*$/.test(t);
  });
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `atMs` falls in the daily window (in its time zone, default the host's). A window may wrap midnight
 * (22:00–06:00); equal start and end is an empty window; an unknown time zone counts as outside (and says so
 * in `health` through the skipped heartbeat's reason).
 */
export function isWithinActiveHours(window: NonNullable<HeartbeatConfig['activeHours']>, atMs: number): boolean {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(window.timezone ? { timeZone: window.timezone } : {}) }).formatToParts(new Date(atMs));
  } catch {
    return false;
  }
  const now = Number(parts.find((p) => p.type === 'hour')?.value) * 60 + Number(parts.find((p) => p.type === 'minute')?.value);
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}
