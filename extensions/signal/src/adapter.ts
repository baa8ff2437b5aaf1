/**
 * One Signal account through signal-cli: JSON-RPC for sends and typing, and
 * `receive` events for everything received, either from a daemon the user
 * runs (`httpUrl`: a server-sent event stream) or from a child the account
 * runs over stdio (`cliPath`). A broken HTTP stream is reopened in place with
 * backoff and the id of the last event handled (`Last-Event-ID`), so the
 * daemon replays what came meanwhile; the id is kept on disk across restarts.
 * A child that dies fails the account, and the supervisor starts a new one.
 * Keep-alives, events and (for the child) answered `version` calls are the
 * proof of life; delivery and read receipts acknowledge what was sent.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChannelAuthError, ChannelPermanentError, isChannelAuthError, type ChannelAdapter, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import { readLinkedAccount } from './account-file.js';
import { openDaemon, type SignalDaemon, type SignalSettings } from './daemon.js';
import { notLinkedMessage } from './errors.js';
import { normalizeReceive, parseMessageId, type NormalizeContext } from './normalize.js';
import type { SignalClient } from './rpc.js';
import { markdownToSignal, textStyleParam } from './styles.js';

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;
const CURSOR_FILE = 'signal-events.json';

export class SignalAdapter implements ChannelAdapter {
  private state: 'idle' | 'starting' | 'running' | 'stopped' = 'idle';
  private daemon?: SignalDaemon;
  private rpc?: SignalClient;
  private probeTimer?: NodeJS.Timeout;
  private nc?: NormalizeContext;
  private stream?: AbortController;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectDelay = RECONNECT_MIN_MS;
  private lastEventId?: string;
  private cursorDirty = false;
  private cursorTimer?: NodeJS.Timeout;
  private failed = false;
  private stopping?: Promise<void>;
  private queue: Promise<void> = Promise.resolve();
  private reconnects = 0;
  private receipts = { delivered: 0, read: 0, lastAt: 0 };

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: SignalSettings,
  ) {}

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error('Signal adapter already started');
    this.state = 'starting';
    const linked = await readLinkedAccount(this.ctx.dataDir);
    const account = this.settings.account ?? linked?.number;
    if (!account) throw new ChannelAuthError(notLinkedMessage(undefined));
    this.lastEventId = await this.readCursor();
    const daemon = await openDaemon(this.settings, this.ctx.dataDir, this.ctx.log, account);
    this.daemon = daemon;
    if (this.stopping) throw new Error('Signal adapter stopped while starting');
    this.rpc = daemon.client;
    void daemon.exited.then((reason) => {
      if (this.state === 'running') this.fail(reason);
    });
    // Proves the daemon holds the account (a -32602 here means it is not linked).
    await this.rpc.call('listGroups', {}, { timeoutMs: this.settings.livenessMs });
    this.nc = {
      channel: this.ctx.channel,
      accountId: this.ctx.accountId,
      account,
      ...(linked?.number === account && linked.aci ? { accountUuid: linked.aci } : {}),
      names: typeof this.ctx.config.name === 'string' ? [this.ctx.config.name] : [],
    };
    this.ctx.heartbeat();
    await this.openStream();
    if (this.state !== 'starting') throw new Error('Signal adapter stopped while starting');
    this.state = 'running';
    if (daemon.kind === 'spawned') this.startProbes();
    this.ctx.log.info('signal connected', { account, daemon: this.settings.httpUrl ? new URL(this.settings.httpUrl).host : `signal-cli pid ${daemon.pid}` });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopped';
      clearTimeout(this.reconnectTimer);
      clearInterval(this.probeTimer);
      this.stream?.abort();
      await this.queue.catch(() => undefined);
      await this.flushCursor();
      await this.daemon?.close();
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    const rpc = this.usable();
    const { text, styles } = markdownToSignal([msg.text, ...(msg.mediaUrls ?? [])].filter(Boolean).join('\n'));
    if (!text.trim()) throw new ChannelPermanentError('Nothing to send: the message has no text and no media.');
    const quote = msg.replyToMessageId ? parseMessageId(msg.replyToMessageId) : undefined;
    const result = await this.guard(
      rpc.call<{ timestamp: number }>('send', {
        ...this.target(msg.to),
        message: text,
        ...(styles.length ? { textStyle: textStyleParam(styles) } : {}),
        ...(quote ? { quoteTimestamp: quote.timestamp, quoteAuthor: quote.author } : {}),
      }),
    );
    return { messageId: `${this.nc!.account}:${result.timestamp}` };
  }

  async sendTyping(to: ChannelSend['to']): Promise<void> {
    await this.guard(this.usable().call('sendTyping', this.target(to)));
  }

  describe(): Record<string, unknown> {
    return {
      ...(this.nc ? { account: this.nc.account } : {}),
      daemon: this.settings.httpUrl ? 'external' : 'spawned',
      ...(this.daemon?.pid ? { daemonPid: this.daemon.pid } : {}),
      stream: this.stream && !this.stream.signal.aborted ? 'open' : this.state === 'running' ? 'reconnecting' : 'closed',
      reconnects: this.reconnects,
      receiptsDelivered: this.receipts.delivered,
      receiptsRead: this.receipts.read,
      ...(this.receipts.lastAt ? { lastReceiptAt: this.receipts.lastAt } : {}),
    };
  }

  // ---- the event stream ----------------------------------------------------------

  private async openStream(): Promise<void> {
    const controller = new AbortController();
    this.stream = controller;
    const opened = this.rpc!.openEvents({
      ...(this.lastEventId ? { lastEventId: this.lastEventId } : {}),
      signal: controller.signal,
      onActivity: () => {
        if (this.state !== 'stopped') this.ctx.heartbeat();
      },
      onEvent: (payload, id) => this.onEvent(payload, id),
      onEnd: (reason) => this.onStreamEnd(controller, reason),
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.settings.livenessMs);
    try {
      await opened;
    } catch (err) {
      controller.abort();
      throw timedOut ? new Error(`signal-cli did not open the event stream within ${Math.round(this.settings.livenessMs / 1000)} s.`) : err;
    } finally {
      clearTimeout(timer);
    }
  }

  private onStreamEnd(controller: AbortController, reason: Error): void {
    if (this.state === 'stopped' || this.failed || controller !== this.stream) return;
    controller.abort();
    // A child's events end only with the child: the supervisor starts a new account (and child).
    if (this.daemon?.kind === 'spawned') return this.fail(reason);
    this.ctx.log.warn('signal event stream lost; reconnecting', { reason: reason.message });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(RECONNECT_MAX_MS, this.reconnectDelay * 2);
    this.reconnectTimer = setTimeout(() => {
      if (this.state !== 'running') return;
      this.openStream().then(
        () => {
          this.reconnects++;
          this.reconnectDelay = RECONNECT_MIN_MS;
          this.ctx.log.info('signal event stream reopened');
        },
        (err: Error) => {
          if (this.state !== 'running') return;
          this.ctx.log.warn('signal event stream could not be reopened', { error: err.message, retryInMs: this.reconnectDelay });
          this.scheduleReconnect();
        },
      );
    }, delay);
  }

  /** Events are handled one at a time, in order; the cursor moves once each is queued. */
  private onEvent(payload: unknown, id: string | undefined): void {
    this.queue = this.queue.then(async () => {
      if (this.state === 'stopped') return;
      const got = normalizeReceive(payload, this.nc!);
      if (got.kind === 'message') {
        try {
          await this.ctx.emit(got.msg);
        } catch (err) {
          // Not queued: keep the cursor before it so a reopened stream replays it.
          this.ctx.log.warn('signal message could not be queued', { error: err instanceof Error ? err.message : String(err) });
          this.stream?.abort();
          if (this.state === 'running') this.scheduleReconnect();
          return;
        }
      } else if (got.kind === 'receipt') {
        if (got.read) this.receipts.read += got.timestamps.length;
        else this.receipts.delivered += got.timestamps.length;
        this.receipts.lastAt = Date.now();
        this.ctx.log.debug('signal receipt', { read: got.read, messages: got.timestamps.length });
      } else if (got.reason !== 'typing') {
        this.ctx.log.debug('signal event skipped', { reason: got.reason });
      }
      if (id !== undefined) this.advanceCursor(id);
    });
  }

  /** A child sends no keep-alives: a `version` call it answers proves it is alive and responsive. */
  private startProbes(): void {
    const every = Math.max(250, Math.floor(this.settings.livenessMs / 3));
    this.probeTimer = setInterval(() => {
      this.rpc?.call('version', {}, { timeoutMs: every }).then(
        () => {
          if (this.state === 'running') this.ctx.heartbeat();
        },
        (err: unknown) => this.ctx.log.warn('signal-cli did not answer a liveness check', { error: err instanceof Error ? err.message : String(err) }),
      );
    }, every);
    this.probeTimer.unref();
  }

  // ---- the event cursor ------------------------------------------------------------

  private async readCursor(): Promise<string | undefined> {
    try {
      const parsed = JSON.parse(await readFile(join(this.ctx.dataDir, CURSOR_FILE), 'utf8')) as { lastEventId?: unknown };
      return typeof parsed.lastEventId === 'string' ? parsed.lastEventId : undefined;
    } catch {
      return undefined;
    }
  }

  private advanceCursor(id: string): void {
    this.lastEventId = id;
    this.cursorDirty = true;
    this.cursorTimer ??= setTimeout(() => {
      this.cursorTimer = undefined;
      void this.flushCursor();
    }, 1000);
  }

  private async flushCursor(): Promise<void> {
    clearTimeout(this.cursorTimer);
    this.cursorTimer = undefined;
    if (!this.cursorDirty || !this.lastEventId) return;
    this.cursorDirty = false;
    try {
      await mkdir(this.ctx.dataDir, { recursive: true, mode: 0o700 });
      const tmp = join(this.ctx.dataDir, `${CURSOR_FILE}.tmp`);
      await writeFile(tmp, JSON.stringify({ lastEventId: this.lastEventId }), { mode: 0o600 });
      await rename(tmp, join(this.ctx.dataDir, CURSOR_FILE));
    } catch (err) {
      this.ctx.log.warn('signal event cursor could not be saved', { error: String(err) });
    }
  }

  // ---- outbound ------------------------------------------------------------------

  private usable(): SignalClient {
    if (this.state !== 'running' || !this.rpc) throw new Error('The Signal channel is not running.');
    return this.rpc;
  }

  private target(to: ChannelSend['to']): Record<string, unknown> {
    return to.kind === 'direct' ? { recipient: [to.id] } : { groupId: to.id };
  }

  /** A call that finds the account gone stops the channel (no restart loop). */
  private async guard<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (err) {
      if (isChannelAuthError(err)) this.fail(err as Error);
      throw err;
    }
  }

  private fail(err: Error): void {
    if (this.failed || this.state === 'stopped') return;
    this.failed = true;
    clearTimeout(this.reconnectTimer);
    this.stream?.abort();
    this.ctx.log.error('signal channel stopped', { error: err.message });
    this.ctx.fail(err);
  }
}
