/**
 * Who a memory belongs to. A memory is stored under the agent and the person (or group) whose
 * conversation it came from, derived from the session key, so memory is never shared more widely than
 * the conversation itself:
 * - `agent:<a>:main` (the owner at the CLI or Control UI, and every DM when `session.dmScope` is `main`) → `main`;
 * - direct chats → `direct:<peer>`, with the channel when the session key has one (`per-channel-peer`),
 *   so `session.identityLinks` make one person's memory follow them across channels;
 * - groups and channels → the whole group (`group:<channel>:<peer>`): what was said there was said to
 *   everyone there; threads and topics share their group's memory;
 * - anything else → the session key itself.
 * A memory the owner marks shared (`openclaw memory share <id>`) is recalled for every person of that agent.
 */
import { parseSessionKey } from '../../../src-shared/domain/session-key.js';

export const OWNER_MAIN = 'main';

export function ownerOfSession(sessionKey: string): string {
  const p = parseSessionKey(sessionKey);
  if (!p) return `session:${sessionKey.trim().toLowerCase()}`;
  switch (p.kind) {
    case 'main':
      return OWNER_MAIN;
    case 'direct':
      return p.channel ? `direct:${p.channel}:${p.peerId}` : `direct:${p.peerId}`;
    case 'group':
    case 'channel':
      return `group:${p.channel}:${p.peerId}`;
    default:
      return `session:${p.rest}`;
  }
}
