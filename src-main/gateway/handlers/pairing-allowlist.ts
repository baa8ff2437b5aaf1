import { isMainSessionKey } from '../../../src-shared/domain/session-key.js';
import { OperatorScopes, hasScope, type MethodResult } from '../../../src-shared/protocol/index.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import type { ChannelAccess } from '../../routing/channel-access.js';
import { routeDirectFrom } from '../../routing/route-inbound.js';
import type { Handlers } from '../dispatcher.js';
import { MissingScopeError } from '../errors.js';
import { NO_MEMORY_NOTE, type PersonMemories, type PersonMemoriesCount } from '../person-memories.js';

export interface PairingAllowlistDeps {
  access: Pick<ChannelAccess, 'allowed' | 'revoke'>;
  config(): ResolvedConfig;
  /** A misspelt channel is an error (the channel handlers' check). */
  known<P extends { channel?: string }>(p: P): P;
  memories?: PersonMemories;
}

type Sender = { channel: string; accountId: string; id: string };

export const SHARES_MAIN_NOTE = 'their direct messages go to your own main conversation (session.dmScope), so what they said is kept as yours';

/**
 * `channels.pairing.allowed` and `channels.pairing.revoke`: the senders let in by pairing, and taking
 * one off the list. A sender's memories are those of the conversation a DM from them goes to now;
 * with every agent, because a paired sender may have talked to several. Memories are forgotten only
 * when asked (`forgetMemories`), and that needs `operator.write` like any other forgetting.
 */
export function pairingAllowlistHandlers(deps: PairingAllowlistDeps): Handlers {
  /** Whose memories a sender's are; undefined when their DMs share the owner's own main conversation. */
  const sessionOf = (s: Sender): string | undefined => {
    const cfg = deps.config();
    const { sessionKey } = routeDirectFrom(cfg, { channel: s.channel, accountId: s.accountId, senderId: s.id });
    return isMainSessionKey(sessionKey, { mainKey: cfg.session?.mainKey }) ? undefined : sessionKey;
  };
  const count = async (s: Sender): Promise<PersonMemoriesCount> => {
    if (!deps.memories) return { available: false, note: NO_MEMORY_NOTE };
    const sessionKey = sessionOf(s);
    return sessionKey ? deps.memories.count({ sessionKey }) : { available: false, note: SHARES_MAIN_NOTE };
  };
  return {
    'channels.pairing.allowed': async (p): Promise<MethodResult<'channels.pairing.allowed'>> => {
      const senders = await deps.access.allowed(deps.known(p));
      return { senders: await Promise.all(senders.map(async (s) => ({ ...s, memories: await count(s) }))) };
    },
    'channels.pairing.revoke': async (p, ctx): Promise<MethodResult<'channels.pairing.revoke'>> => {
      deps.known(p);
      if (p.forgetMemories && !hasScope(ctx.scopes, OperatorScopes.WRITE)) throw new MissingScopeError(OperatorScopes.WRITE, [OperatorScopes.PAIRING, OperatorScopes.WRITE]);
      const sender = { channel: p.channel, accountId: p.accountId ?? 'default', id: p.id };
      // Memories first: when the plugin fails, the call fails and the sender is still listed to try again.
      let memories: MethodResult<'channels.pairing.revoke'>['memories'];
      if (p.forgetMemories) {
        const sessionKey = deps.memories ? sessionOf(sender) : undefined;
        memories = !deps.memories ? { removed: 0, note: NO_MEMORY_NOTE } : sessionKey ? await deps.memories.forget({ sessionKey }) : { removed: 0, note: SHARES_MAIN_NOTE };
      }
      const r = await deps.access.revoke(sender);
      return { ...r, ...(memories ? { memories } : {}) };
    },
  };
}
