import { randomUUID } from 'node:crypto';
import { OperatorScopes, hasScope } from '../../src-shared/protocol/index.js';
import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import type { InboundMessage, OutboundReply, PeerKind } from '../../src-shared/domain/inbound.js';
import { catalogEntry } from '../channels/catalog.js';
import { ChannelManager, ChannelNotFoundError } from '../channels/manager.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { createDelivery, DeliveryError } from '../delivery/deliver.js';
import { OutboxWorker, outboxTargetKey } from '../delivery/outbox.js';
import type { Logger } from '../logging/index.js';
import { createChannelAccess, PairingCodeNotFoundError } from '../routing/channel-access.js';
import type { Store } from '../store/types.js';
import type { Handlers } from './dispatcher.js';
import { InvalidRequestError, RpcError } from './errors.js';

export interface ChannelsRuntimeDeps {
  config(): ResolvedConfig;
  stateDir: string;
  store: Store;
  log: Logger;
  emit(event: string, payload: unknown): void;
  /** Durably queue a channel message (`released`: let out of pairing hold, a new queue entry). */
  ingest(msg: InboundMessage, opts?: { released?: boolean }): { duplicate: boolean } | void;
  /** Record the first approved sender as the command owner. */
  seedOwner?(entry: string): Promise<void>;
  plugins?: ChannelPlugin[];
  backoff?: { initialMs?: number; maxMs?: number };
  skip?: boolean;
  platform?: string;
  /** Delivery retry tuning (tests). */
  delivery?: { retryBaseMs?: number; maxRetryAfterMs?: number; waitForChannelMs?: number };
}

/** `to` as users write it: `user:1`, `dm:1`, `channel:1`, `group:1`, or a bare id. */
export function parseTarget(channel: string, to: string): { kind: PeerKind; id: string } {
  const m = /^(user|dm|direct|channel|group|room|space):(.+)$/i.exec(to.trim());
  if (m) {
    const k = m[1]!.toLowerCase();
    return { kind: k === 'channel' ? 'channel' : k === 'group' || k === 'room' || k === 'space' ? 'group' : 'direct', id: m[2]!.trim() };
  }
  const id = to.trim();
  return { kind: catalogEntry(channel)?.bareTargetKind?.(id) ?? 'direct', id };
}

interface LoginSession {
  qr?: string;
  done?: { connected: boolean; message: string; linkedAs?: string };
  abort: AbortController;
  finished: Promise<void>;
  changed: Set<() => void>;
}

/**
 * Chat channels inside the gateway: the supervised accounts, the delivery
 * path, access policy and pairing, and their RPC methods.
 */
