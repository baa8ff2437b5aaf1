import type { PeerKind } from '../../src-shared/domain/inbound.js';
import { buildMainSessionKey } from '../../src-shared/domain/session-key.js';
import type { ReplyTarget } from '../routing/inbound-pipeline.js';
import type { Store } from '../store/types.js';

/** Nobody has written to the agent from a chat channel yet, so "the last chat" names none. */
export class NoLastChatError extends Error {
  override readonly name = 'NoLastChatError';
}

/**
 * The chat the agent was last written to from: its main session's, else its most recent conversation's
 * (scheduled jobs and heartbeats with target `last`).
 * @throws {NoLastChatError} when there is none yet
 */
export async function lastChatOf(store: Pick<Store, 'sessions'>, agentId: string): Promise<ReplyTarget> {
  const main = await store.sessions.get(buildMainSessionKey({ agentId }));
  const route = main?.route ?? (await store.sessions.list({ agentId, limit: 50 })).sessions.find((s) => s.route)?.route;
  if (!route) throw new NoLastChatError(`no chat to deliver to yet: nobody has written to agent ${agentId} from a chat channel`);
  return { channel: route.channel, accountId: route.accountId, to: { kind: route.peer.kind as PeerKind, id: route.peer.id }, ...(route.threadId ? { threadId: route.threadId } : {}), ...(route.topicId ? { topicId: route.topicId } : {}) };
}
