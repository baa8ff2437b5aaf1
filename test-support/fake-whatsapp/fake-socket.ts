/**
 * A scriptable stand-in for Baileys' `WASocket`, the WhatsApp adapter's
 * boundary (WhatsApp Web is end-to-end encrypted; no local server can speak
 * it). It has the same surface the adapter uses and behaves like Baileys
 * where it matters: creds updates are merged into the auth state before
 * listeners run, closes carry a Boom-like error with `output.statusCode`,
 * the transport emits `frame` for every server frame (keep-alive replies
 * every `keepAliveIntervalMs`), a socket silent for longer than that plus a
 * grace period closes itself with 408, and our own sends echo as `append`.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  AnyMessageContent,
  BaileysEventMap,
  Contact,
  MiscMessageGenerationOptions,
  UserFacingSocketConfig,
  WAMessage,
  WAPresence,
  proto,
} from '@whiskeysockets/baileys';

/** An error shaped like the `@hapi/boom` errors Baileys closes sockets with. */
export class FakeBoom extends Error {
  readonly isBoom = true;
  readonly output: { statusCode: number; payload: { statusCode: number; error: string; message: string }; headers: Record<string, string> };
  /** What Boom carries besides the status: Baileys puts the WebSocket error here. */
  readonly data?: unknown;
  constructor(message: string, statusCode: number, data?: unknown) {
    super(message);
    this.output = { statusCode, payload: { statusCode, error: message, message }, headers: {} };
    if (data !== undefined) this.data = data;
  }
}

/** Baileys' event emitter surface (`on`, `off`, `emit`, `removeAllListeners`), typed by its event map. */
export class FakeEventEmitter {
  private readonly ee = new EventEmitter();
  on<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void {
    this.ee.on(event, listener);
  }
  off<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void {
    this.ee.off(event, listener);
  }
  removeAllListeners<T extends keyof BaileysEventMap>(event: T): void {
    this.ee.removeAllListeners(event);
  }
  emit<T extends keyof BaileysEventMap>(event: T, arg: BaileysEventMap[T]): boolean {
    return this.ee.emit(event, arg);
  }
  listenerCount(event: keyof BaileysEventMap): number {
    return this.ee.listenerCount(event);
  }
}

/** The transport (`sock.ws`): an EventEmitter with Baileys' state getters. */
export class FakeTransport extends EventEmitter {
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  get isOpen(): boolean {
    return this.state === 'open';
  }
  get isClosed(): boolean {
    return this.state === 'closed';
  }
  get isClosing(): boolean {
    return false;
  }
  get isConnecting(): boolean {
    return this.state === 'connecting';
  }
}

/** What one socket sent, as the platform received it. */
export interface FakeSentMessage {
  jid: string;
  content: AnyMessageContent;
  options?: MiscMessageGenerationOptions;
  message: WAMessage;
}

/** The platform side a socket talks to. */
export interface FakeSocketHost {
  /** Decides what happens after the transport connects (open, QR, refusal, silence). */
  handshake(sock: FakeWhatsAppSocket): void;
  onSend(sock: FakeWhatsAppSocket, sent: FakeSentMessage): void;
  onPresence(sock: FakeWhatsAppSocket, type: WAPresence, jid: string | undefined): void;
  onLogout(sock: FakeWhatsAppSocket): void;
  onClosed(sock: FakeWhatsAppSocket): void;
  /** Whether the platform has gone silent (no frames at all). */
  readonly stalled: boolean;
  /** Baileys closes a socket silent for `keepAliveIntervalMs` plus this long (5000 in Baileys). */
  readonly watchdogGraceMs: number;
}

/** Baileys-style message id for our own sends. */
export function sentMessageId(): string {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
}