export function createChannelsRuntime(deps: ChannelsRuntimeDeps) {
  const manager = new ChannelManager({
    config: deps.config,
    stateDir: deps.stateDir,
    log: deps.log,
    ingest: (msg) => deps.ingest(msg) ?? undefined,
    onChange: (status) => deps.emit('channels.changed', status),
    plugins: deps.plugins,
    backoff: deps.backoff,
    skip: deps.skip,
    platform: deps.platform,
  });
  const deliver = createDelivery({
    target: {
      capabilities: async (channel) => (await manager.loadPlugin(channel)).capabilities,
      send: (channel, accountId, msg, waitMs) => manager.send(channel, accountId, msg, waitMs),
    },
    log: deps.log.child('delivery'),
    ...deps.delivery,
  });
  const outbox = new OutboxWorker({
    store: deps.store,
    deliver,
    log: deps.log.child('outbox'),
    ...(deps.delivery?.retryBaseMs ? { initialDelayMs: deps.delivery.retryBaseMs } : {}),
  });
  const access = createChannelAccess({
    store: deps.store,
    config: deps.config,
    log: deps.log.child('pairing'),
    emit: deps.emit,
    notify: async (reply) => void (await deliver(reply)),
    reingest: (msg) => deps.ingest(msg, { released: true }),
    ownerOf: (channel, accountId) => {
      const selfId = manager.describe(channel, accountId)?.selfId;
      return typeof selfId === 'string' ? selfId : undefined;
    },
    seedOwner: deps.seedOwner,
  });

  const sends = new Map<string, { at: number; result: Promise<SendResult> }>();
  type SendResult = { ok: boolean; runId: string; messageId?: string; messageIds: string[]; channel: string; accountId: string; to: string };

  /** Outbound to a chat, obeying the same access policy as inbound. */
  async function send(p: { channel?: string; accountId?: string; to: string; message?: string; mediaUrls?: string[]; threadId?: string; replyToId?: string }): Promise<SendResult> {
    const channel = p.channel ?? onlyConfiguredChannel();
    const account = manager.account(channel, p.accountId);
    if (!account) throw new RpcError('UNAVAILABLE', `channel ${channel}${p.accountId ? ` account "${p.accountId}"` : ''} is not configured (add it under channels.${channel} in the config)`);
    const to = parseTarget(channel, p.to);
    if (!access.canSendTo(channel, account.accountId, to)) {
      throw new RpcError('FORBIDDEN', `${channel} ${to.kind} ${to.id} is not allowed by the channel's access policy (add it to channels.${channel}.allowFrom${to.kind === 'direct' ? ' or approve a pairing request' : '/groupAllowFrom'})`, {
        code: 'ACCESS_POLICY',
      });
    }
    if (!p.message && !p.mediaUrls?.length) throw new InvalidRequestError('send needs a message or media');
    try {
      const res = await deliver({
        channel,
        accountId: account.accountId,
        to,
        text: p.message ?? '',
        ...(p.threadId ? (catalogEntry(channel)?.threadIsTopic ? { topicId: p.threadId } : { threadId: p.threadId }) : {}),
        ...(p.replyToId ? { replyToMessageId: p.replyToId } : {}),
        ...(p.mediaUrls?.length ? { mediaUrls: p.mediaUrls } : {}),
      });
      return { ok: true, runId: randomUUID(), ...(res.messageIds[0] ? { messageId: res.messageIds[0] } : {}), messageIds: res.messageIds, channel, accountId: account.accountId, to: p.to };
    } catch (err) {
      if (err instanceof DeliveryError) throw new RpcError('UNAVAILABLE', err.message, { code: err.permanent ? 'DELIVERY_REJECTED' : 'DELIVERY_FAILED', sent: err.sent });
      if (err instanceof ChannelNotFoundError) throw new RpcError('UNAVAILABLE', err.message);
      throw err;
    }
  }

  function onlyConfiguredChannel(): string {
    const configured = Object.keys(deps.config().channels ?? {});
    if (configured.length === 1) return configured[0]!;
    if (!configured.length) throw new RpcError('UNAVAILABLE', 'no chat channels are configured yet (add one under channels.<id> in the config)', { code: 'NO_CHANNELS' });
    throw new InvalidRequestError(`which channel? several are configured (${configured.join(', ')}); pass "channel"`);
  }

  const logins = new Map<string, LoginSession>();
  const loginKey = (channel: string, accountId?: string) => `${channel}/${accountId ?? 'default'}`;
  const waitLogin = (s: LoginSession, until: (s: LoginSession) => boolean, timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (until(s)) return resolve();
      const t = setTimeout(finish, timeoutMs);
      function finish() {
        clearTimeout(t);
        s.changed.delete(check);
        resolve();
      }
      const check = () => until(s) && finish();
      s.changed.add(check);
    });
  // The QR encoder loads on the first login, not at gateway start.
  const qrView = async (qr?: string) => (qr ? { qr, qrDataUrl: await (await import('qrcode')).default.toDataURL(qr, { margin: 1, width: 320 }) } : {});

  const handlers: Handlers = {
    send: (p) => {
      const now = Date.now();
      for (const [k, v] of sends) if (now - v.at > 5 * 60_000) sends.delete(k);
      const prior = sends.get(p.idempotencyKey);
      if (prior) return prior.result;
      const result = send({ ...p, mediaUrls: p.mediaUrls ?? (p.mediaUrl ? [p.mediaUrl] : undefined) });
      sends.set(p.idempotencyKey, { at: now, result });
      result.catch(() => sends.delete(p.idempotencyKey));
      return result;
    },
    'channels.status': (p) => {
      const s = manager.status();
      if (!p.channel) return s;
      return { ...s, channelOrder: s.channelOrder.filter((c) => c === p.channel) };
    },
    'channels.start': (p) => wrapNotFound(() => manager.startAccount(p.channel, p.accountId)),
    'channels.stop': (p) => wrapNotFound(() => manager.stopAccount(p.channel, p.accountId)),
    'channels.logout': async (p) => {
      await wrapNotFound(() => manager.logout(p.channel, p.accountId));
      return { channel: p.channel, accountId: p.accountId ?? 'default', cleared: true };
    },
    'channels.pairing.list': (p) => ({ ...(p.channel ? { channel: p.channel } : {}), requests: access.list(p) }),
    'channels.pairing.approve': (p, ctx) => wrapNotFound(() => access.approve(p, { mayWriteConfig: hasScope(ctx.scopes, OperatorScopes.ADMIN) })),
    'channels.pairing.dismiss': (p) => wrapNotFound(async () => access.dismiss(p)),
    'web.login.start': async (p) => {
      const channel = p.channel ?? 'whatsapp';
      const key = loginKey(channel, p.accountId);
      let s = logins.get(key);
      if (s && (p.force || s.done)) {
        s.abort.abort();
        logins.delete(key);
        s = undefined;
      }
      if (!s) {
        const session: LoginSession = { abort: new AbortController(), changed: new Set(), finished: Promise.resolve() };
        const notify = () => session.changed.forEach((f) => f());
        session.finished = manager
          .login(channel, p.accountId, {
            signal: session.abort.signal,
            onQr: (qr) => {
              session.qr = qr;
              notify();
            },
          })
          .then(
            (r) => void (session.done = { connected: true, message: `Linked${r.linkedAs ? ` as ${r.linkedAs}` : ''}. ${channel} is starting.`, ...(r.linkedAs ? { linkedAs: r.linkedAs } : {}) }),
            (err: Error) => void (session.done = { connected: false, message: err instanceof ChannelNotFoundError ? err.message : `Login did not finish: ${err.message}` }),
          )
          .finally(notify);
        logins.set(key, session);
        s = session;
        const timeout = setTimeout(() => session.abort.abort(), p.timeoutMs || 180_000);
        void session.finished.finally(() => clearTimeout(timeout));
      }
      await waitLogin(s, (x) => Boolean(x.qr || x.done), Math.min(p.timeoutMs || 30_000, 30_000));
      if (s.done) return s.done;
      if (!s.qr) return { message: 'Waiting for the QR code; call web.login.start again.' };
      return { ...(await qrView(s.qr)), message: 'Scan this QR code in WhatsApp: Settings → Linked devices → Link a device.' };
    },
    'web.login.wait': async (p) => {
      const channel = p.channel ?? 'whatsapp';
      const s = logins.get(loginKey(channel, p.accountId));
      if (!s) throw new InvalidRequestError('no login in progress; call web.login.start first');
      // A caller showing an older code gets the current one at once.
      const shown = p.currentQrDataUrl;
      const stale = shown !== undefined && s.qr !== undefined && (await qrView(s.qr)).qrDataUrl !== shown;
      const lastQr = s.qr;
      // Otherwise: returns when the login ends, when the QR rotates, or at the timeout.
      if (!stale) await waitLogin(s, (x) => Boolean(x.done) || x.qr !== lastQr, p.timeoutMs || 120_000);
      if (s.done) {
        logins.delete(loginKey(channel, p.accountId));
        return s.done;
      }
      return { connected: false, message: 'Still waiting for the phone to scan the code.', ...(await qrView(s.qr)) };
    },
  };

  return {
    manager,
    deliver,
    access,
    handlers,
    send,
    outbox,
    /** Stores a reply for delivery; call inside the transaction that records the turn. */
    enqueueReply(reply: OutboundReply, sessionKey: string) {
      deps.store.outbox.add({ targetKey: outboxTargetKey(reply), reply, sessionKey, nowMs: Date.now() });
      outbox.kick();
    },
    start() {
      outbox.start();
      void manager.apply();
    },
    async close() {
      for (const s of logins.values()) s.abort.abort();
      await outbox.stop();
      await manager.close();
    },
  };
}

async function wrapNotFound<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ChannelNotFoundError || err instanceof PairingCodeNotFoundError) throw new InvalidRequestError(err.message);
    throw err;
  }
}

export type ChannelsRuntime = ReturnType<typeof createChannelsRuntime>;
