/**
 * The Nostr adapter: one connection per relay (nostr-tools), the same
 * subscriptions on each, every event read once whichever relays carry it
 * (de-duplicated by event id, and DMs also by their inner message id).
 * Messages are handed to core in order and `since` moves on only after core
 * queued them, so a restart resumes where the last run stopped. Replies are
 * published to every relay and count as sent once one relay accepts them.
 */
import { randomBytes } from 'node:crypto';
import { AbstractRelay, type Subscription } from 'nostr-tools/abstract-relay';
import * as nip04 from 'nostr-tools/nip04';
import { wrapEvent } from 'nostr-tools/nip17';
import * as nip19 from 'nostr-tools/nip19';
import { finalizeEvent, verifyEvent, type NostrEvent } from 'nostr-tools/pure';
import { ChannelPermanentError, ChannelRateLimitError, type ChannelAdapter, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import { KIND_CHANNEL_MESSAGE, KIND_DM04, KIND_GIFT_WRAP, normalizeNostrEvent } from './normalize.js';
import type { NostrSettings } from './settings.js';
import { NostrStateStore } from './state-store.js';

// Gift wraps carry a created_at up to two days in the past (NIP-59), so they are asked for from that far back.
const WRAP_BACKDATE_S = 2 * 24 * 3600;
// Relays deliver out of order; resuming a little before `since` costs only duplicates, which core drops.
const RESUME_SLACK_S = 120;
const SEEN_LIMIT = 20_000;
const HEX64 = /^[0-9a-f]{64}$/;

type WebSocketCtor = typeof WebSocket;

async function webSocketImplementation(): Promise<WebSocketCtor> {
  // Node 22 and Electron have a global WebSocket; Node 20 needs the `ws` package.
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  const ws = (await import('ws')) as unknown as { default: WebSocketCtor };
  return ws.default;
}

const now = () => Math.floor(Date.now() / 1000);

/** A running Nostr account. */
export class NostrAdapter implements ChannelAdapter {
  private readonly relays = new Map<string, AbstractRelay>();
  private readonly subs: Subscription[] = [];
  private readonly seen = new Set<string>();
  private readonly state: NostrStateStore;
  private floor = 0;
  private timer?: NodeJS.Timeout;
  private live = false;
  private stopped = false;
  private stopping?: Promise<void>;
  private emitting: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: NostrSettings,
  ) {
    this.state = new NostrStateStore(ctx.dataDir);
  }

  private get timeoutMs(): number {
    return Math.min(10_000, Math.max(1_000, Math.floor(this.settings.livenessMs / 3)));
  }

  async start(): Promise<void> {
    const s = this.settings;
    await this.state.load();
    const impl = await webSocketImplementation();
    const failures: string[] = [];
    await Promise.all(
      s.relays.map(async (url) => {
        const relay = new AbstractRelay(url, { verifyEvent, websocketImplementation: impl, enablePing: false, enableReconnect: false });
        try {
          await relay.connect({ timeout: this.timeoutMs });
        } catch (err) {
          failures.push(`${url} (${String((err as Error).message ?? err)})`);
          relay.close();
          return;
        }
        this.relays.set(url, relay);
      }),
    );
    if (this.stopped) return this.closeRelays();
    if (this.relays.size === 0) throw new Error(`Could not connect to any Nostr relay: ${failures.join('; ')}`);
    if (failures.length) this.ctx.log.warn('some Nostr relays are unreachable; using the others', { failures });

    const since = Math.max(0, (this.state.since ?? now()) - RESUME_SLACK_S);
    this.floor = since;
    for (const id of this.state.recentIds) this.remember(`m:${id}`);
    const me = s.publicKey;
    const filters = [
      { kinds: [KIND_GIFT_WRAP], '#p': [me], since: since - WRAP_BACKDATE_S },
      { kinds: [KIND_DM04], '#p': [me], since },
      ...(s.chatChannels.length ? [{ kinds: [KIND_CHANNEL_MESSAGE], '#e': s.chatChannels, since }] : []),
    ];
    for (const [url, relay] of this.relays) {
      relay.onclose = () => {
        // One relay gone: start over, resubscribing everywhere from the kept `since` (duplicates are dropped).
        if (this.live && !this.stopped) this.ctx.fail(new Error(`Nostr relay ${url} closed the connection`));
      };
      this.subs.push(
        relay.subscribe(filters, {
          onevent: (event) => this.onEvent(event),
          oneose: () => this.ctx.heartbeat(),
          onclose: (reason) => {
            if (this.live && !this.stopped) this.ctx.log.warn('Nostr relay closed a subscription', { relay: url, reason });
          },
        }),
      );
    }
    this.live = true;
    this.ctx.heartbeat();
    this.ctx.log.info('Nostr connected', { npub: nip19.npubEncode(me), relays: [...this.relays.keys()] });
    this.timer = setInterval(() => this.probe(), Math.max(250, Math.floor(s.livenessMs / 3)));
    this.timer.unref();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      this.live = false;
      clearInterval(this.timer);
      this.closeRelays();
      await this.emitting;
      await this.state.settled();
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    if (!this.live || this.stopped) throw new Error('Nostr is not connected');
    const sk = this.settings.secretKey;
    let event: NostrEvent;
    if (msg.to.kind === 'direct') {
      const to = this.pubkeyOf(msg.to.id);
      event =
        this.state.protocolOf(to) === 'nip04'
          ? finalizeEvent({ kind: KIND_DM04, created_at: now(), tags: [['p', to]], content: nip04.encrypt(sk, to, msg.text) }, sk)
          : wrapEvent(sk, { publicKey: to }, msg.text, undefined, msg.replyToMessageId ? { eventId: msg.replyToMessageId } : undefined);
    } else {
      const channelId = msg.to.id.toLowerCase();
      if (!HEX64.test(channelId)) throw new ChannelPermanentError(`Nostr cannot send to channel "${msg.to.id}": expected the channel's 64-hex id.`);
      const root = ['e', channelId, [...this.relays.keys()][0] ?? '', 'root'];
      const reply = msg.replyToMessageId && HEX64.test(msg.replyToMessageId) ? [['e', msg.replyToMessageId, '', 'reply']] : [];
      event = finalizeEvent({ kind: KIND_CHANNEL_MESSAGE, created_at: now(), tags: [root, ...reply], content: msg.text }, sk);
    }
    await this.publish(event);
    return { messageId: event.id };
  }

  describe(): Record<string, unknown> {
    return { npub: nip19.npubEncode(this.settings.publicKey), relays: [...this.relays.keys()], chatChannels: this.settings.chatChannels };
  }

  private pubkeyOf(id: string): string {
    const v = id.trim();
    if (HEX64.test(v.toLowerCase())) return v.toLowerCase();
    try {
      const decoded = nip19.decode(v);
      if (decoded.type === 'npub') return decoded.data;
      if (decoded.type === 'nprofile') return decoded.data.pubkey;
    } catch {
      // fall through
    }
    throw new ChannelPermanentError(`Nostr cannot send to "${id}": expected a public key (npub1… or 64 hex digits).`);
  }

  private async publish(event: NostrEvent): Promise<void> {
    const relays = [...this.relays.entries()];
    const results = await Promise.allSettled(relays.map(([, relay]) => this.deadline(relay.publish(event), 'did not acknowledge the message')));
    if (results.some((r) => r.status === 'fulfilled')) return;
    const reasons = results.map((r, i) => `${relays[i]![0]}: ${String((r as PromiseRejectedResult).reason?.message ?? (r as PromiseRejectedResult).reason)}`);
    this.ctx.log.warn('no Nostr relay accepted a message', { reasons });
    // NIP-01 machine-readable prefixes in the relays' OK false answers.
    if (reasons.some((r) => /rate-limited:/.test(r))) throw new ChannelRateLimitError(5_000, `Nostr relays are rate limiting (${reasons.join('; ')})`);
    if (reasons.every((r) => /(blocked|invalid|restricted|pow):/.test(r))) throw new ChannelPermanentError(`Nostr relays refused the message (${reasons.join('; ')})`);
    throw new Error(`No Nostr relay accepted the message (${reasons.join('; ')})`);
  }

  private onEvent(event: NostrEvent): void {
    if (this.stopped) return;
    this.ctx.heartbeat();
    if (this.remember(`e:${event.id}`)) return;
    const s = this.settings;
    const result = normalizeNostrEvent(event, { channel: this.ctx.channel, accountId: this.ctx.accountId, secretKey: s.secretKey, publicKey: s.publicKey, chatChannels: s.chatChannels });
    if (result.kind === 'ignored') {
      this.ctx.log.debug('Nostr event ignored', { id: event.id, reason: result.reason });
      return;
    }
    if (result.createdAt < this.floor) return;
    if (this.remember(`m:${result.msg.messageId}`)) return;
    this.emitting = this.emitting.then(async () => {
      if (this.stopped) return;
      try {
        await this.ctx.emit(result.msg);
      } catch (err) {
        // Not recorded: `since` stays, and the next run reads it again.
        this.ctx.log.error('could not queue a Nostr message', { error: String(err) });
        return;
      }
      const keepAfter = (this.state.since ?? result.createdAt) - RESUME_SLACK_S;
      await this.state.record(result.msg.messageId, result.createdAt, result.dm, keepAfter).catch((err: unknown) => this.ctx.log.warn('could not save the Nostr read position', { error: String(err) }));
    });
  }

  /** True when already seen. */
  private remember(key: string): boolean {
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
    return false;
  }

  /** A request for an event that does not exist: a relay that answers with EOSE is alive. */
  private probe(): void {
    for (const [url, relay] of this.relays) {
      let sub: Subscription | undefined = undefined;
      const cancel = setTimeout(() => sub?.close(), this.timeoutMs);
      try {
        sub = relay.subscribe([{ ids: [randomBytes(32).toString('hex')], limit: 1 }], {
          oneose: () => {
            clearTimeout(cancel);
            sub?.close();
            if (!this.stopped) this.ctx.heartbeat();
          },
        });
      } catch (err) {
        clearTimeout(cancel);
        this.ctx.log.warn('Nostr liveness probe failed', { relay: url, error: String((err as Error).message ?? err) });
      }
    }
  }

  private closeRelays(): void {
    for (const sub of this.subs.splice(0)) {
      try {
        sub.close();
      } catch {
        // the connection is already gone
      }
    }
    for (const relay of this.relays.values()) {
      relay.onclose = null;
      relay.close();
    }
    this.relays.clear();
  }

  private async deadline<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${this.timeoutMs} ms`)), this.timeoutMs)))]);
    } finally {
      clearTimeout(timer);
    }
  }
}
