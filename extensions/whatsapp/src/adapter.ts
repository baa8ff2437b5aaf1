/**
 * One linked WhatsApp account: keeps a Baileys socket open with the stored
 * credentials (reconnecting on its own after transient closes), normalises
 * incoming messages and sends replies.
 */
import { generateMessageIDV2, type AnyMessageContent, type BaileysEventMap, type WAMessage, type WAVersion } from '@whiskeysockets/baileys';
import {
  ChannelAuthError,
  ChannelPermanentError,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelSend,
} from '../../../src-shared/domain/channel.js';
import { openAuthStore, readLinkedAccount, type AuthStore } from './auth-store.js';
import { bareJid, isLid, maskNumber, peerIdToJid, phoneJidToE164, redactDigits } from './jid.js';
import { buildMessageId, normaliseMessage, type NormaliseContext, type WhatsAppIdentity } from './normalise.js';
import { BoundedMap, RecentMessages, WhatsAppNotConnectedError, mapSendError, mediaContent } from './outbound.js';
import { readSettings, type WhatsAppRuntime, type WhatsAppSettings } from './settings.js';
import { buildSocketConfig, classifyClose, describeClose, type WhatsAppSocket } from './socket.js';

/** Shown when the account has never been linked (or its credentials were deleted). */
export const NOT_LINKED_MESSAGE = 'WhatsApp is not linked. Run: openclaw channels login whatsapp';
const QR_REQUESTED_MESSAGE = 'WhatsApp asked for a new QR code: this device is no longer linked. Link again: openclaw channels login whatsapp';
/** WhatsApp caps media captions well below the text limit; longer text goes in its own message. */
const CAPTION_LIMIT = 1024;

type Connection = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' | 'stopped';

/** The running adapter for one WhatsApp account. */
export class WhatsAppAdapter implements ChannelAdapter {
  private readonly settings: WhatsAppSettings;
  private store?: AuthStore;
  private version?: WAVersion;
  private sock?: WhatsAppSocket;
  private detach?: () => void;
  private connection: Connection = 'idle';
  private failures = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private startWaiter?: { resolve(): void; reject(err: Error): void };
  private reported = false;
  private stopping?: Promise<void>;
  private inbound: Promise<void> = Promise.resolve();
  private readonly recent = new RecentMessages();
  private readonly ownSends = new BoundedMap<string, true>(1000);
  private readonly lidToPhone = new BoundedMap<string, string>(5000);

