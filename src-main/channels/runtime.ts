import { randomUUID } from 'node:crypto';
import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import type { PeerKind } from '../../src-shared/domain/inbound.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { createDelivery } from '../delivery/deliver.js';
import { OutboxWorker, outboxTargetKey } from '../delivery/outbox.js';
import type { Logger } from '../logging/index.js';
import type { Store } from '../store/types.js';
import { catalogEntry, type ChannelCatalogEntry } from './catalog.js';
import { ChannelAccessDeniedError, ChannelRequestError, ChannelUnavailableError } from './errors.js';
import { ChannelManager, ChannelNotFoundError } from './manager.js';
import type { ChannelsRuntime, InboundSink, OutboundPolicy, SendRequest, SendResult } from './runtime-types.js';
import { createWebLogins } from './web-login.js';

export type { ChannelsRuntime, InboundSink, OutboundPolicy, SendRequest, SendResult } from './runtime-types.js';

export interface ChannelsRuntimeDeps {
  config(): ResolvedConfig;
  stateDir: string;
  store: Store;
  log: Logger;
  publish(event: string, payload: unknown): void;
  plugins?: ChannelPlugin[];
  /** The channel catalog: every channel comes from a plugin. */
  catalog?(): readonly ChannelCatalogEntry[];
  backoff?: { initialMs?: number; maxMs?: number };
  skip?: boolean;
  platform?: string;
  /** Delivery retry tuning (tests). */
  delivery?: { retryBaseMs?: number; maxRetryAfterMs?: number; waitForChannelMs?: number };
}

/** `to` as users write it: `user:1`, `dm:1`, `channel:1`, `group:1`, or a bare id. */
export function parseTarget(channel: string, to: string, catalog: readonly ChannelCatalogEntry[] = []): { kind: PeerKind; id: string } {
  const m = /^(user|dm|direct|channel|group|room|space):(.+)$/i.exec(to.trim());
  if (m) {
    const k = m[1]!.toLowerCase();
    return { kind: k === 'channel' ? 'channel' : k === 'group' || k === 'room' || k === 'space' ? 'group' : 'direct', id: m[2]!.trim() };
  }
  const id = to.trim();
  return { kind: catalogEntry(channel, catalog)?.bareTargetKind?.(id) ?? 'direct', id };
}

