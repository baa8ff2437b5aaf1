/**
 * The WhatsApp side of a test: one owner account with linked devices, the
 * sockets the adapter opened (`makeSocket`), what was sent, and faults.
 * Linked devices are recognised by their noise key, as WhatsApp does, so a
 * test proves the adapter reconnects with the credentials it stored.
 * Messages said while no socket is listening are held and replayed to the
 * next socket as an `append` batch, like WhatsApp's offline delivery.
 */
import { EventEmitter } from 'node:events';
import type { AuthenticationCreds, Contact, UserFacingSocketConfig, WAMessage, WAPresence, proto } from '@whiskeysockets/baileys';
import { FakeBoom, FakeWhatsAppSocket, type FakeSentMessage, type FakeSocketHost } from './fake-socket.js';
import { directMessage, groupMessage, selfChatMessage, type FakeUser, type IncomingOptions } from './messages.js';

export interface FakeWhatsAppOptions {
  /** The personal account being linked. */
  owner?: FakeUser;
  /** Baileys drops a socket silent for its keep-alive interval plus this (5000 ms in Baileys). */
  watchdogGraceMs?: number;
}

const DEFAULT_OWNER: FakeUser = { phone: '15550009999', lid: '190000000000001', name: 'Owner' };
const DEVICE = 7;

function noiseKeyOf(creds: AuthenticationCreds): string {
  return Buffer.from(creds.noiseKey.public).toString('base64');
}

/** A scriptable WhatsApp for one owner account. */
export class FakeWhatsApp implements FakeSocketHost {
  readonly owner: FakeUser;
  readonly sockets: FakeWhatsAppSocket[] = [];
  readonly sent: FakeSentMessage[] = [];
  readonly presences: { type: WAPresence; jid: string | undefined }[] = [];
  readonly qrShown: string[] = [];
  watchdogGraceMs: number;
  stalled = false;
  private serverErrors = false;
  private offline = false;
  private serverErrorCount = 0;
  private readonly devices = new Map<string, { revoked: boolean }>();
  private readonly waitingHandshake = new Set<FakeWhatsAppSocket>();
  private held: WAMessage[] = [];
  private readonly changes = new EventEmitter();

  constructor(opts: FakeWhatsAppOptions = {}) {
    this.owner = opts.owner ?? DEFAULT_OWNER;
    this.watchdogGraceMs = opts.watchdogGraceMs ?? 5000;
    this.changes.setMaxListeners(100);
  }

  /** The socket factory to inject as `makeSocket`. */
  readonly makeSocket = (config: UserFacingSocketConfig): FakeWhatsAppSocket => {
    const sock = new FakeWhatsAppSocket(config, this);
    this.sockets.push(sock);
    this.changed();
    return sock;
  };

  /** The owner as `creds.me` looks after pairing. */
  meContact(): Contact {
    return { id: `${this.owner.phone}:${DEVICE}@s.whatsapp.net`, name: this.owner.name, lid: `${this.owner.lid}:${DEVICE}@lid` };
  }

  /** Registers credentials as a linked device (what scanning the QR code does). */
  linkDevice(creds: AuthenticationCreds): void {
    this.devices.set(noiseKeyOf(creds), { revoked: false });
  }

  /** Linked devices that are not revoked. */
  linkedDeviceCount(): number {
    return [...this.devices.values()].filter((d) => !d.revoked).length;
  }

  /** The newest socket that is open and linked (the one messages go to). */
  liveSocket(): FakeWhatsAppSocket | undefined {
    return [...this.sockets].reverse().find((s) => s.isOpen && !s.isClosed && !!s.user?.id);
  }

  /** The newest socket showing a QR code. */
  qrSocket(): FakeWhatsAppSocket | undefined {
    return [...this.sockets].reverse().find((s) => s.isOpen && !s.isClosed && !s.user?.id);
  }

  // ---- the socket host ----------------------------------------------------

