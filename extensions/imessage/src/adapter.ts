/**
 * The iMessage adapter: one `imsg rpc` child per account. Inbound messages
 * arrive as `message` notifications of a `watch.subscribe` subscription;
 * replies go out with `send`. A cursor (the last handled rowid) is saved in
 * the account's data dir after core queued each message, and passed back as
 * `since_rowid` on the next start, so messages that arrived while OpenClaw
 * was down are delivered after the restart.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ChannelAuthError,
  ChannelPermanentError,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelSend,
} from '../../../src-shared/domain/channel.js';
import { maskHandle, maskHandlesInText, normalizeImsgMessage, resolveSendTarget } from './normalize.js';
import { ImsgExitError, ImsgRpcClient, ImsgRpcError } from './rpc-client.js';

/** Settings read from the account config, defaults applied. */
export interface IMessageSettings {
  cliPath: string;
  dbPath?: string;
  service: 'imessage' | 'sms' | 'auto';
  region: string;
  mentionNames: string[];
  livenessMs: number;
}

const CURSOR_FILE = 'imsg-cursor.json';
const SEND_TIMEOUT_MS = 30_000;
// Messages.app needs this much access; imsg says so on stderr.
const PERMISSION_HINT = /full disk access|permission|not permitted|authori[sz]ation denied|not authori[sz]ed/i;

