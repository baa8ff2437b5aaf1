import type { PluginRecord, PluginsList } from '../plugins/plugin-rows.js';

/** Which memory plugin the page talks to, or why there is none to talk to. */
export type MemorySource =
  | { kind: 'none'; candidates: { id: string; name: string; reason: string }[] }
  | { kind: 'failed'; plugin: PluginRecord; error: string }
  | { kind: 'starting'; plugin: PluginRecord }
  | { kind: 'active'; plugin: PluginRecord };

const isMemory = (r: PluginRecord) => r.kind.includes('memory');

/**
 * The memory plugin that runs (the one `plugins.slots.memory` chose; the gateway enables at most
 * one), failed when it could not start, or none with each memory plugin's reason for being off.
 */
export function memorySource(list: PluginsList): MemorySource {
  const memories = list.plugins.filter(isMemory);
  const chosen = memories.find((r) => r.enabled);
  if (!chosen) return { kind: 'none', candidates: memories.map((r) => ({ id: r.id, name: r.name, reason: r.reason })) };
  if (chosen.state === 'failed') return { kind: 'failed', plugin: chosen, error: chosen.error ?? 'it failed to start, and gave no reason' };
  // Enabled plugins load in the background after the gateway starts; its methods exist once it has.
  if (chosen.state !== 'loaded') return { kind: 'starting', plugin: chosen };
  return { kind: 'active', plugin: chosen };
}

/**
 * Whose memory it is, in words: the owner's own (`main`), one person in a direct chat
 * (`direct:<channel>:<peer>` or `direct:<peer>`), or everyone in a group.
 */
export function describeOwner(owner: string): string {
  if (owner === 'main') return 'You (the owner)';
  const [kind, ...rest] = owner.split(':');
  if (kind === 'direct') return rest.length > 1 ? `${rest.slice(1).join(':')} on ${rest[0]}` : rest.join(':');
  if (kind === 'group') return rest.length > 1 ? `group ${rest.slice(1).join(':')} on ${rest[0]}` : `group ${rest.join(':')}`;
  if (kind === 'session') return `session ${rest.join(':')}`;
  return owner;
}

/** A similarity score as shown: three decimals, and the share of a full match for the bar. */
export function formatScore(score: number): { text: string; percent: number } {
  const clamped = Math.max(0, Math.min(1, score));
  return { text: score.toFixed(3), percent: Math.round(clamped * 100) };
}

/** How a memory got stored, in words. */
export function describeOrigin(origin: string): string {
  switch (origin) {
    case 'tool':
      return 'the assistant chose to remember it';
    case 'capture':
      return 'captured from a message';
    case 'cli':
      return 'added by the owner';
    case 'api':
      return 'added by a plugin';
    default:
      return origin;
  }
}

/** The confirmation text for forgetting one memory: what goes, and that it cannot be undone. */
export function forgetQuestion(text: string): string {
  const quoted = text.length > 80 ? `${text.slice(0, 79)}…` : text;
  return `Forget “${quoted}” for good? The assistant will no longer recall it, and this cannot be undone.`;
}

/** What the gateway says the memory plugin keeps of one person (`sessions.memories`, `channels.pairing.allowed`). */
export interface PersonMemoriesView {
  available: boolean;
  owner?: string;
  count?: number;
}

/**
 * The offer beside deleting a session or removing a paired sender: "Also forget what <person> told the
 * assistant (N memories)". Undefined when there is nothing to offer (no memory plugin, no memories).
 * `person` names them as the page does; without it, the owner in words (`main` is you).
 */
export function forgetPersonOffer(m: PersonMemoriesView | undefined, person?: string): string | undefined {
  if (!m?.available || !m.count || !m.owner) return undefined;
  const who = person ?? (m.owner === 'main' ? 'you' : describeOwner(m.owner));
  return `Also forget what ${who} told the assistant (${m.count === 1 ? '1 memory' : `${m.count} memories`})`;
}

/** The notice after forgetting: how many went, or the gateway's note on why none did. */
export function forgottenText(m: { removed: number; note?: string } | undefined): string {
  if (!m) return '';
  if (m.note) return ` No memories were forgotten: ${m.note}.`;
  return ` ${m.removed === 1 ? '1 memory was' : `${m.removed} memories were`} forgotten.`;
}
