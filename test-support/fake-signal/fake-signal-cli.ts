/**
 * A fake `signal-cli daemon --http` in multi-account mode, written from
 * signal-cli-jsonrpc(5): `POST /api/v1/rpc` takes JSON-RPC 2.0 requests
 * (`send`, `sendTyping`, `sendReceipt`, `listGroups`, `listAccounts`,
 * `startLink`, `finishLink`, `unregister`; single-account methods need the
 * `account` param), `GET /api/v1/events` streams `receive` events as
 * server-sent events with ids (a reconnect with `Last-Event-ID` first gets
 * what came after it; events no client has seen wait for the next one, as
 * Signal's server keeps them while nobody receives), and `GET /api/v1/check`
 * answers 200. Keep-alive comments go out every `keepAliveMs`.
 *
 * Faults: `drop` cuts every event stream; `stall` makes the daemon silent
 * (streams stop, requests hang) until lifted; `5xx` answers every RPC with
 * HTTP 500 until lifted.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody, sendJson, startHttpServer, type StartedServer } from '../http-server.js';

export interface FakeSignalUser {
  number: string;
  uuid: string;
  name: string;
}

/** A message the linked account sent. */
export interface FakeSignalSent {
  timestamp: number;
  recipient?: string;
  groupId?: string;
  message: string;
  textStyle: string[];
  quoteTimestamp?: number;
  quoteAuthor?: string;
}

export type FakeSignalFault = 'drop' | 'stall' | '5xx';

interface StoredEvent {
  id: number;
  data: string;
  seen: boolean;
}


export class FakeSignalCli {
  readonly account = '+15550000001';
  readonly accountUuid = randomUUID();
  readonly humans: FakeSignalUser[] = [
    { number: '+15550000101', uuid: randomUUID(), name: 'Alice' },
    { number: '+15550000102', uuid: randomUUID(), name: 'Bob' },
    { number: '+15550000103', uuid: randomUUID(), name: 'Carol' },
  ];
  readonly groupId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64') + 'AAAAAAAAAAAAAAAAAAAAAA==';
  /** Accounts registered or linked in this daemon. */
  readonly linked = new Set<string>();
  readonly sent: FakeSignalSent[] = [];
  readonly typing: { recipient?: string; groupId?: string; stop: boolean }[] = [];
  readonly receipts: { recipient: string; targetTimestamp: number[]; type: string }[] = [];
  readonly calls: { method: string; status: number | string }[] = [];
  /** The next N sends fail with signal-cli's rate-limit error. */
  rateLimit = { remaining: 0, retryAfterSeconds: 3 };
  /** How long a link URI lives before a waiting `finishLink` fails. */
  linkTtlMs = 2000;
  private readonly scanners: (() => void)[] = [];
  linkUris: string[] = [];
  streamsOpened = 0;

  private http?: StartedServer;
  private readonly events: StoredEvent[] = [];
  private nextEventId = 1;
  private readonly streams = new Set<ServerResponse>();
  private readonly changes = new EventEmitter();
  private readonly keepAlive: NodeJS.Timeout;
  private stalled = false;
  private failing5xx = false;
  private clock = 0;

  constructor(private readonly opts: { keepAliveMs?: number; linked?: boolean } = {}) {
    this.changes.setMaxListeners(0);
    if (opts.linked !== false) this.linked.add(this.account);
    this.keepAlive = setInterval(() => {
      if (this.stalled) return;
      for (const res of this.streams) res.write(':\n');
    }, opts.keepAliveMs ?? 15_000);
    this.keepAlive.unref();
  }

  async listen(): Promise<this> {
    this.http = await startHttpServer((req, res) => this.onRequest(req, res));
    return this;
  }

  get httpUrl(): string {
    if (!this.http) throw new Error('fake signal-cli: listen() first');
    return this.http.baseUrl;
  }

  /** A user writes to the account: directly, or in the group (optionally @-mentioning the account). */
  say(opts: { from: string; text: string; group?: boolean; mention?: boolean; quote?: { timestamp: number; author: string } }): number {
    const user = this.humans.find((h) => h.number === opts.from);
    if (!user) throw new Error(`fake signal-cli: unknown user ${opts.from}`);
    const timestamp = this.now();
    // Signal puts U+FFFC where a mention sits and lists the mentioned account.
    const text = opts.mention ? `\uFFFC ${opts.text}` : opts.text;
    const dataMessage: Record<string, unknown> = {
      timestamp,
      message: text,
      expiresInSeconds: 0,
      viewOnce: false,
      ...(opts.mention ? { mentions: [{ name: this.account, number: this.account, uuid: this.accountUuid, start: 0, length: 1 }] } : {}),
      ...(opts.group ? { groupInfo: { groupId: this.groupId, groupName: 'Friends', revision: 3, type: 'DELIVER' } } : {}),
      ...(opts.quote ? { quote: { id: opts.quote.timestamp, author: opts.quote.author, authorNumber: opts.quote.author, text: '', attachments: [] } } : {}),
    };
    this.push({ envelope: { source: user.number, sourceNumber: user.number, sourceUuid: user.uuid, sourceName: user.name, sourceDevice: 1, timestamp, serverReceivedTimestamp: timestamp, serverDeliveredTimestamp: timestamp, dataMessage }, account: this.account });
    return timestamp;
  }

