/**
 * LINE's side of the Messaging API in tests, on one local HTTP server, after
 * the published reference (developers.line.biz/en/reference/messaging-api):
 *   GET  /v2/bot/info            the bot's userId, basicId, displayName
 *   POST /v2/bot/message/reply   one use per reply token, valid for a minute; else 400 "Invalid reply token"
 *   POST /v2/bot/message/push    `X-Line-Retry-Key` accepted once; a repeat answers 409
 * Every call needs `Authorization: Bearer <channel access token>` (401 otherwise).
 * Webhooks are POSTed to the bot's endpoint as LINE does, signed with
 * `x-line-signature` (base64 HMAC-SHA256 of the body with the channel secret),
 * in order, and redelivered (`deliveryContext.isRedelivery`) after a non-2xx
 * or a connection error, so messages are held, not lost, while the bot restarts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readJsonBody, sendJson, startHttpServer, type StartedServer } from '../http-server.js';
import { Waiters } from '../wait-until.js';

/** A LINE-shaped id: one letter and 32 hex digits. */
export const lineId = (prefix: 'U' | 'C' | 'R', seed: string): string => `${prefix}${createHmac('md5', 'fake-line').update(seed).digest('hex')}`;

export const FAKE_BOT_USER_ID = lineId('U', 'bot');
const REPLY_TOKEN_TTL_MS = 60_000;

/** One text the bot sent, by reply or by push. */
export interface LineSent {
  peer: string;
  text: string;
  via: 'reply' | 'push';
}

/** One image message the bot sent (LINE fetches the picture from the URL). */
export interface LineSentImage {
  peer: string;
  originalContentUrl: string;
  previewImageUrl: string;
  via: 'reply' | 'push';
}

/** Options for a message event. */
export interface LineEventOptions {
  /** The group (C…) or room (R…) the message is said in; a DM otherwise. */
  group?: string;
  mention?: boolean;
  mode?: 'active' | 'standby';
}

type Fault = 'drop' | 'stall' | '5xx';

/** A running fake. */
export interface FakeLine {
  baseUrl: string;
  accessToken: string;
  channelSecret: string;
  /** Config for `channels.line` (webhook host/port are the caller's). */
  adapterConfig(webhook: { port: number; path?: string }): Record<string, unknown>;
  setWebhook(url: string): void;
  /** A text message event from `user`, with a fresh reply token. */
  textEvent(user: string, text: string, opts?: LineEventOptions): Record<string, unknown>;
  /** Queue events; they are delivered (with redelivery) in order, one body each. */
  deliver(...events: Record<string, unknown>[]): void;
  /** POST one body once; `signature: null` omits the header, a string replaces it. */
  postWebhook(body: unknown, opts?: { signature?: string | null; rawBody?: string }): Promise<number>;
  /** Resolves when every queued body got a 2xx (or a final 4xx). */
  drained(timeoutMs?: number): Promise<void>;
  sign(body: string): string;
  sent: LineSent[];
  /** Image messages the bot sent. */
  images: LineSentImage[];
  waitForSent(count: number, timeoutMs?: number): Promise<LineSent[]>;
  counters: { botInfo: number; reply: number; push: number; deliveries: number; redeliveries: number };
  /** Reply tokens issued so far stop working, as if a minute had passed. */
  expireReplyTokens(): void;
  /** The next API call answers 429. */
  rateLimitNext(): void;
  /** The channel access token is revoked: every call answers 401. */
  revokeToken(): void;
  setFault(kind: Fault, on: boolean): void;
  close(): Promise<void>;
}

const lineError = (res: ServerResponse, status: number, message: string) => sendJson(res, status, { message });