  constructor(
    private readonly ctx: ChannelContext,
    private readonly rt: WhatsAppRuntime,
  ) {
    this.settings = readSettings(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** Connects with the stored link; rejects when there is none or WhatsApp refuses it. */
  async start(): Promise<void> {
    if (this.stopping) throw new Error('WhatsApp adapter was stopped');
    if (!(await readLinkedAccount(this.settings.auth))) throw new ChannelAuthError(NOT_LINKED_MESSAGE);
    this.store = await openAuthStore(this.settings.auth, this.ctx.log);
    this.version = await this.rt.resolveVersion();
    if (this.stopping) throw new Error('WhatsApp adapter was stopped before it connected');
    await new Promise<void>((resolve, reject) => {
      this.startWaiter = { resolve, reject };
      this.connect();
    });
  }

  /** Closes the socket and timers; resolves once no more `emit` can happen. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.connection = 'stopped';
      clearTimeout(this.reconnectTimer);
      this.settleStart(new Error('WhatsApp adapter was stopped before it connected'));
      const sock = this.retireSocket();
      if (sock) await Promise.resolve(sock.end(undefined)).catch(() => {});
      await this.inbound;
      await this.store?.flush();
    })();
    return this.stopping;
  }

  /** Sends one text (or media with the text as caption), quoting the replied-to message when known. */
  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    const sock = this.sock;
    if (!sock || this.connection !== 'open') throw new WhatsAppNotConnectedError();
    const jid = peerIdToJid(msg.to.id);
    if (!jid) throw new ChannelPermanentError(`Not a WhatsApp address: ${redactDigits(msg.to.id)}`);
    const quoted = msg.replyToMessageId ? this.recent.quotable(msg.replyToMessageId) : undefined;
    const contents: AnyMessageContent[] = [];
    if (msg.mediaUrls?.length) {
      const captioned = msg.text.length <= CAPTION_LIMIT ? msg.text : undefined;
      msg.mediaUrls.forEach((url, i) => contents.push(mediaContent(url, i === 0 ? captioned : undefined)));
      if (msg.text && captioned === undefined) contents.push({ text: msg.text });
    } else {
      contents.push({ text: msg.text });
    }
    let firstId: string | undefined;
    for (const [i, content] of contents.entries()) {
      // Choose the id up front: Baileys echoes the send as an upsert before sendMessage resolves.
      const keyId = generateMessageIDV2(sock.user?.id);
      this.ownSends.set(keyId, true);
      let sent: WAMessage | undefined;
      try {
        sent = await sock.sendMessage(jid, content, { messageId: keyId, ...(i === 0 && quoted ? { quoted } : {}) });
      } catch (err) {
        throw mapSendError(err);
      }
      const id = buildMessageId(jid, sent?.key?.id ?? keyId);
      if (sent) this.recent.remember(id, sent);
      firstId ??= id;
    }
    return { messageId: firstId! };
  }

  /** Shows "typing…" in the chat; best effort. */
  async sendTyping(to: ChannelSend['to']): Promise<void> {
    const jid = peerIdToJid(to.id);
    if (!this.sock || this.connection !== 'open' || !jid) return;
    await this.sock.sendPresenceUpdate('composing', jid).catch((err: unknown) => this.ctx.log.debug('typing indicator failed', { error: errorText(err) }));
  }

  /** Linked number (masked), push name and connection state for `channels.status`. */
  describe(): Record<string, unknown> {
    const me = this.identity();
    return {
      linkedNumber: maskNumber(phoneJidToE164(me.phoneJid)),
      ...(me.name ? { pushName: me.name } : {}),
      connection: this.connection,
      ...(this.failures ? { failedConnects: this.failures } : {}),
    };
  }

  private identity(): WhatsAppIdentity {
    const me = this.store?.state.creds.me;
    return { phoneJid: me?.id, lidJid: me?.lid, name: me?.name ?? me?.notify ?? me?.verifiedName };
  }

  private connect(): void {
    if (this.stopping || !this.store) return;
    this.connection = this.connection === 'idle' ? 'connecting' : 'reconnecting';
    let sock: WhatsAppSocket;
    try {
      sock = this.rt.makeSocket(
        buildSocketConfig({
          auth: this.store.state,
          livenessMs: this.settings.livenessMs,
          log: this.ctx.log,
          version: this.version,
          webSocketUrl: this.settings.webSocketUrl,
          markOnline: this.settings.markOnline,
          deviceName: this.settings.deviceName,
          getMessage: async (key) => this.recent.contentFor(key),
        }),
      );
    } catch (err) {
      this.onClose(err);
      return;
    }
    const store = this.store;
    const current = () => this.sock === sock;
    // Baileys has already merged the update into the shared creds object; persist it.
    const onCreds = () => void store.save();
    const onConnection = (u: BaileysEventMap['connection.update']) => {
      if (current()) this.onConnectionUpdate(u);
    };
    const onUpsert = (u: BaileysEventMap['messages.upsert']) => {
      if (current()) this.onUpsert(u);
    };
    const onLidMapping = (m: BaileysEventMap['lid-mapping.update']) => this.learnLid(m?.lid, m?.pn);
    // Every frame from the server, keep-alive replies included, proves the link works.
    const onFrame = () => {
      if (current() && this.connection === 'open') this.ctx.heartbeat();
    };
    sock.ev.on('creds.update', onCreds);
    sock.ev.on('connection.update', onConnection);
    sock.ev.on('messages.upsert', onUpsert);
    sock.ev.on('lid-mapping.update', onLidMapping);
    sock.ws.on('frame', onFrame);
    this.sock = sock;
    this.detach = () => {
      sock.ev.off('creds.update', onCreds);
      sock.ev.off('connection.update', onConnection);
      sock.ev.off('messages.upsert', onUpsert);
      sock.ev.off('lid-mapping.update', onLidMapping);
      sock.ws.off('frame', onFrame);
    };
  }

  private onConnectionUpdate(u: BaileysEventMap['connection.update']): void {
    if (u.qr) {
      // Only an unlinked device is offered a QR code: the stored link is gone.
      this.giveUp(new ChannelAuthError(QR_REQUESTED_MESSAGE), true);
      return;
    }
    if (u.connection === 'open') {
      this.connection = 'open';
      this.failures = 0;
      this.ctx.heartbeat();
      this.ctx.log.info('WhatsApp connected', { as: maskNumber(phoneJidToE164(this.identity().phoneJid)) });
      this.settleStart();
      return;
    }
    if (u.connection === 'close') {
      this.onClose(u.lastDisconnect?.error);
      return;
    }
    if (this.connection === 'open') this.ctx.heartbeat();
  }

  private onClose(err: unknown): void {
    this.retireSocket();
    if (this.stopping) return;
    const verdict = classifyClose(err);
    if (verdict.kind === 'auth') return this.giveUp(new ChannelAuthError(verdict.message));
    if (verdict.kind === 'replaced') return this.giveUp(new Error(verdict.message));
    this.failures++;
    const { maxFailures } = this.rt.reconnect;
    if (this.failures > maxFailures) {
      return this.giveUp(new Error(`WhatsApp connection failed ${this.failures} times in a row (last: ${describeClose(err)}); giving up`));
    }
    // 515 is WhatsApp asking for a fresh connection (after pairing, or a server move), not a failure to wait out.
    const delay = verdict.code === 515 ? 0 : this.backoff();
    this.connection = 'reconnecting';
    this.ctx.log.warn('WhatsApp connection closed; reconnecting', { close: describeClose(err), attempt: this.failures, retryInMs: delay });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private backoff(): number {
    const { initialDelayMs, maxDelayMs } = this.rt.reconnect;
    const cap = Math.max(initialDelayMs, Math.min(maxDelayMs, Math.floor(this.settings.livenessMs / 3)));
    const base = Math.min(cap, initialDelayMs * 2 ** (this.failures - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** The connection cannot come back by itself: reject `start`, or report once through `ctx.fail`. */
  private giveUp(err: Error, endSocket = false): void {
    clearTimeout(this.reconnectTimer);
    const sock = this.retireSocket();
    if (endSocket && sock) void Promise.resolve(sock.end(undefined)).catch(() => {});
    this.connection = 'closed';
    if (this.stopping) return;
    if (this.startWaiter) return this.settleStart(err);
    if (this.reported) return;
    this.reported = true;
    this.ctx.log.warn('WhatsApp connection given up', { error: err.message });
    this.ctx.fail(err);
  }

  private settleStart(err?: Error): void {
    const w = this.startWaiter;
    this.startWaiter = undefined;
    if (err) w?.reject(err);
    else w?.resolve();
  }

  /** Detaches from the current socket (its late events are ignored) and returns it. */
  private retireSocket(): WhatsAppSocket | undefined {
    const sock = this.sock;
    this.sock = undefined;
    this.detach?.();
    this.detach = undefined;
    return sock;
  }

  private onUpsert(u: BaileysEventMap['messages.upsert']): void {
    if (this.connection === 'open') this.ctx.heartbeat();
    // Live messages come as 'notify'. Messages WhatsApp held while we were offline are replayed as
    // 'append' (Baileys 7: `node.attrs.offline ? 'append' : 'notify'`), so they count too; history
    // sync uses a separate event, and our own send echoes are filtered by key id.
    if (u?.type !== 'notify' && u?.type !== 'append') return;
    if (!Array.isArray(u.messages)) {
      this.ctx.log.warn('skipped malformed WhatsApp update: messages is not a list');
      return;
    }
    const batch = [...u.messages];
    // One at a time, in order; stop() waits for this chain.
    this.inbound = this.inbound.then(() => this.deliver(batch));
  }

  private async deliver(batch: WAMessage[]): Promise<void> {
    const nctx: NormaliseContext = {
      channel: this.ctx.channel,
      accountId: this.ctx.accountId,
      me: this.identity(),
      phoneForLid: (lid) => this.lidToPhone.get(lid),
      isOwnSend: (id) => this.ownSends.has(id),
    };
    for (const raw of batch) {
      if (this.stopping) return;
      try {
        this.learnLid(raw?.key?.remoteJid, raw?.key?.remoteJidAlt);
        this.learnLid(raw?.key?.participant, raw?.key?.participantAlt);
        const res = normaliseMessage(raw, nctx);
        if (!res.ok) {
          if (res.malformed) this.ctx.log.warn('skipped malformed WhatsApp message', { reason: res.reason });
          else this.ctx.log.debug('WhatsApp message not for the agent', { reason: res.reason });
          continue;
        }
        this.recent.remember(res.msg.messageId, raw);
        await this.ctx.emit(res.msg);
      } catch (err) {
        this.ctx.log.warn('skipped WhatsApp message that could not be handled', { error: errorText(err) });
      }
    }
  }

  private learnLid(lid: string | null | undefined, phone: string | null | undefined): void {
    if (lid && phone && isLid(lid) && phoneJidToE164(phone)) this.lidToPhone.set(bareJid(lid), bareJid(phone));
  }
}

function errorText(err: unknown): string {
  return redactDigits(err instanceof Error ? err.message : String(err));
}
