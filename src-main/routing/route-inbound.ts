import { isOwnerSender } from '../../src-shared/domain/access-policy.js';
import type { InboundMessage } from '../../src-shared/domain/inbound.js';
import { resolveAgentRoute, type RouteMatchTier } from '../../src-shared/domain/routing.js';
import { resolveSessionKeyForInbound } from '../../src-shared/domain/session-key.js';
import type { ResolvedConfig } from '../config/resolve.js';

export interface InboundRoute {
  agentId: string;
  sessionKey: string;
  matchedBy: RouteMatchTier;
}

/** Which agent and session a platform message belongs to: bindings first, then the session key rules. */
export function routeInbound(cfg: ResolvedConfig, msg: InboundMessage): InboundRoute {
  const route = resolveAgentRoute({ msg, bindings: cfg.bindings ?? [], agents: { ids: Object.keys(cfg.agents.entries), defaultAgentId: cfg.defaultAgentId } });
  const fromOwner = Boolean(msg.fromOwner) || isOwnerSender(cfg.commands?.ownerAllowFrom, msg.channel, msg.senderId);
  const sessionKey = resolveSessionKeyForInbound({ msg, agentId: route.agentId, session: cfg.session, bindingSession: route.binding?.session, fromOwner });
  return { agentId: route.agentId, sessionKey, matchedBy: route.matchedBy };
}

/**
 * Where a direct message from this sender would go now (bindings and session rules as for any
 * message): the conversation, and so the person, a paired sender is to the rest of the gateway.
 */
export function routeDirectFrom(cfg: ResolvedConfig, sender: { channel: string; accountId: string; senderId: string }): InboundRoute {
  return routeInbound(cfg, { channel: sender.channel, accountId: sender.accountId, senderId: sender.senderId, peer: { kind: 'direct', id: sender.senderId }, messageId: '', text: '', timestampMs: 0 });
}

/** Dedupe key of a platform message: the same message redelivered by the platform is not run twice. */
export function inboundDedupeKey(msg: InboundMessage): string {
  return `${msg.channel}:${msg.accountId}:${msg.messageId}`;
}
