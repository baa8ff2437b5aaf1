import { PAIRING_MAX_PENDING, PAIRING_TTL_MS } from '../../../src-shared/domain/access-policy.js';
import { OperatorScopes, hasScope, type MethodParams } from '../../../src-shared/protocol/index.js';
import type { ChannelsRuntime, SendResult } from '../../channels/runtime-types.js';
import type { ChannelAccess } from '../../routing/channel-access.js';
import { suggest } from '../../config/channel-check.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';

/** How long a `send` idempotency key is remembered. */
const SEND_DEDUPE_MS = 5 * 60_000;

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);

/** `message.action` with action `send`, as a `send` request; any other action is one no channel here has. */
function sendFromAction(p: MethodParams<'message.action'>): MethodParams<'send'> {
  if (p.action !== 'send') throw new InvalidRequestError(`Channel ${p.channel} does not support action ${p.action}.`, { code: 'UNSUPPORTED_ACTION' });
  const a = p.params;
  const raw = text(a.to) ?? text(a.target);
  // The reference CLI names its target with the channel in front (`telegram:4242`).
  const to = raw?.startsWith(`${p.channel}:`) ? raw.slice(p.channel.length + 1) : raw;
  if (!to) throw new InvalidRequestError('message.action send needs params.to (or params.target): the chat to send to');
  const mediaUrls = Array.isArray(a.mediaUrls) ? a.mediaUrls.filter((u): u is string => typeof u === 'string') : text(a.media) ? [a.media as string] : undefined;
  const message = text(a.message) ?? text(a.text);
  if (!message && !mediaUrls?.length) throw new InvalidRequestError('message.action send needs params.message or media');
  const accountId = p.accountId ?? text(a.accountId);
  return {
    to,
    channel: p.channel,
    idempotencyKey: p.idempotencyKey,
    ...(message ? { message } : {}),
    ...(mediaUrls?.length ? { mediaUrls } : {}),
    ...(accountId ? { accountId } : {}),
    ...(text(a.replyTo) ?? text(a.replyToId) ? { replyToId: (text(a.replyTo) ?? text(a.replyToId))! } : {}),
    ...(text(a.threadId) ? { threadId: a.threadId as string } : {}),
  };
}

/** A check that a params' `channel` is one the gateway knows: a misspelt channel is an error, not an empty list or a code that never matches. */
export function knownChannel(channelIds: () => string[]) {
  return <P extends { channel?: string }>(p: P): P => {
    const ids = channelIds();
    if (p.channel !== undefined && !ids.includes(p.channel)) {
      throw new InvalidRequestError(`unknown channel "${p.channel}"${suggest(p.channel, ids)}; known: ${ids.join(', ')}`);
    }
    return p;
  };
}

/** `send`, `message.action`, `channels.*` and `web.login.*`: chat channels, their pairing requests and QR logins. */
export function channelHandlers(channels: ChannelsRuntime, access: Pick<ChannelAccess, 'list' | 'approve' | 'dismiss' | 'pairingAccounts'>, channelIds: () => string[]): Handlers {
  const known = knownChannel(channelIds);
  const sends = new Map<string, { at: number; result: Promise<SendResult> }>();
  const send = (p: MethodParams<'send'>) => {
    const now = Date.now();
    for (const [k, v] of sends) if (now - v.at > SEND_DEDUPE_MS) sends.delete(k);
    const prior = sends.get(p.idempotencyKey);
    if (prior) return prior.result;
    const result = channels.send({ ...p, mediaUrls: p.mediaUrls ?? (p.mediaUrl ? [p.mediaUrl] : undefined) });
    sends.set(p.idempotencyKey, { at: now, result });
    result.catch(() => sends.delete(p.idempotencyKey));
    return result;
  };
  return {
    send,
    'message.action': (p) => send(sendFromAction(known(p))),
    'channels.status': (p) => {
      const s = channels.status();
      if (!p.channel) return s;
      return { ...s, channelOrder: s.channelOrder.filter((c) => c === p.channel) };
    },
    'channels.start': (p) => channels.startAccount(p.channel, p.accountId),
    'channels.stop': (p) => channels.stopAccount(p.channel, p.accountId),
    'channels.logout': async (p) => {
      await channels.logout(p.channel, p.accountId);
      return { channel: p.channel, accountId: p.accountId ?? 'default', cleared: true };
    },
    'channels.pairing.list': async (p) => ({
      ...(p.channel ? { channel: p.channel } : {}),
      requests: await access.list(known(p)),
      accounts: access.pairingAccounts(p.channel ? [p.channel] : channelIds()).filter((a) => !p.accountId || a.accountId === p.accountId),
      limits: { pendingPerAccount: PAIRING_MAX_PENDING, ttlMs: PAIRING_TTL_MS },
    }),
    'channels.pairing.approve': (p, ctx) => access.approve(known(p), { mayWriteConfig: hasScope(ctx.scopes, OperatorScopes.ADMIN) }),
    'channels.pairing.dismiss': async (p) => access.dismiss(known(p)),
    'web.login.start': (p) => channels.loginStart(p),
    'web.login.wait': (p) => channels.loginWait(p),
  };
}