export async function startFakeLine(): Promise<FakeLine> {
  const accessToken = `fake-line-token-${randomBytes(6).toString('hex')}`;
  const channelSecret = randomBytes(16).toString('hex');
  const sent: LineSent[] = [];
  const counters = { botInfo: 0, reply: 0, push: 0, deliveries: 0, redeliveries: 0 };
  const faults = { stall: false, error5xx: false, dropNext: false, rateLimit: false };
  const replyTokens = new Map<string, { peer: string; issuedAt: number; used: boolean }>();
  const retryKeys = new Set<string>();
  let revoked = false;
  let webhookUrl: string | undefined;
  let closed = false;
  const waiters = new Waiters();
  const notify = () => waiters.notify();
  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string) => waiters.until(check, timeoutMs, what);
  const unstalled = () => until(() => (!faults.stall || closed ? true : undefined), 2 ** 31 - 1, 'stall to end');
  const sign = (body: string) => createHmac('sha256', channelSecret).update(body).digest('base64');

  type Msg = { type?: string; text?: string; originalContentUrl?: string; previewImageUrl?: string };
  // Image URLs as the Messaging API reference requires: HTTPS, at most 2,000 characters.
  const imageUrl = (u: unknown) => typeof u === 'string' && u.length <= 2000 && u.startsWith('https://');
  const validMessages = (body: unknown): Msg[] | undefined => {
    const messages = (body as { messages?: Msg[] } | undefined)?.messages;
    if (!Array.isArray(messages) || messages.length === 0 || messages.length > 5) return undefined;
    const ok = (m: Msg) =>
      (m.type === 'text' && typeof m.text === 'string' && m.text.length > 0 && m.text.length <= 5000) || (m.type === 'image' && imageUrl(m.originalContentUrl) && imageUrl(m.previewImageUrl));
    return messages.every(ok) ? messages : undefined;
  };
  const images: LineSentImage[] = [];
  const record = (peer: string, messages: Msg[], via: 'reply' | 'push') => {
    for (const m of messages) {
      if (m.type === 'text') sent.push({ peer, text: m.text!, via });
      else images.push({ peer, originalContentUrl: m.originalContentUrl!, previewImageUrl: m.previewImageUrl!, via });
    }
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.headers.authorization !== `Bearer ${accessToken}` || revoked) {
      return lineError(res, 401, 'Authentication failed. Confirm that the access token in the authorization header is valid.');
    }
    if (faults.rateLimit) {
      faults.rateLimit = false;
      return lineError(res, 429, 'The API rate limit has been exceeded. Try again later.');
    }
    if (faults.error5xx) return lineError(res, 500, 'Internal server error');
    if (req.method === 'GET' && url.pathname === '/v2/bot/info') {
      counters.botInfo++;
      return sendJson(res, 200, { userId: FAKE_BOT_USER_ID, basicId: '@123abcde', displayName: 'OpenClaw', chatMode: 'bot', markAsReadMode: 'manual' });
    }
    if (req.method === 'POST' && url.pathname === '/v2/bot/message/reply') {
      counters.reply++;
      const body = (await readJsonBody(req)) as { replyToken?: string };
      const messages = validMessages(body);
      if (!messages) return lineError(res, 400, 'The request body has 1 error(s)');
      const entry = replyTokens.get(body.replyToken ?? '');
      if (!entry || entry.used || Date.now() - entry.issuedAt > REPLY_TOKEN_TTL_MS) return lineError(res, 400, 'Invalid reply token');
      entry.used = true;
      record(entry.peer, messages, 'reply');
      notify();
      return sendJson(res, 200, { sentMessages: messages.map(() => ({ id: String(Date.now()) + String(sent.length), quoteToken: randomBytes(8).toString('hex') })) });
    }
    if (req.method === 'POST' && url.pathname === '/v2/bot/message/push') {
      counters.push++;
      const key = req.headers['x-line-retry-key'];
      const body = (await readJsonBody(req)) as { to?: string };
      const messages = validMessages(body);
      if (!messages || typeof body.to !== 'string') return lineError(res, 400, 'The request body has 1 error(s)');
      if (!/^[UCR][0-9a-f]{32}$/.test(body.to)) return lineError(res, 400, 'Failed to send messages');
      if (typeof key === 'string') {
        if (retryKeys.has(key)) return sendJson(res, 409, { message: 'The retry key is already accepted' }, { 'x-line-accepted-request-id': key });
        retryKeys.add(key);
      }
      record(body.to, messages, 'push');
      notify();
      return sendJson(res, 200, { sentMessages: messages.map(() => ({ id: String(Date.now()) + String(sent.length), quoteToken: randomBytes(8).toString('hex') })) });
    }
    lineError(res, 404, 'Not found');
  };

  const server: StartedServer & { server: Server } = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (faults.dropNext) {
      faults.dropNext = false;
      req.socket.destroy();
      return;
    }
    if (faults.stall) await unstalled();
    if (closed) return void req.socket.destroy();
    await handleApi(req, res, url);
  });

  const inflight = new AbortController();
  const postWebhook = async (body: unknown, o: { signature?: string | null; rawBody?: string } = {}) => {
    if (!webhookUrl) throw new Error('no webhook set');
    const raw = o.rawBody ?? JSON.stringify(body);
    const signature = o.signature === undefined ? sign(raw) : o.signature;
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'LineBotWebhook/2.0', ...(signature !== null ? { 'x-line-signature': signature } : {}) },
      body: raw,
      signal: AbortSignal.any([inflight.signal, AbortSignal.timeout(10_000)]),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  };

  // In-order delivery with redelivery, as LINE does when webhook redelivery is enabled.
  const queue: { events: Record<string, unknown>[]; attempts: number }[] = [];
  let pumping = false;
  let backoff: NodeJS.Timeout | undefined;
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    let delay = 25;
    while (queue.length && !closed) {
      if (faults.stall || !webhookUrl) {
        await until(() => ((!faults.stall && webhookUrl) || closed ? true : undefined), 2 ** 31 - 1, 'deliverable');
        continue;
      }
      const item = queue[0]!;
      const redelivery = item.attempts++ > 0;
      counters.deliveries++;
      if (redelivery) counters.redeliveries++;
      const events = item.events.map((e) => ({ ...e, deliveryContext: { isRedelivery: redelivery } }));
      const status = await postWebhook({ destination: FAKE_BOT_USER_ID, events }).catch(() => 0);
      if ((status >= 200 && status < 300) || (status >= 400 && status < 500)) {
        // 4xx is final: LINE does not redeliver what the bot refused.
        queue.shift();
        delay = 25;
        notify();
        continue;
      }
      await new Promise<void>((resolve) => (backoff = setTimeout(resolve, delay)));
      delay = Math.min(delay * 2, 400);
    }
    pumping = false;
  };

  let seq = 0;
  const textEvent = (user: string, text: string, o: LineEventOptions = {}): Record<string, unknown> => {
    const replyToken = randomBytes(16).toString('hex');
    const group = o.group;
    replyTokens.set(replyToken, { peer: group ?? user, issuedAt: Date.now(), used: false });
    const source = !group ? { type: 'user', userId: user } : group.startsWith('R') ? { type: 'room', roomId: group, userId: user } : { type: 'group', groupId: group, userId: user };
    const prefix = o.mention ? '@OpenClaw ' : '';
    return {
      type: 'message',
      mode: o.mode ?? 'active',
      timestamp: Date.now(),
      source,
      webhookEventId: `01FZ${randomBytes(11).toString('hex').toUpperCase()}`,
      replyToken,
      message: {
        id: String(500_000_000_000_000 + ++seq),
        type: 'text',
        quoteToken: randomBytes(8).toString('hex'),
        text: prefix + text,
        ...(o.mention ? { mention: { mentionees: [{ index: 0, length: prefix.length - 1, type: 'user', userId: FAKE_BOT_USER_ID, isSelf: true }] } } : {}),
      },
    };
  };

  return {
    baseUrl: server.baseUrl,
    accessToken,
    channelSecret,
    adapterConfig: (webhook) => ({
      channelAccessToken: accessToken,
      channelSecret,
      webhookHost: '127.0.0.1',
      webhookPort: webhook.port,
      webhookPath: webhook.path ?? '/line',
      apiRoot: server.baseUrl,
    }),
    setWebhook(url) {
      webhookUrl = url;
      notify();
    },
    textEvent,
    deliver(...events) {
      queue.push({ events, attempts: 0 });
      void pump();
    },
    postWebhook,
    drained: (timeoutMs = 5000) => until(() => (queue.length === 0 ? true : undefined), timeoutMs, 'webhooks to be delivered').then(() => undefined),
    sign,
    sent,
    images,
    waitForSent: (count, timeoutMs = 5000) => until(() => (sent.length >= count ? sent.slice(0, count) : undefined), timeoutMs, `${count} sent message(s)`),
    counters,
    expireReplyTokens() {
      for (const entry of replyTokens.values()) entry.issuedAt = 0;
    },
    rateLimitNext() {
      faults.rateLimit = true;
    },
    revokeToken() {
      revoked = true;
    },
    setFault(kind, on) {
      if (kind === 'drop') {
        faults.dropNext = true;
        server.server.closeAllConnections();
      } else if (kind === 'stall') faults.stall = on;
      else faults.error5xx = on;
      notify();
    },
    async close() {
      closed = true;
      clearTimeout(backoff);
      inflight.abort();
      notify();
      await server.close();
    },
  };
}