export function createChannelsRuntime(deps: ChannelsRuntimeDeps): ChannelsRuntime {
  let ports: { inbound: InboundSink; policy: OutboundPolicy } | undefined;
  const connected = () => {
    if (!ports) throw new ChannelUnavailableError('chat channels are not ready yet');
    return ports;
  };
  const manager = new ChannelManager({
    config: deps.config,
    stateDir: deps.stateDir,
    log: deps.log,
    ingest: (msg) => connected().inbound(msg) ?? undefined,
    onChange: (status) => deps.publish('channels.changed', status),
    plugins: deps.plugins,
    catalog: deps.catalog,
    backoff: deps.backoff,
    skip: deps.skip,
    platform: deps.platform,
    state: (channel, accountId) => ({
      get: (key) => deps.store.channelState.get(channel, accountId, key),
      set: (entries) => deps.store.channelState.set(channel, accountId, entries, Date.now()),
      list: (prefix) => deps.store.channelState.list(channel, accountId, prefix),
      clear: async () => void (await deps.store.channelState.clear(channel, accountId)),
    }),
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
  const logins = createWebLogins(manager);
  const catalogOf = (channel: string) => catalogEntry(channel, deps.catalog?.() ?? []);

  function onlyConfiguredChannel(): string {
    const configured = Object.keys(deps.config().channels ?? {});
    if (configured.length === 1) return configured[0]!;
    if (!configured.length) throw new ChannelUnavailableError('no chat channels are configured yet (add one under channels.<id> in the config)', 'NO_CHANNELS');
    throw new ChannelRequestError(`which channel? several are configured (${configured.join(', ')}); pass "channel"`);
  }

  /** A chat the access policy lets the gateway send to, with its account and peer. */
  async function resolveTarget(p: Pick<SendRequest, 'channel' | 'accountId' | 'to'>) {
    const channel = p.channel ?? onlyConfiguredChannel();
    const account = manager.account(channel, p.accountId);
    if (!account) throw new ChannelUnavailableError(`channel ${channel}${p.accountId ? ` account "${p.accountId}"` : ''} is not configured (add it under channels.${channel} in the config)`);
    const to = parseTarget(channel, p.to, deps.catalog?.());
    if (!(await connected().policy.canSendTo(channel, account.accountId, to))) {
      throw new ChannelAccessDeniedError(
        `${channel} ${to.kind} ${to.id} is not allowed by the channel's access policy (add it to channels.${channel}.allowFrom${to.kind === 'direct' ? ' or approve a pairing request' : '/groupAllowFrom'})`,
      );
    }
    return { channel, account, to };
  }

  /** Outbound to a chat, obeying the same access policy as inbound. */
  async function send(p: SendRequest): Promise<SendResult> {
    const { channel, account, to } = await resolveTarget(p);
    if (!p.message && !p.mediaUrls?.length) throw new ChannelRequestError('send needs a message or media');
    try {
      const res = await deliver({
        channel,
        accountId: account.accountId,
        to,
        text: p.message ?? '',
        ...(p.threadId ? (catalogOf(channel)?.threadIsTopic ? { topicId: p.threadId } : { threadId: p.threadId }) : {}),
        ...(p.replyToId ? { replyToMessageId: p.replyToId } : {}),
        ...(p.mediaUrls?.length ? { mediaUrls: p.mediaUrls } : {}),
      });
      return { ok: true, runId: randomUUID(), ...(res.messageIds[0] ? { messageId: res.messageIds[0] } : {}), messageIds: res.messageIds, channel, accountId: account.accountId, to: p.to };
    } catch (err) {
      // An account that vanished between the check and the send is unavailable, not a bad request.
      if (err instanceof ChannelNotFoundError) throw new ChannelUnavailableError(err.message);
      throw err;
    }
  }

  return {
    connect(p) {
      if (ports) throw new Error('the channels runtime is already connected');
      ports = p;
    },
    send,
    async resolveTarget(p) {
      const { channel, account, to } = await resolveTarget(p);
      return { channel, accountId: account.accountId, to };
    },
    deliver,
    async enqueueReply(tx, reply, sessionKey) {
      await tx.outbox.add({ targetKey: outboxTargetKey(reply), reply, sessionKey, nowMs: Date.now() });
    },
    flushReplies: () => outbox.kick(),
    reingest: (msg) => void connected().inbound(msg, { released: true }).catch((err: unknown) => deps.log.error('a message released from pairing could not be queued', { channel: msg.channel, err })),
    typing: (channel, accountId, to, threadId) => manager.typing(channel, accountId, to, threadId).catch(() => undefined),
    ownerOf(channel, accountId) {
      const selfId = manager.describe(channel, accountId)?.selfId;
      return typeof selfId === 'string' ? selfId : undefined;
    },
    channelInfo(channel) {
      const own = deps.plugins?.find((p) => p.id === channel);
      const entry = catalogOf(channel);
      return { label: own?.label ?? entry?.label ?? channel, personalNumber: (own?.capabilities.personalNumber ?? entry?.personalNumber) === true };
    },
    status: () => manager.status(),
    startAccount: (channel, accountId) => manager.startAccount(channel, accountId),
    stopAccount: (channel, accountId) => manager.stopAccount(channel, accountId),
    logout: (channel, accountId) => manager.logout(channel, accountId),
    loginStart: (p) => logins.start(p),
    loginWait: (p) => logins.wait(p),
    apply: () => manager.apply(),
    outboxIdle: () => outbox.idle(),
    start() {
      outbox.start();
      void manager.apply();
    },
    async standBy() {
      await outbox.stop();
      await manager.standBy();
    },
    activate() {
      outbox.start();
      void manager.activate();
    },
    async close() {
      logins.close();
      await outbox.stop();
      await manager.close();
    },
  };
}