/** A running iMessage account. */
export class IMessageAdapter implements ChannelAdapter {
  private rpc?: ImsgRpcClient;
  private probeTimer?: NodeJS.Timeout;
  private probing = false;
  private started = false;
  private stopped = false;
  private failed = false;
  private stopping?: Promise<void>;
  private inboundChain: Promise<void> = Promise.resolve();
  private cursor = 0;
  private lastSubscription?: number;

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: IMessageSettings,
    private readonly killAfterMs: number,
  ) {}

  async start(): Promise<void> {
    this.cursor = await this.readCursor();
    const args = ['rpc', ...(this.settings.dbPath ? ['--db', this.settings.dbPath] : [])];
    const rpc = new ImsgRpcClient(this.settings.cliPath, args, {
      onLine: () => {
        if (!this.stopped) this.ctx.heartbeat();
      },
      onNotification: (method, params) => this.onNotification(method, params),
      onMalformed: (reason, length) => this.ctx.log.warn('imsg wrote a line that is not JSON-RPC; skipped', { reason, length }),
      onExit: (err) => this.fail(err),
    });
    this.rpc = rpc;
    try {
      await rpc.spawn();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'ENOENT'
          ? `imsg was not found at "${this.settings.cliPath}". Install it (brew install steipete/tap/imsg) or set channels.imessage.cliPath.`
          : `imsg could not be started (${code ?? String(err)}); check channels.imessage.cliPath.`,
      );
    }
    try {
      // First start: note where the database is now, so a crash before the first message is handled
      // does not make the next start skip what arrived in between.
      if (this.cursor === 0) {
        this.cursor = await this.newestRowId(rpc);
        if (this.cursor > 0) await this.writeCursor(this.cursor);
      }
      const sub = await rpc.request<{ subscription?: number }>(
        'watch.subscribe',
        { attachments: true, ...(this.cursor > 0 ? { since_rowid: this.cursor } : {}) },
        this.requestTimeoutMs(),
      );
      this.lastSubscription = sub?.subscription;
    } catch (err) {
      await rpc.close(this.killAfterMs);
      throw this.startError(err, rpc.stderr());
    }
    if (this.stopped) return;
    this.started = true;
    this.ctx.heartbeat();
    this.ctx.log.info('iMessage connected', { subscription: this.lastSubscription, resumedAfterRowId: this.cursor || undefined });
    // imsg has no ping method; a one-chat `chats.list` is the cheapest request that proves both the process and the database answer.
    this.probeTimer = setInterval(() => void this.probe(), Math.max(250, Math.floor(this.settings.livenessMs / 3)));
    this.probeTimer.unref();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      clearInterval(this.probeTimer);
      await this.rpc?.close(this.killAfterMs);
      // Handlers already running finish their emit; none start after `stopped`.
      await this.inboundChain;
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    const target = resolveSendTarget(msg.to, this.settings.region);
    if ('error' in target) throw new ChannelPermanentError(`iMessage cannot send to ${msg.to.kind} ${maskHandle(msg.to.id)}: ${target.error}`);
    if (!this.rpc || this.stopped) throw new Error('iMessage is not running');
    const params: Record<string, unknown> = { ...target, text: msg.text };
    if ('to' in target) Object.assign(params, { service: this.settings.service, region: this.settings.region });
    try {
      const res = await this.rpc.request<{ ok?: boolean; guid?: string; id?: number } | undefined>('send', params, SEND_TIMEOUT_MS);
      // Older imsg answers just {ok:true}; newer ones add the sent message's rowid and guid.
      const messageId = res?.guid ?? (typeof res?.id === 'number' ? `rowid:${res.id}` : `imsg-sent-${Date.now()}`);
      return { messageId };
    } catch (err) {
      throw this.sendError(err, msg.to);
    }
  }

  describe(): Record<string, unknown> {
    return { cliPath: this.settings.cliPath, service: this.settings.service, subscription: this.lastSubscription, cursor: this.cursor || undefined };
  }

  private onNotification(method: string, params: unknown): void {
    if (method === 'error') {
      // The watch stream died inside imsg (database gone, permission revoked); a fresh process is the cure.
      const detail = (params as { error?: { message?: unknown } } | undefined)?.error?.message;
      this.fail(new Error(`imsg watch stopped: ${maskHandlesInText(String(detail ?? 'unknown error'))}`));
      return;
    }
    if (method !== 'message') return;
    const message = (params as { message?: unknown } | undefined)?.message;
    // One at a time, in order, so the saved cursor never runs ahead of what core queued.
    this.inboundChain = this.inboundChain.then(() => this.handleMessage(message)).catch((err: unknown) => {
      this.ctx.log.error('iMessage inbound handling failed', { error: String(err) });
    });
  }

  private async handleMessage(raw: unknown): Promise<void> {
    if (this.stopped) return;
    const result = normalizeImsgMessage(raw, {
      channel: this.ctx.channel,
      accountId: this.ctx.accountId,
      region: this.settings.region,
      mentionNames: this.settings.mentionNames,
    });
    const rowid = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : undefined;
    if (!result.ok) {
      if (result.invalid) this.ctx.log.warn('imsg message skipped', { reason: result.reason, rowid });
      else this.ctx.log.debug('imsg message ignored', { reason: result.reason, rowid });
    } else {
      await this.ctx.emit(result.msg);
    }
    if (rowid !== undefined && rowid > this.cursor && !this.stopped) {
      this.cursor = rowid;
      await this.writeCursor(rowid);
    }
  }

  private async probe(): Promise<void> {
    if (this.probing || this.stopped || !this.rpc) return;
    this.probing = true;
    try {
      await this.rpc.request('chats.list', { limit: 1 }, Math.max(250, Math.floor(this.settings.livenessMs / 3)));
      // The answer line already counted as a heartbeat.
    } catch (err) {
      // Any error answer is still a sign of life (counted in onLine); a timeout is not, and the supervisor notices.
      if (!(err instanceof ImsgRpcError)) this.ctx.log.debug('imsg liveness probe unanswered', { error: String(err) });
    } finally {
      this.probing = false;
    }
  }

  private fail(err: Error): void {
    if (this.stopped || this.failed || !this.started) return;
    this.failed = true;
    clearInterval(this.probeTimer);
    const masked = new Error(maskHandlesInText(err.message));
    this.ctx.log.error('imsg stopped on its own', { error: masked.message });
    this.ctx.fail(masked);
  }

  private startError(err: unknown, stderr: string): Error {
    const said = maskHandlesInText(stderr);
    if (PERMISSION_HINT.test(stderr)) {
      return new ChannelAuthError(
        `imsg cannot read Messages: give the app running OpenClaw Full Disk Access (System Settings → Privacy & Security) and allow it to control Messages. imsg said: ${said}`,
      );
    }
    if (err instanceof ImsgExitError) return new Error(`imsg exited while starting: ${said || err.message}`);
    if (err instanceof ImsgRpcError) return new Error(`imsg refused to watch messages: ${maskHandlesInText(err.message)}`);
    return new Error(`imsg did not start watching messages: ${String((err as Error).message ?? err)}${said ? ` (stderr: ${said})` : ''}`);
  }

  private sendError(err: unknown, to: ChannelSend['to']): Error {
    const who = `${to.kind} ${maskHandle(to.id)}`;
    if (err instanceof ImsgRpcError) {
      const text = maskHandlesInText(err.message);
      if (PERMISSION_HINT.test(err.message)) return new ChannelAuthError(`Messages refused to send (${text}); allow the app running OpenClaw to control Messages.`);
      // -32602: unknown chat, bad service or recipient: retrying cannot help.
      if (err.code === -32602 || err.code === -32601) return new ChannelPermanentError(`iMessage cannot send to ${who}: ${text}`);
      return new Error(`iMessage send to ${who} failed: ${text}`);
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  private requestTimeoutMs(): number {
    return Math.min(15_000, Math.max(1_000, this.settings.livenessMs / 2));
  }

  private async readCursor(): Promise<number> {
    try {
      const saved = JSON.parse(await readFile(join(this.ctx.dataDir, CURSOR_FILE), 'utf8')) as { sinceRowId?: unknown };
      return typeof saved.sinceRowId === 'number' && saved.sinceRowId > 0 ? saved.sinceRowId : 0;
    } catch {
      return 0;
    }
  }

  /** The newest message rowid among the most recently active chats (0 for an empty database). */
  private async newestRowId(rpc: ImsgRpcClient): Promise<number> {
    const timeoutMs = this.requestTimeoutMs();
    const chats = await rpc.request<{ chats?: { id?: unknown }[] }>('chats.list', { limit: 20 }, timeoutMs);
    let newest = 0;
    for (const chat of chats?.chats ?? []) {
      if (typeof chat.id !== 'number') continue;
      const h = await rpc.request<{ messages?: { id?: unknown }[] }>('messages.history', { chat_id: chat.id, limit: 1 }, timeoutMs);
      for (const m of h?.messages ?? []) if (typeof m.id === 'number' && m.id > newest) newest = m.id;
    }
    return newest;
  }

  private async writeCursor(rowid: number): Promise<void> {
    const file = join(this.ctx.dataDir, CURSOR_FILE);
    try {
      await mkdir(this.ctx.dataDir, { recursive: true });
      await writeFile(`${file}.tmp`, JSON.stringify({ sinceRowId: rowid }));
      await rename(`${file}.tmp`, file);
    } catch (err) {
      this.ctx.log.warn('could not save the iMessage cursor; a restart may deliver recent messages again', { error: String(err) });
    }
  }
}