  handshake(sock: FakeWhatsAppSocket): void {
    if (sock.isClosed) return;
    if (this.offline) {
      // How Baileys reports a WebSocket that cannot connect (getCodeFromWSError: E* codes are 408).
      const wsError = Object.assign(new Error('getaddrinfo ENOTFOUND web.whatsapp.com'), { code: 'ENOTFOUND' });
      void sock.end(new FakeBoom(`WebSocket Error (${wsError.message})`, 408, wsError));
      return;
    }
    if (this.serverErrors) {
      const code = this.serverErrorCount++ % 2 === 0 ? 503 : 500;
      void sock.end(new FakeBoom(code === 503 ? 'Connection Failure' : 'Stream Errored (unknown)', code));
      return;
    }
    if (this.stalled) {
      // Silence: the transport never answers; Baileys' keep-alive check ends it.
      this.waitingHandshake.add(sock);
      return;
    }
    const creds = sock.config.auth.creds;
    if (creds.me?.id) {
      const device = this.devices.get(noiseKeyOf(creds));
      if (!device || device.revoked) {
        void sock.end(new FakeBoom('Connection Failure', 401));
        return;
      }
      sock.serverOpen(this.meContact().lid!);
      if (this.held.length) sock.serverUpsert(this.takeHeld(), 'append');
      sock.serverPendingDone();
      this.changed();
      return;
    }
    this.showQr(sock);
  }

  onSend(_sock: FakeWhatsAppSocket, sent: FakeSentMessage): void {
    this.sent.push(sent);
    this.changed();
  }

  onPresence(_sock: FakeWhatsAppSocket, type: WAPresence, jid: string | undefined): void {
    this.presences.push({ type, jid });
    this.changed();
  }

  onLogout(sock: FakeWhatsAppSocket): void {
    const d = this.devices.get(noiseKeyOf(sock.config.auth.creds));
    if (d) d.revoked = true;
    this.changed();
  }

  onClosed(sock: FakeWhatsAppSocket): void {
    this.waitingHandshake.delete(sock);
    this.changed();
  }

  // ---- linking ------------------------------------------------------------

  private showQr(sock: FakeWhatsAppSocket): void {
    const c = sock.config.auth.creds;
    const b64 = (k: Uint8Array) => Buffer.from(k).toString('base64');
    const qr = `https://wa.me/settings/linked_devices#2@ref${this.qrShown.length + 1},${b64(c.noiseKey.public)},${b64(c.signedIdentityKey.public)},${c.advSecretKey},1`;
    this.qrShown.push(qr);
    sock.serverQr(qr);
    this.changed();
  }

  /** The QR code on screen is replaced by a fresh one (WhatsApp rotates them). */
  rotateQr(): void {
    const sock = this.qrSocket();
    if (!sock) throw new Error('no socket is showing a QR code');
    this.showQr(sock);
  }

  /**
   * The owner scans the QR code: like `pair-success`, the device is linked,
   * `creds.update` carries the account, a pre-key is stored, and WhatsApp
   * closes with 515 so the client reconnects with its new credentials.
   */
  async scanQr(): Promise<void> {
    const sock = this.qrSocket();
    if (!sock) throw new Error('no socket is showing a QR code');
    const me = this.meContact();
    sock.serverEmit('creds.update', { me: { id: me.id, name: me.name, lid: me.lid }, platform: 'iphone' });
    sock.serverEmit('connection.update', { isNewLogin: true, qr: undefined });
    this.linkDevice(sock.config.auth.creds);
    const creds = sock.config.auth.creds;
    await sock.config.auth.keys.set({ 'pre-key': { [String(creds.nextPreKeyId)]: creds.signedPreKey.keyPair } });
    void sock.end(new FakeBoom('Stream Errored (restart required)', 515));
  }

  /** Nobody scanned in time: Baileys ends the socket with 408 when its QR refs run out. */
  expireQr(): void {
    const sock = this.qrSocket();
    if (!sock) throw new Error('no socket is showing a QR code');
    void sock.end(new FakeBoom('QR refs attempts ended', 408));
  }

  /** The owner removes this device under Linked devices: live sockets close with 401. */
  unlinkFromPhone(): void {
    for (const d of this.devices.values()) d.revoked = true;
    for (const s of this.sockets) if (!s.isClosed) void s.end(new FakeBoom('Stream Errored (conflict)', 401));
    this.changed();
  }

  /** Closes the live socket the way Baileys reports a server close with this status (e.g. 408, 428, 440, 515). */
  closeLive(statusCode: number, message = 'Connection Failure'): void {
    const live = this.liveSocket();
    if (!live) throw new Error('no open WhatsApp socket');
    void live.end(new FakeBoom(message, statusCode));
  }

  /** The server sends a credentials update (new keys, push name…) on the live socket. */
  updateCreds(update: Partial<AuthenticationCreds>): void {
    const live = this.liveSocket();
    if (!live) throw new Error('no open WhatsApp socket');
    live.serverEmit('creds.update', update);
  }