  /** A recipient's phone confirms delivery or reading of messages the account sent. */
  receipt(from: string, timestamps: number[], kind: 'delivery' | 'read'): void {
    const user = this.humans.find((h) => h.number === from)!;
    const when = this.now();
    this.push({
      envelope: { source: user.number, sourceNumber: user.number, sourceUuid: user.uuid, sourceName: user.name, sourceDevice: 1, timestamp: when, receiptMessage: { when, isDelivery: kind === 'delivery', isRead: kind === 'read', isViewed: false, timestamps } },
      account: this.account,
    });
  }

  /** The phone scans the QR code now on screen (resolves the waiting `finishLink`). */
  scan(): void {
    this.scanners.splice(0).forEach((go) => go());
  }

  /** The owner writes in "Note to Self" on the phone: a sync message to the linked device. */
  sayToSelf(text: string): number {
    const timestamp = this.now();
    const sentMessage = { destination: this.account, destinationNumber: this.account, destinationUuid: this.accountUuid, timestamp, message: text, expiresInSeconds: 0, viewOnce: false };
    this.push({ envelope: { source: this.account, sourceNumber: this.account, sourceUuid: this.accountUuid, sourceName: 'Me', sourceDevice: 1, timestamp, syncMessage: { sentMessage } }, account: this.account });
    return timestamp;
  }

  /** Texts the account sent to a user or the group, oldest first. */
  sentTo(peer: string): string[] {
    return this.sent.filter((s) => s.recipient === peer || s.groupId === peer).map((s) => s.message);
  }

