/**
 * Google's side of Google Chat in tests, on one local HTTP server:
 *   GET  /jwks                                  keys that sign Chat's request tokens (a test RSA key)
 *   POST /token                                 OAuth token endpoint; verifies the service-account assertion
 *   POST /v1/spaces/{space}/messages            spaces.messages.create, recorded
 *   GET  /v1/spaces:findDirectMessage?name=…    the DM space of a user
 * and a sender that POSTs signed events to the adapter's endpoint the way Chat
 * does, retrying on connection errors and 5xx (messages are held, not lost,
 * while the adapter restarts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { exportJWK, exportPKCS8, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import { readJsonBody, sendJson, startHttpServer, type StartedServer } from '../http-server.js';
import { Waiters } from '../wait-until.js';

export const FAKE_CHAT_ISSUER = 'chat@system.gserviceaccount.com';
export const FAKE_PROJECT_NUMBER = '123456789012';
/** The public URL the Chat app is configured with (app-url audience). */
export const FAKE_APP_URL = 'https://openclaw.example.com/googlechat';
export const FAKE_BOT_USER = 'users/9000';
const CHAT_KID = 'chat-key-1';

/** One message the app posted. */
export interface PostedMessage {
  name: string;
  space: string;
  text: string;
  thread?: string;
  replyOption?: string;
}

/** Options for a request token; defaults are what Chat sends for the configured audience type. */
export interface TokenOptions {
  audience?: string;
  issuer?: string;
  email?: string;
  expiresInSec?: number;
  /** Sign with a key Chat does not publish (same kid, so only the signature betrays it). */
  foreignKey?: boolean;
}

/** Builders for events. */
export interface EventOptions {
  mention?: boolean;
  threadName?: string;
  threadReply?: boolean;
  displayName?: string;
}

/** A running fake. */
export interface FakeGoogleChat {
  baseUrl: string;
  audienceType: 'app-url' | 'project-number';
  serviceAccount: Record<string, string>;
  /** Config for `channels.googlechat` (webhook host/port/path are the caller's). */
  adapterConfig(webhook: { port: number; path?: string }): Record<string, unknown>;
  /** Where Chat posts events. */
  setWebhook(url: string): void;
  signToken(opts?: TokenOptions): Promise<string>;
  /** POST one event once. `token: null` sends no Authorization; `rawBody` replaces the JSON. */
  postEvent(event: unknown, opts?: { token?: string | null; rawBody?: string }): Promise<{ status: number; body: unknown }>;
  /** Queue an event; it is delivered (with retries) in order. */
  deliver(event: unknown): void;
  /** Resolves when every queued event got a 200. */
  drained(timeoutMs?: number): Promise<void>;
  dmSpace(user: string): string;
  dmEvent(user: string, text: string, opts?: EventOptions): Record<string, unknown>;
  spaceEvent(user: string, space: string, text: string, opts?: EventOptions): Record<string, unknown>;
  posted: PostedMessage[];
  waitForPosted(count: number, timeoutMs?: number): Promise<PostedMessage[]>;
  counters: { token: number; jwks: number; deliveries: number };
  /** `drop`: cut every connection now and the next token and API request; `stall`: token, JWKS, API and events stop; `5xx`: the API answers 503. */
  setFault(kind: 'drop' | 'stall' | '5xx', on: boolean): void;
  /** The next API call answers 429 with this Retry-After. */
  rateLimitNext(retryAfterSec: number): void;
  /** Access tokens issued so far stop working (401 from the API). */
  revokeAccessTokens(): void;
  /** The service-account key is deleted: the token endpoint answers invalid_grant. */
  revokeServiceAccount(): void;
  close(): Promise<void>;
}

// RSA key generation is slow; one set per test file is enough (each fake still has its own server and state).
let keyCache: Promise<{ chat: CryptoKeyPair; foreign: CryptoKeyPair; account: CryptoKeyPair }> | undefined;
type CryptoKeyPair = { publicKey: CryptoKey; privateKey: CryptoKey };
const testKeys = () =>
  (keyCache ??= Promise.all([0, 1, 2].map(() => generateKeyPair('RS256', { extractable: true }))).then(([chat, foreign, account]) => ({ chat, foreign, account })));

const googleError = (res: ServerResponse, code: number, status: string, message: string) => sendJson(res, code, { error: { code, message, status } });