  // ---- traffic ------------------------------------------------------------

  /** Delivers messages to the live socket, or holds them until one is back. */
  deliver(messages: WAMessage[]): void {
    const live = this.stalled ? undefined : this.liveSocket();
    if (live) live.serverUpsert(messages, 'notify');
    else this.held.push(...messages);
    this.changed();
  }

  /** `from` sends a direct message to the owner. */
  sendDirect(from: FakeUser, message: proto.IMessage, opts?: IncomingOptions): WAMessage {
    const m = directMessage(from, message, opts);
    this.deliver([m]);
    return m;
  }

  /** `from` says something in a group the owner is in. */
  sendGroup(groupJid: string, from: FakeUser, message: proto.IMessage, opts?: IncomingOptions): WAMessage {
    const m = groupMessage(groupJid, from, message, opts);
    this.deliver([m]);
    return m;
  }

  /** The owner writes a note to self from the phone. */
  sendSelf(message: proto.IMessage, opts?: IncomingOptions): WAMessage {
    const m = selfChatMessage(this.owner, message, opts);
    this.deliver([m]);
    return m;
  }

  /** Messages held for the next socket. */
  heldCount(): number {
    return this.held.length;
  }

  private takeHeld(): WAMessage[] {
    const h = this.held;
    this.held = [];
    return h;
  }

  // ---- faults -------------------------------------------------------------

  /** Closes every live socket with 428 (connection closed). */
  drop(): void {
    for (const s of this.sockets) if (!s.isClosed) void s.end(new FakeBoom('Connection Terminated', 428));
  }

  /** The platform goes silent (no frames, no keep-alive replies, no handshakes) or comes back. */
  setStall(on: boolean): void {
    this.stalled = on;
    if (on) return;
    for (const s of [...this.waitingHandshake]) {
      this.waitingHandshake.delete(s);
      this.handshake(s);
    }
    const live = this.liveSocket();
    if (live && this.held.length) live.serverUpsert(this.takeHeld(), 'notify');
    this.changed();
  }

  /** While on, live sockets close with 503 and every new one fails with 503/500. */
  /** No network on this computer: every new socket fails to connect, before any QR code. */
  setOffline(on: boolean): void {
    this.offline = on;
    this.changed();
  }

  setServerErrors(on: boolean): void {
    this.serverErrors = on;
    if (on) for (const s of this.sockets) if (!s.isClosed) void s.end(new FakeBoom('Connection Failure', 503));
    this.changed();
  }

  // ---- observation --------------------------------------------------------

  /** Sends to one JID, oldest first. */
  sentTo(jid: string): FakeSentMessage[] {
    return this.sent.filter((s) => s.jid === jid);
  }

  /** Resolves when `check` returns a value (re-checked on every platform change). */
  waitFor<T>(check: () => T | undefined, timeoutMs = 5000, what = 'a WhatsApp change'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const now = check();
      if (now !== undefined) return resolve(now);
      const onChange = () => {
        const v = check();
        if (v === undefined) return;
        clearTimeout(timer);
        this.changes.off('change', onChange);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.changes.off('change', onChange);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.changes.on('change', onChange);
    });
  }

  /** Resolves once `count` messages were sent to `jid`. */
  waitForSent(jid: string, count = 1, timeoutMs = 5000): Promise<FakeSentMessage[]> {
    return this.waitFor(() => {
      const s = this.sentTo(jid);
      return s.length >= count ? s : undefined;
    }, timeoutMs, `${count} message(s) sent to ${jid}`);
  }

  /** Resolves with the newest socket once one is open and linked. */
  waitForLiveSocket(timeoutMs = 5000, after = 0): Promise<FakeWhatsAppSocket> {
    return this.waitFor(() => {
      const s = this.liveSocket();
      return s && this.sockets.indexOf(s) >= after ? s : undefined;
    }, timeoutMs, 'an open WhatsApp socket');
  }

  /** Resolves once a QR code is on screen. */
  waitForQr(count = 1, timeoutMs = 5000): Promise<string> {
    return this.waitFor(() => (this.qrShown.length >= count ? this.qrShown[count - 1] : undefined), timeoutMs, `QR code #${count}`);
  }

  /** Ends every socket and timer. */
  close(): void {
    this.stalled = false;
    this.serverErrors = false;
    for (const s of this.sockets) if (!s.isClosed) void s.end(undefined);
    this.changes.removeAllListeners();
  }

  private changed(): void {
    this.changes.emit('change');
  }
}
