/**
 * Session keys, wire-compatible with upstream OpenClaw
 * (`src/routing/session-key.ts`; reference "4. Session keys").
 *
 *   main                      agent:<agent>:<mainKey>
 *   DM, per-peer              agent:<agent>:direct:<peer>
 *   DM, per-channel-peer      agent:<agent>:<channel>:direct:<peer>
 *   DM, per-account-ch.-peer  agent:<agent>:<channel>:<account>:direct:<peer>
 *   group / channel           agent:<agent>:<channel>:<group|channel>:<peer>
 *   + forum topic / thread    …:topic:<id>  …:thread:<id>
 *   session.scope "global"    global
 *
 * Everything here is pure so the gateway, CLI and UI derive identical keys.
 */
import { DEFAULT_MAIN_KEY, normalizeAccountId, normalizeAgentId } from './agent-id.js';
import type { SessionConfig } from './config-schema.js';
import type { InboundMessage, PeerKind } from './inbound.js';

/** How direct messages map to sessions (`session.dmScope`). */
export type DmScope = NonNullable<SessionConfig['dmScope']>;
/** How group chats map to sessions (`session.groupScope`). */
export type GroupScope = NonNullable<SessionConfig['groupScope']>;
/** `session.scope`: `global` puts every conversation in one session. */
export type SessionScope = NonNullable<SessionConfig['scope']>;

/** The key used for every conversation when `session.scope` is `global`. */
export const GLOBAL_SESSION_KEY = 'global';
/** Longest key {@link normalizeSessionKey} accepts from a user. */
export const MAX_SESSION_KEY_LENGTH = 512;

const UNKNOWN = 'unknown';