/** One fake WhatsApp Web socket. */
export class FakeWhatsAppSocket {
  readonly type = 'md';
  readonly ev = new FakeEventEmitter();
  readonly ws = new FakeTransport();
  readonly createdAt = Date.now();
  /** Why it closed, once it has. */
  closeError: Error | undefined;
  private closed = false;
  private lastRecv = Date.now();
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    readonly config: UserFacingSocketConfig,
    private readonly host: FakeSocketHost,
  ) {
    // Baileys merges every creds update into the auth state first, so later listeners save the merged state.
    this.ev.on('creds.update', (update) => Object.assign(config.auth.creds, update));
    this.keepAlive = setInterval(() => this.keepAliveTick(), this.keepAliveIntervalMs);
    setImmediate(() => {
      if (this.closed) return;
      this.ev.emit('connection.update', { connection: 'connecting', receivedPendingNotifications: false, qr: undefined });
      host.handshake(this);
    });
  }

  /** Our account, as Baileys exposes it (`creds.me`). */
  get user(): Contact | undefined {
    return this.config.auth.creds.me;
  }

  get keepAliveIntervalMs(): number {
    return this.config.keepAliveIntervalMs ?? 30_000;
  }

  get isOpen(): boolean {
    return this.ws.isOpen;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Server: one frame arrives (every real server frame resets Baileys' keep-alive clock). */
  serverFrame(tag = 'iq'): void {
    if (this.closed) return;
    this.lastRecv = Date.now();
    this.ws.emit('frame', { tag, attrs: { from: 's.whatsapp.net', type: 'result' } });
  }

  /** Server: login succeeded (`CB:success`). */
  serverOpen(lidJid: string): void {
    if (this.closed) return;
    this.ws.state = 'open';
    this.serverFrame('success');
    this.ev.emit('creds.update', { me: { ...this.config.auth.creds.me!, lid: lidJid } });
    this.ev.emit('connection.update', { connection: 'open' });
  }

  /** Server: offline notifications are done. */
  serverPendingDone(): void {
    if (this.closed) return;
    this.serverFrame('ib');
    this.ev.emit('connection.update', { receivedPendingNotifications: true });
  }

  /** Server: a new QR payload to show. */
  serverQr(qr: string): void {
    if (this.closed) return;
    this.ws.state = 'open';
    this.serverFrame('iq');
    this.ev.emit('connection.update', { qr });
  }

  /** Server: messages arrive (`notify` live, `append` for the offline replay). */
  serverUpsert(messages: WAMessage[], type: 'notify' | 'append'): void {
    if (this.closed) return;
    this.serverFrame('message');
    this.ev.emit('messages.upsert', { messages, type });
  }

  /** Server: raw event, for malformed payloads and anything the helpers do not cover. */
  serverEmit<T extends keyof BaileysEventMap>(event: T, arg: BaileysEventMap[T]): void {
    if (this.closed) return;
    this.serverFrame();
    this.ev.emit(event, arg);
  }

  /** Sends like Baileys: fails with 428 when the transport is not open, echoes the message as `append`. */
  async sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage | undefined> {
    if (!this.ws.isOpen) throw new FakeBoom('Connection Closed', 428);
    const message: WAMessage = {
      key: { remoteJid: jid, fromMe: true, id: options?.messageId ?? sentMessageId() },
      message: contentToProto(content, options),
      messageTimestamp: Math.floor(Date.now() / 1000),
      status: 1,
    };
    this.host.onSend(this, { jid, content, ...(options ? { options } : {}), message });
    // Baileys (emitOwnEvents) echoes the send on the next tick, before the caller's await resumes.
    process.nextTick(() => this.ev.emit('messages.upsert', { messages: [message], type: 'append' }));
    return message;
  }

  async sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void> {
    if (!this.ws.isOpen) throw new FakeBoom('Connection Closed', 428);
    this.host.onPresence(this, type, toJid);
  }

  /** Unlinks this device (`remove-companion-device`), then closes with 401 as Baileys does. */
  async logout(msg?: string): Promise<void> {
    if (this.config.auth.creds.me?.id) {
      if (!this.ws.isOpen) throw new FakeBoom('Connection Closed', 428);
      this.host.onLogout(this);
    }
    void this.end(new FakeBoom(msg || 'Intentional Logout', 401));
  }

  /** Closes the socket; listeners get `connection: 'close'` with the error, later. */
  async end(error: Error | undefined): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closeError = error;
    clearInterval(this.keepAlive);
    this.ws.state = 'closed';
    this.host.onClosed(this);
    // Baileys awaits the transport close before announcing it.
    await new Promise((resolve) => setImmediate(resolve));
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
    this.ev.removeAllListeners('connection.update');
  }

  /** Baileys' keep-alive: drop a silent link with 408, else ping (the reply is a frame). */
  private keepAliveTick(): void {
    if (Date.now() - this.lastRecv > this.keepAliveIntervalMs + this.host.watchdogGraceMs) {
      void this.end(new FakeBoom('Connection was lost', 408));
      return;
    }
    if (this.ws.isOpen && !this.host.stalled) this.serverFrame('iq');
  }
}

/** The protobuf content Baileys would build for a send (enough for tests to read back). */
function contentToProto(content: AnyMessageContent, options?: MiscMessageGenerationOptions): proto.IMessage {
  const quoted = options?.quoted;
  const contextInfo: proto.IContextInfo | undefined = quoted
    ? { stanzaId: quoted.key.id, participant: quoted.key.fromMe ? undefined : quoted.key.participant || quoted.key.remoteJid, quotedMessage: quoted.message }
    : undefined;
  const c = content as Record<string, unknown>;
  if (typeof c.text === 'string') return { extendedTextMessage: { text: c.text, ...(contextInfo ? { contextInfo } : {}) } };
  const caption = typeof c.caption === 'string' ? c.caption : undefined;
  if (c.image) return { imageMessage: { caption, mimetype: 'image/jpeg', url: urlOf(c.image), ...(contextInfo ? { contextInfo } : {}) } };
  if (c.video) return { videoMessage: { caption, mimetype: 'video/mp4', url: urlOf(c.video), ...(contextInfo ? { contextInfo } : {}) } };
  if (c.document) {
    return {
      documentMessage: {
        caption,
        mimetype: typeof c.mimetype === 'string' ? c.mimetype : undefined,
        fileName: typeof c.fileName === 'string' ? c.fileName : undefined,
        url: urlOf(c.document),
        ...(contextInfo ? { contextInfo } : {}),
      },
    };
  }
  return {};
}

function urlOf(media: unknown): string | undefined {
  const url = (media as { url?: unknown } | undefined)?.url;
  return url === undefined ? undefined : String(url);
}
