/**
 * Which agent answers an inbound message: `bindings[]` evaluated in
 * precedence tiers (reference "5. Routing and multiple agents").
 */
import { normalizeAccountId, normalizeAgentId } from './agent-id.js';
import type { Binding } from './config-schema.js';
import type { InboundMessage, PeerKind } from './inbound.js';

/** The tier a route was decided in, most specific first. */
export type RouteMatchTier = 'peer' | 'parent-peer' | 'peer-wildcard' | 'guild-roles' | 'guild' | 'team' | 'account' | 'channel' | 'default';

/** A binding that matched the message but names an agent that does not exist. */
export interface SkippedBinding {
  /** The binding's agent id, normalised. */
  agentId: string;
  reason: 'unknown-agent';
  /** Position in `bindings[]`. */
  bindingIndex: number;
}

/** Result of {@link resolveAgentRoute}. */
export interface AgentRoute {
  /** Normalised agent id. */
  agentId: string;
  matchedBy: RouteMatchTier;
  /** The winning binding; absent for `default`. Its `session` overrides `session.*` scopes. */
  binding?: Binding;
  /** Bindings that would have won (or were considered before the winner) but were skipped, in evaluation order. */
  skipped: SkippedBinding[];
}

const TIER_ORDER: readonly Exclude<RouteMatchTier, 'default'>[] = ['peer', 'parent-peer', 'peer-wildcard', 'guild-roles', 'guild', 'team', 'account', 'channel'];

// Ids compare trimmed and case-insensitively: session keys lowercase peers
// anyway, and a binding written as `c0abc` should still catch Slack's `C0ABC`.
const sameId = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The tier a binding competes in, from its most specific constraint. A
 * binding with an exact peer competes in both `peer` (against `msg.peer`)
 * and `parent-peer` (against `msg.parentPeer`).
 */
function bindingTiers(match: Binding['match']): readonly RouteMatchTier[] {
  if (match.peer) return match.peer.id.trim() === '*' ? ['peer-wildcard'] : ['peer', 'parent-peer'];
  if (match.roles && match.roles.length > 0) return ['guild-roles'];
  if (match.guildId !== undefined) return ['guild'];
  if (match.teamId !== undefined) return ['team'];
  const account = match.accountId?.trim();
  if (account && account !== '*') return ['account'];
  return ['channel'];
}

/**
 * `accountId` absent (or blank) matches only the `default` account, as
 * upstream; `"*"` matches any account; anything else must be equal.
 */
function matchesAccount(bindingAccountId: string | undefined, msgAccountId: string): boolean {
  const wanted = bindingAccountId?.trim();
  if (wanted === '*') return true;
  return normalizeAccountId(wanted) === normalizeAccountId(msgAccountId);
}

function matchesPeer(wanted: { kind: PeerKind; id: string }, actual: { kind: PeerKind; id: string } | undefined): boolean {
  if (!actual || wanted.kind !== actual.kind) return false;
  return wanted.id.trim() === '*' || sameId(wanted.id, actual.id);
}

/**
 * Every field present in `match` must hold. `peerOf` picks which of the
 * message's peers the binding's `peer` is compared with (the thread itself or
 * its parent).
 */
function matchesBinding(match: Binding['match'], msg: InboundMessage, peerOf: 'peer' | 'parentPeer'): boolean {
  if (!sameId(match.channel, msg.channel)) return false;
  if (!matchesAccount(match.accountId, msg.accountId)) return false;
  if (match.peer && !matchesPeer(match.peer, msg[peerOf])) return false;
  if (match.guildId !== undefined && !sameId(match.guildId, msg.guildId)) return false;
  if (match.teamId !== undefined && !sameId(match.teamId, msg.teamId)) return false;
  if (match.roles && match.roles.length > 0) {
    const memberRoles = msg.memberRoleIds ?? [];
    if (!match.roles.some((role) => memberRoles.some((member) => sameId(role, member)))) return false;
  }
  return true;
}

/**
 * Picks the agent for an inbound message. Tiers are tried in order
 * (exact peer, parent peer, peer wildcard, guild + roles, guild, team,
 * account, channel) and the first binding in list order that matches in the
 * first tier with a match wins; otherwise `agents.defaultAgentId`.
 *
 * Matching rules:
 * - every field present in `match` must match; ids compare case-insensitively;
 * - `accountId: "*"` matches any account; a binding without `accountId`
 *   matches only the `default` account (as upstream), so a multi-account
 *   channel needs `"*"` to bind every account;
 * - `peer.id: "*"` matches any peer of that kind; peer kinds must be equal
 *   (`group` does not match `channel`);
 * - `roles` match when any of them is among `msg.memberRoleIds`; a binding
 *   with roles competes in the `guild-roles` tier even without `guildId`;
 * - the `account` tier holds bindings with an explicit, non-`*` accountId and
 *   no peer/guild/roles/team; the `channel` tier those with `"*"` or no accountId;
 * - a binding whose agent (after `normalizeAgentId`) is not in `agents.ids`
 *   is skipped and reported in `skipped`; evaluation continues.
 */
export function resolveAgentRoute(params: {
  msg: InboundMessage;
  bindings: readonly Binding[];
  agents: { ids: readonly string[]; defaultAgentId: string };
}): AgentRoute {
  const { msg, bindings } = params;
  const knownAgents = new Set(params.agents.ids.map((id) => normalizeAgentId(id)));
  const skipped: SkippedBinding[] = [];
  const reported = new Set<number>();

  for (const tier of TIER_ORDER) {
    if (tier === 'parent-peer' && !msg.parentPeer) continue;
    for (const [bindingIndex, binding] of bindings.entries()) {
      if (!bindingTiers(binding.match).includes(tier)) continue;
      if (!matchesBinding(binding.match, msg, tier === 'parent-peer' ? 'parentPeer' : 'peer')) continue;
      const agentId = normalizeAgentId(binding.agentId);
      if (knownAgents.has(agentId)) return { agentId, matchedBy: tier, binding, skipped };
      if (!reported.has(bindingIndex)) {
        reported.add(bindingIndex);
        skipped.push({ agentId, reason: 'unknown-agent', bindingIndex });
      }
    }
  }
  return { agentId: normalizeAgentId(params.agents.defaultAgentId), matchedBy: 'default', skipped };
}