/** Trim + lowercase; empty stays empty. Channel, thread and topic ids. */
function normalizeToken(value: string | null | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

/**
 * Peer ids keep their shape (Telegram `-100123`, Matrix `!room:host`) and are
 * only lowercased; inner whitespace or control characters, which upstream
 * would copy into an unusable key, become `-`.
 */
function normalizePeerId(value: string | null | undefined): string {
  return normalizeToken(value).replace(/[\s\p{Cc}]+/gu, '-');
}

/** `session.mainKey`, lowercased; empty is `main`. */
export function normalizeMainKey(mainKey: string | null | undefined): string {
  return normalizeToken(mainKey) || DEFAULT_MAIN_KEY;
}

/** `agent:<agentId>:<mainKey>`, e.g. `agent:main:main`. */
export function buildMainSessionKey(params: { agentId: string; mainKey?: string }): string {
  return `agent:${normalizeAgentId(params.agentId)}:${normalizeMainKey(params.mainKey)}`;
}

/**
 * The canonical name a DM peer is linked to by `session.identityLinks`
 * (`{ canonical: ["<peerId>" | "<channel>:<peerId>"] }`), compared
 * case-insensitively; undefined when no entry matches.
 */
export function resolveLinkedIdentity(params: {
  identityLinks: Record<string, string[]> | undefined;
  channel: string;
  peerId: string;
}): string | undefined {
  const peerId = normalizeToken(params.peerId);
  if (!params.identityLinks || !peerId) return undefined;
  const channel = normalizeToken(params.channel);
  const candidates = new Set([peerId, ...(channel ? [`${channel}:${peerId}`] : [])]);
  for (const [canonical, ids] of Object.entries(params.identityLinks)) {
    const name = canonical.trim();
    if (!name || !Array.isArray(ids)) continue;
    if (ids.some((id) => candidates.has(normalizeToken(id)))) return name;
  }
  return undefined;
}

/** Parameters of {@link buildAgentPeerSessionKey}. */
export interface AgentPeerSessionKeyParams {
  agentId: string;
  channel: string;
  /** Missing means {@link DEFAULT_ACCOUNT_ID}; only `per-account-channel-peer` uses it. */
  accountId?: string;
  peer: { kind: PeerKind; id: string };
  dmScope: DmScope;
  /** Default `per-group`. */
  groupScope?: GroupScope;
  /** Default `main`. */
  mainKey?: string;
  identityLinks?: Record<string, string[]>;
  /** Slack/Discord thread: appends `:thread:<id>`. */
  threadId?: string;
  /** Telegram forum topic: appends `:topic:<id>`. */
  topicId?: string;
  /** `global` returns {@link GLOBAL_SESSION_KEY} whatever the rest says. */
  scope?: SessionScope;
}

/**
 * The session key for one conversation with one agent (reference section 4).
 *
 * Decisions where the reference is silent, following upstream code:
 * - a DM without a peer id goes to the main session (no `direct:unknown`);
 *   a group or channel without one gets `unknown`;
 * - identity links apply to DMs only, and only when `dmScope` is not `main`;
 * - once a key collapses to the main session (`dmScope: main`,
 *   `groupScope: main`) thread and topic suffixes are dropped: collapsing
 *   means one session, and `agent:<id>:main:thread:…` would no longer be
 *   recognised as main by {@link isMainSessionKey};
 * - a topic suffix comes before a thread suffix when both are given.
 */
export function buildAgentPeerSessionKey(params: AgentPeerSessionKeyParams): string {
  if (params.scope === 'global') return GLOBAL_SESSION_KEY;
  const agentId = normalizeAgentId(params.agentId);
  const channel = normalizeToken(params.channel) || UNKNOWN;
  const mainKey = buildMainSessionKey({ agentId, mainKey: params.mainKey });

  let base: string;
  if (params.peer.kind === 'direct') {
    if (params.dmScope === 'main') return mainKey;
    const linked = resolveLinkedIdentity({ identityLinks: params.identityLinks, channel, peerId: params.peer.id });
    const peerId = normalizePeerId(linked ?? params.peer.id);
    if (!peerId) return mainKey;
    switch (params.dmScope) {
      case 'per-peer':
        base = `agent:${agentId}:direct:${peerId}`;
        break;
      case 'per-channel-peer':
        base = `agent:${agentId}:${channel}:direct:${peerId}`;
        break;
      case 'per-account-channel-peer':
        base = `agent:${agentId}:${channel}:${normalizeAccountId(params.accountId)}:direct:${peerId}`;
        break;
    }
  } else {
    if (params.groupScope === 'main') return mainKey;
    base = `agent:${agentId}:${channel}:${params.peer.kind}:${normalizePeerId(params.peer.id) || UNKNOWN}`;
  }
  const topicId = normalizePeerId(params.topicId);
  const threadId = normalizePeerId(params.threadId);
  return base + (topicId ? `:topic:${topicId}` : '') + (threadId ? `:thread:${threadId}` : '');
}

/**
 * The session key for an inbound message routed to `agentId`. A matching
 * binding's `session` overrides `session.dmScope` / `session.groupScope`.
 * With neither set, the owner's DMs from every channel share the main session
 * and every other person gets one of their own (`per-channel-peer`): someone
 * the owner lets in never reads or writes the owner's own conversation.
 */
export function resolveSessionKeyForInbound(params: {
  msg: InboundMessage;
  agentId: string;
  session: SessionConfig | undefined;
  bindingSession?: { dmScope?: DmScope; groupScope?: GroupScope };
  /** The sender is the owner (`commands.ownerAllowFrom`, or the account's own self-chat). */
  fromOwner?: boolean;
}): string {
  const { msg, session, bindingSession } = params;
  return buildAgentPeerSessionKey({
    agentId: params.agentId,
    channel: msg.channel,
    accountId: msg.accountId,
    peer: msg.peer,
    dmScope: bindingSession?.dmScope ?? session?.dmScope ?? (params.fromOwner ? 'main' : 'per-channel-peer'),
    groupScope: bindingSession?.groupScope ?? session?.groupScope ?? 'per-group',
    mainKey: session?.mainKey,
    identityLinks: session?.identityLinks,
    threadId: msg.threadId,
    topicId: msg.topicId,
    scope: session?.scope,
  });
}

/** What kind of conversation a parsed key belongs to. */
export type SessionKeyKind = 'main' | 'direct' | 'group' | 'channel' | 'subagent' | 'other';

/** An `agent:<agentId>:<rest>` key taken apart. */
export interface ParsedSessionKey {
  agentId: string;
  /** Everything after `agent:<agentId>:`, suffixes included. */
  rest: string;
  kind: SessionKeyKind;
  channel?: string;
  accountId?: string;
  peerId?: string;
  threadId?: string;
  topicId?: string;
}

// A Map, so segments such as `constructor` find nothing.
const PEER_MARKERS = new Map<string | undefined, 'direct' | 'group' | 'channel'>([
  ['direct', 'direct'],
  // Older upstream docs wrote `dm`.
  ['dm', 'direct'],
  ['group', 'group'],
  ['channel', 'channel'],
]);

/**
 * Takes an agent-scoped key apart. Returns undefined for anything that is not
 * `agent:<agentId>:<rest>` with non-empty parts, including `global`, which
 * belongs to no agent. A single-segment rest is `main` only when it equals
 * `mainKey` (default `main`); other names (`agent:main:work`) are `other`.
 * Peer ids may contain `:` (Matrix), so the peer id is everything between the
 * kind marker and the first `:topic:`/`:thread:` suffix.
 */
export function parseSessionKey(key: string, options: { mainKey?: string } = {}): ParsedSessionKey | undefined {
  const parts = key.trim().toLowerCase().split(':');
  if (parts.length < 3 || parts[0] !== 'agent' || !parts[1]) return undefined;
  const agentId = parts[1];
  const segments = parts.slice(2);
  const rest = segments.join(':');
  if (segments.some((s) => s === '')) return undefined;

  const suffixes: Pick<ParsedSessionKey, 'threadId' | 'topicId'> = {};
  while (segments.length >= 3) {
    const marker = segments[segments.length - 2];
    if (marker === 'thread' && suffixes.threadId === undefined && suffixes.topicId === undefined) {
      suffixes.threadId = segments.splice(-2)[1];
    } else if (marker === 'topic' && suffixes.topicId === undefined) {
      suffixes.topicId = segments.splice(-2)[1];
    } else break;
  }

  const parsed = (fields: Omit<ParsedSessionKey, 'agentId' | 'rest' | 'threadId' | 'topicId'>): ParsedSessionKey => ({
    agentId,
    rest,
    ...fields,
    ...suffixes,
  });
  const [first, second, third] = segments;
  if (segments.length === 1) return parsed({ kind: first === normalizeMainKey(options.mainKey) ? 'main' : 'other' });
  if (first === 'subagent') return parsed({ kind: 'subagent' });
  if (PEER_MARKERS.get(first) === 'direct') return parsed({ kind: 'direct', peerId: segments.slice(1).join(':') });
  const kind = PEER_MARKERS.get(second);
  if (kind && segments.length >= 3) return parsed({ kind, channel: first, peerId: segments.slice(2).join(':') });
  if (PEER_MARKERS.get(third) === 'direct' && segments.length >= 4) {
    return parsed({ kind: 'direct', channel: first, accountId: second, peerId: segments.slice(3).join(':') });
  }
  return parsed({ kind: 'other' });
}

/**
 * True for the main session of an agent (`agent:<id>:<mainKey>`, no thread or
 * topic) and for `global`. Sandbox mode `non-main` sandboxes everything else.
 */
export function isMainSessionKey(key: string, options: { mainKey?: string } = {}): boolean {
  if (key.trim().toLowerCase() === GLOBAL_SESSION_KEY) return true;
  const parsed = parseSessionKey(key, options);
  return parsed?.kind === 'main' && parsed.threadId === undefined && parsed.topicId === undefined;
}

/**
 * A session key typed by a user (CLI `--session`, `chat.send`) in canonical
 * form, or undefined when it cannot be one: empty, longer than 512
 * characters, containing whitespace or control characters, an empty segment,
 * or a malformed `agent:` key.
 * - `main` → `agent:<default>:main`; other bare names → `agent:<default>:<name>`
 *   (as upstream's `toAgentStoreSessionKey`);
 * - `agent:Work:Main` → `agent:work:main` (agent id through `normalizeAgentId`,
 *   except the `*` of upstream's `agent:*:explicit:…` keys);
 * - `global` stays `global`.
 */
export function normalizeSessionKey(input: string, defaultAgentId: string): string | undefined {
  const trimmed = input.trim();
  if (!trimmed || trimmed.length > MAX_SESSION_KEY_LENGTH) return undefined;
  if (/[\s\p{Cc}]/u.test(trimmed)) return undefined;
  const lowered = trimmed.toLowerCase();
  if (lowered.split(':').some((s) => s === '')) return undefined;
  if (lowered === GLOBAL_SESSION_KEY) return GLOBAL_SESSION_KEY;
  if (lowered === 'agent' || lowered.startsWith('agent:')) {
    const parsed = parseSessionKey(lowered);
    if (!parsed) return undefined;
    // `agent:*:explicit:…` (model runs) names no agent on purpose.
    const agentId = parsed.agentId === '*' ? '*' : normalizeAgentId(parsed.agentId);
    return `agent:${agentId}:${parsed.rest}`;
  }
  return `agent:${normalizeAgentId(defaultAgentId)}:${lowered}`;
}