  async waitUntil(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (pred()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.changes.off('change', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.changes.off('change', check);
        reject(new Error(`fake signal-cli: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.changes.on('change', check);
    });
  }

  setFault(kind: FakeSignalFault, on: boolean): void {
    if (kind === 'drop') {
      if (on) for (const res of this.streams) res.socket?.destroy();
    } else if (kind === 'stall') {
      this.stalled = on;
      this.changes.emit(on ? 'stall' : 'unstall');
    } else this.failing5xx = on;
  }

  openStreams(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    this.stalled = false;
    this.changes.emit('unstall');
    for (const res of this.streams) res.socket?.destroy();
    await this.http?.close();
  }

  // ---- internals ------------------------------------------------------------------

  private now(): number {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return this.clock;
  }

  private push(params: Record<string, unknown>): void {
    const event: StoredEvent = { id: this.nextEventId++, data: JSON.stringify(params), seen: false };
    this.events.push(event);
    if (this.events.length > 1000) this.events.shift();
    if (!this.stalled) for (const res of this.streams) this.write(res, event);
    this.changes.emit('change');
  }

  private write(res: ServerResponse, e: StoredEvent): void {
    e.seen = true;
    res.write(`id:${e.id}\nevent:receive\ndata:${e.data}\n\n`);
  }

  private untilUnstalled(): Promise<void> {
    return this.stalled ? new Promise((resolve) => this.changes.once('unstall', () => resolve())) : Promise.resolve();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (this.stalled) {
      // Hang like a frozen JVM; let go once the stall is lifted or the client leaves.
      await Promise.race([this.untilUnstalled(), new Promise((r) => res.once('close', r))]);
      if (res.destroyed) return;
    }
    if (req.method === 'GET' && path === '/api/v1/check') {
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'GET' && path === '/api/v1/events') return this.onEvents(req, res);
    if (req.method === 'POST' && path === '/api/v1/rpc') return this.onRpc(req, res);
    res.writeHead(404).end();
  }

  private onEvents(req: IncomingMessage, res: ServerResponse): void {
    if (this.failing5xx) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    this.streams.add(res);
    this.streamsOpened++;
    res.once('close', () => {
      this.streams.delete(res);
      this.changes.emit('change');
    });
    const lastId = Number(req.headers['last-event-id'] ?? NaN);
    const known = Number.isFinite(lastId) && this.events.some((e) => e.id === lastId);
    // After a known id: everything newer; otherwise what no client has seen yet.
    for (const e of this.events) if (known ? e.id > lastId : !e.seen) this.write(res, e);
    this.changes.emit('change');
  }

  private async onRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readJsonBody(req)) as { jsonrpc?: string; id?: unknown; method?: string; params?: Record<string, unknown> };
    const method = String(body?.method ?? '');
    if (this.failing5xx) {
      this.calls.push({ method, status: 500 });
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    const ok = (result: unknown) => {
      this.calls.push({ method, status: 'ok' });
      this.changes.emit('change');
      sendJson(res, 200, { jsonrpc: '2.0', result, id: body.id });
    };
    const fail = (code: number, message: string, data: unknown = null) => {
      this.calls.push({ method, status: code });
      this.changes.emit('change');
      sendJson(res, 200, { jsonrpc: '2.0', error: { code, message, data }, id: body.id });
    };
    const params = body.params ?? {};
    const needsAccount = !['startLink', 'finishLink', 'listAccounts', 'version'].includes(method);
    if (needsAccount) {
      if (typeof params.account !== 'string') return fail(-32602, 'Method requires valid account parameter');
      if (!this.linked.has(params.account)) return fail(-32602, 'Specified account does not exist');
    }
    switch (method) {
      case 'version':
        return ok({ version: '0.13.fake' });
      case 'listAccounts':
        return ok([...this.linked].map((number) => ({ number })));
      case 'listGroups':
        return ok([{ id: this.groupId, name: 'Friends', description: '', isMember: true, isBlocked: false, members: [{ number: this.account }, ...this.humans.map((h) => ({ number: h.number, uuid: h.uuid }))], pendingMembers: [], requestingMembers: [], admins: [], groupInviteLink: null }]);
      case 'send': {
        const recipients = ([] as unknown[]).concat(params.recipient ?? []).map(String);
        const groupId = typeof params.groupId === 'string' ? params.groupId : undefined;
        if (!groupId && recipients.length === 0) return fail(-1, 'No recipients given');
        if (groupId && groupId !== this.groupId) return fail(-1, 'Invalid group id');
        const unknown = recipients.find((r) => r !== this.account && !this.humans.some((h) => h.number === r));
        if (unknown) return fail(-1, `Failed to send message: Unregistered user "${unknown}"`, { response: { timestamp: 0, results: [{ recipientAddress: { number: unknown }, type: 'UNREGISTERED_FAILURE' }] } });
        if (this.rateLimit.remaining > 0) {
          this.rateLimit.remaining--;
          return fail(-5, 'Failed to send message due to rate limiting', { response: { timestamp: 0, results: [{ recipientAddress: { number: recipients[0] }, type: 'RATE_LIMIT_FAILURE', retryAfterSeconds: this.rateLimit.retryAfterSeconds }] } });
        }
        const timestamp = this.now();
        const textStyle = ([] as unknown[]).concat(params.textStyle ?? params.textStyles ?? []).map(String);
        const quote = typeof params.quoteTimestamp === 'number' ? { quoteTimestamp: params.quoteTimestamp, quoteAuthor: String(params.quoteAuthor ?? '') } : {};
        const message = String(params.message ?? '');
        if (groupId) this.sent.push({ timestamp, groupId, message, textStyle, ...quote });
        else for (const recipient of recipients) this.sent.push({ timestamp, recipient, message, textStyle, ...quote });
        return ok({ timestamp, results: (groupId ? this.humans.map((h) => h.number) : recipients).map((n) => ({ recipientAddress: { number: n }, type: 'SUCCESS' })) });
      }
      case 'sendTyping': {
        const recipient = ([] as unknown[]).concat(params.recipient ?? []).map(String)[0];
        this.typing.push({ ...(recipient ? { recipient } : {}), ...(typeof params.groupId === 'string' ? { groupId: params.groupId } : {}), stop: params.stop === true });
        return ok({});
      }
      case 'sendReceipt':
        this.receipts.push({ recipient: String(([] as unknown[]).concat(params.recipient ?? [])[0]), targetTimestamp: ([] as unknown[]).concat(params.targetTimestamp ?? []).map(Number), type: String(params.type ?? 'read') });
        return ok({});
      case 'startLink': {
        const uri = `sgnl://linkdevice?uuid=${randomUUID()}&pub_key=${Buffer.from(randomUUID()).toString('base64url')}`;
        this.linkUris.push(uri);
        return ok({ deviceLinkUri: uri });
      }
      case 'finishLink': {
        if (!this.linkUris.includes(String(params.deviceLinkUri))) return fail(-1, 'Link request error: unknown link URI');
        // Waits for the phone, like signal-cli; an unscanned URI expires.
        const scanned = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), this.linkTtlMs);
          this.scanners.push(() => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        if (!scanned) return fail(-1, 'Link request error: Timeout waiting for the phone to scan the QR code');
        this.linked.add(this.account);
        return ok({ number: this.account, aci: this.accountUuid });
      }
      case 'unregister':
        this.linked.delete(String(params.account));
        return ok({});
      default:
        return fail(-32601, 'Method not implemented');
    }
  }
}