/** Start the fake; `audienceType` picks the token form Chat sends. */
export async function startFakeGoogleChat(opts: { audienceType?: 'app-url' | 'project-number'; spaces?: string[] } = {}): Promise<FakeGoogleChat> {
  const audienceType = opts.audienceType ?? 'project-number';
  const { chat: chatKeys, foreign: foreignKeys, account: saKeys } = await testKeys();
  const chatJwk: JWK = { ...(await exportJWK(chatKeys.publicKey)), kid: CHAT_KID, alg: 'RS256', use: 'sig' };
  const groupSpaces = new Set(opts.spaces ?? ['spaces/AAAA']);
  const posted: PostedMessage[] = [];
  const counters = { token: 0, jwks: 0, deliveries: 0 };
  const faults = { stall: false, error5xx: false, dropToken: false, dropApi: false, rateLimit: 0 };
  const issued = new Set<string>();
  let saRevoked = false;
  let webhookUrl: string | undefined;
  let closed = false;
  let seq = 0;
  const waiters = new Waiters();
  const notify = () => waiters.notify();
  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string) => waiters.until(check, timeoutMs, what);
  const unstalled = () => until(() => (!faults.stall || closed ? true : undefined), 2 ** 31 - 1, 'stall to end');

  const tokenUri = () => `${server.baseUrl}/token`;
  const dmSpace = (user: string) => `spaces/dm${user.replace(/^users\//, '')}`;

  const handleToken = async (req: IncomingMessage, res: ServerResponse) => {
    counters.token++;
    const form = new URLSearchParams(await new Promise<string>((resolve) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (text += c));
      req.on('end', () => resolve(text));
    }));
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return sendJson(res, 400, { error: 'unsupported_grant_type' });
    if (saRevoked) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid grant: account not found' });
    try {
      const { payload } = await jwtVerify(form.get('assertion') ?? '', saKeys.publicKey, { issuer: fakeAccount.client_email, audience: tokenUri() });
      if (payload.scope !== 'https://www.googleapis.com/auth/chat.bot') return sendJson(res, 400, { error: 'invalid_scope' });
    } catch {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    }
    const token = `ya29.fake-${++seq}`;
    issued.add(token);
    sendJson(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !issued.has(token)) return googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (faults.rateLimit) {
      const after = faults.rateLimit;
      faults.rateLimit = 0;
      res.setHeader('retry-after', String(after));
      return googleError(res, 429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.');
    }
    if (faults.error5xx) return googleError(res, 503, 'UNAVAILABLE', 'The service is currently unavailable.');
    if (req.method === 'GET' && url.pathname === '/v1/spaces:findDirectMessage') {
      const user = url.searchParams.get('name') ?? '';
      if (!/^users\/\d+$/.test(user)) return googleError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
      return sendJson(res, 200, { name: dmSpace(user), spaceType: 'DIRECT_MESSAGE', singleUserBotDm: true });
    }
    const m = /^\/v1\/(spaces\/[^/]+)\/messages$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return googleError(res, 404, 'NOT_FOUND', 'Method not found.');
    const space = m[1];
    if (space === 'spaces/FORBIDDEN') return googleError(res, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
    if (!groupSpaces.has(space) && !space.startsWith('spaces/dm')) return googleError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
    const body = (await readJsonBody(req)) as { text?: string; thread?: { name?: string } };
    const name = `${space}/messages/bot-${++seq}`;
    const thread = body.thread?.name;
    posted.push({ name, space, text: body.text ?? '', ...(thread ? { thread } : {}), ...(url.searchParams.get('messageReplyOption') ? { replyOption: url.searchParams.get('messageReplyOption') ?? '' } : {}) });
    notify();
    sendJson(res, 200, { name, text: body.text, thread: { name: thread ?? `${space}/threads/t${seq}` }, createTime: new Date().toISOString(), sender: { name: FAKE_BOT_USER, type: 'BOT' } });
  };

  const server: StartedServer & { server: Server } = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const isToken = url.pathname === '/token';
    const isApi = url.pathname.startsWith('/v1/');
    if ((isToken && faults.dropToken) || (isApi && faults.dropApi)) {
      if (isToken) faults.dropToken = false;
      else faults.dropApi = false;
      req.socket.destroy();
      return;
    }
    if (faults.stall && (isToken || isApi || url.pathname === '/jwks')) await unstalled();
    if (closed) return void req.socket.destroy();
    if (url.pathname === '/jwks') {
      counters.jwks++;
      return sendJson(res, 200, { keys: [chatJwk] });
    }
    if (isToken && req.method === 'POST') return handleToken(req, res);
    if (isApi) return handleApi(req, res, url);
    googleError(res, 404, 'NOT_FOUND', 'not found');
  });

  const fakeAccount = {
    type: 'service_account',
    project_id: 'openclaw-test',
    private_key_id: 'sa-key-1',
    private_key: await exportPKCS8(saKeys.privateKey),
    client_email: 'openclaw-bot@openclaw-test.iam.gserviceaccount.com',
    client_id: '100000000000000000001',
    token_uri: `${server.baseUrl}/token`,
  };

  const signToken = async (t: TokenOptions = {}): Promise<string> => {
    const appUrl = audienceType === 'app-url';
    const jwt = new SignJWT(appUrl ? { email: t.email ?? FAKE_CHAT_ISSUER, email_verified: true } : {})
      .setProtectedHeader({ alg: 'RS256', kid: CHAT_KID, typ: 'JWT' })
      .setIssuer(t.issuer ?? (appUrl ? 'https://accounts.google.com' : FAKE_CHAT_ISSUER))
      .setAudience(t.audience ?? (appUrl ? FAKE_APP_URL : FAKE_PROJECT_NUMBER))
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + (t.expiresInSec ?? 3600));
    return jwt.sign((t.foreignKey ? foreignKeys.privateKey : chatKeys.privateKey) as CryptoKey);
  };

  const inflight = new AbortController();
  const postEvent = async (event: unknown, o: { token?: string | null; rawBody?: string } = {}) => {
    if (!webhookUrl) throw new Error('no webhook set');
    const token = o.token === undefined ? await signToken() : o.token;
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Google-Dynamite', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
      body: o.rawBody ?? JSON.stringify(event),
      signal: AbortSignal.any([inflight.signal, AbortSignal.timeout(10_000)]),
    });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  };

  // In-order delivery with retries, like Chat resending events an endpoint failed to accept.
  const queue: unknown[] = [];
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
      counters.deliveries++;
      const status = await postEvent(queue[0]).then((r) => r.status, () => 0);
      if (status === 200 || status === 400 || status === 401 || status === 413) {
        // 4xx is final: Chat does not resend what the endpoint refused.
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

  let eventSeq = 0;
  const baseEvent = (user: string, space: Record<string, unknown>, text: string, o: EventOptions) => {
    const id = `m${++eventSeq}-${Date.now().toString(36)}`;
    const sender = { name: user, displayName: o.displayName ?? `User ${user.slice(6)}`, type: 'HUMAN' };
    const now = new Date().toISOString();
    return {
      type: 'MESSAGE',
      eventTime: now,
      space,
      user: sender,
      message: {
        name: `${String(space.name)}/messages/${id}`,
        sender,
        createTime: now,
        text: o.mention ? `@OpenClaw ${text}` : text,
        argumentText: text,
        thread: { name: o.threadName ?? `${String(space.name)}/threads/${id}` },
        ...(o.threadReply ? { threadReply: true } : {}),
        space: { name: space.name },
        ...(o.mention
          ? { annotations: [{ type: 'USER_MENTION', startIndex: 0, length: 9, userMention: { user: { name: FAKE_BOT_USER, displayName: 'OpenClaw', type: 'BOT' }, type: 'MENTION' } }] }
          : {}),
      },
    };
  };

  return {
    baseUrl: server.baseUrl,
    audienceType,
    serviceAccount: fakeAccount,
    adapterConfig: (webhook) => ({
      serviceAccount: fakeAccount,
      audienceType,
      audience: audienceType === 'app-url' ? FAKE_APP_URL : FAKE_PROJECT_NUMBER,
      webhookHost: '127.0.0.1',
      webhookPort: webhook.port,
      webhookPath: webhook.path ?? '/googlechat',
      apiRoot: server.baseUrl,
      tokenUri: `${server.baseUrl}/token`,
      certsUrl: `${server.baseUrl}/jwks`,
      botUser: FAKE_BOT_USER,
    }),
    setWebhook(url) {
      webhookUrl = url;
      notify();
    },
    signToken,
    postEvent,
    deliver(event) {
      queue.push(event);
      void pump();
    },
    drained: (timeoutMs = 5000) => until(() => (queue.length === 0 ? true : undefined), timeoutMs, 'events to be delivered').then(() => undefined),
    dmSpace,
    dmEvent: (user, text, o = {}) => baseEvent(user, { name: dmSpace(user), type: 'DM', spaceType: 'DIRECT_MESSAGE', singleUserBotDm: true }, text, o),
    spaceEvent: (user, space, text, o = {}) => baseEvent(user, { name: space, type: 'ROOM', spaceType: 'SPACE', displayName: 'Team' }, text, o),
    posted,
    waitForPosted: (count, timeoutMs = 5000) => until(() => (posted.length >= count ? posted.slice(0, count) : undefined), timeoutMs, `${count} posted message(s)`),
    counters,
    setFault(kind, on) {
      if (kind === 'drop') {
        faults.dropToken = true;
        faults.dropApi = true;
        server.server.closeAllConnections();
      } else if (kind === 'stall') faults.stall = on;
      else faults.error5xx = on;
      notify();
    },
    rateLimitNext(sec) {
      faults.rateLimit = sec;
    },
    revokeAccessTokens: () => issued.clear(),
    revokeServiceAccount() {
      saRevoked = true;
      issued.clear();
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
