/**
 * Microsoft's side of a Teams bot in tests, on one local HTTP server, as the
 * Bot Framework REST API documents it:
 *   GET  /v1/.well-known/openidconfiguration           OpenID metadata (issuer, jwks_uri)
 *   GET  /v1/.well-known/keys                          keys that sign the connector's requests (a test RSA key, endorsed for msteams)
 *   POST /{tenant}/oauth2/v2.0/token                   client-credentials grant for the bot (app id + secret)
 *   POST /teams/v3/conversations                       create a personal conversation
 *   POST /teams/v3/conversations/{id}/activities       send to a conversation (message or typing), recorded
 *   POST /teams/v3/conversations/{id}/activities/{id}  reply to an activity, recorded
 * and a sender that POSTs signed activities to the bot's messaging endpoint
 * the way the Bot Connector does, retrying on connection errors and 5xx
 * (activities are held, not lost, while the bot restarts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { readJsonBody, sendJson, startHttpServer, type StartedServer } from '../http-server.js';
import { Waiters } from '../wait-until.js';

export const FAKE_APP_ID = '00000000-0000-4000-8000-00000000b07a';
export const FAKE_APP_PASSWORD = 'fake~client~secret';
export const FAKE_TENANT_ID = '11111111-2222-4333-8444-555555555555';
export const BOT_ISSUER = 'https://api.botframework.com';
const KID = 'bf-key-1';

/** One activity the bot posted. */
export interface PostedActivity {
  /** Conversation id as addressed, `;messageid=` included. */
  conversationId: string;
  /** Without `;messageid=`. */
  conversation: string;
  type: string;
  text: string;
  textFormat?: string;
  /** The activity replied to (`/activities/{id}`), when it was a reply. */
  replyTo?: string;
  /** Attachments by URL (images Teams fetches itself). */
  attachments?: { contentType: string; contentUrl: string; name?: string }[];
  id: string;
}

/** Options for a request token; defaults are what the connector sends. */
export interface TokenOptions {
  audience?: string;
  issuer?: string;
  serviceUrl?: string | null;
  expiresInSec?: number;
  /** Sign with a key the connector does not publish (same kid, so only the signature betrays it). */
  foreignKey?: boolean;
}

/** Builders for activities. */
export interface ActivityOptions {
  mention?: boolean;
  /** Channel thread root; a new root post when absent. */
  threadRoot?: string;
  displayName?: string;
  channelId?: string;
  serviceUrl?: string;
}

/** A running fake. */
export interface FakeTeams {
  baseUrl: string;
  /** The service URL activities carry (`{baseUrl}/teams/`). */
  serviceUrl: string;
  /** Config for `channels.msteams` (webhook host/port/path are the caller's). */
  adapterConfig(webhook: { port: number; path?: string }): Record<string, unknown>;
  setWebhook(url: string): void;
  signToken(opts?: TokenOptions): Promise<string>;
  /** POST one activity once. `token: null` sends no Authorization; `rawBody` replaces the JSON. */
  postActivity(activity: unknown, opts?: { token?: string | null; rawBody?: string }): Promise<{ status: number; body: unknown }>;
  /** Queue an activity; it is delivered (with retries) in order. */
  deliver(activity: unknown): void;
  /** Resolves when every queued activity got an answer that ends its delivery. */
  drained(timeoutMs?: number): Promise<void>;
  personalConversation(user: string): string;
  dmActivity(user: string, text: string, opts?: ActivityOptions): Record<string, unknown>;
  channelActivity(user: string, channel: string, text: string, opts?: ActivityOptions): Record<string, unknown>;
  groupChatActivity(user: string, chat: string, text: string, opts?: ActivityOptions): Record<string, unknown>;
  posted: PostedActivity[];
  /** Messages only (typing activities left out). */
  messages(): PostedActivity[];
  waitForPosted(count: number, timeoutMs?: number): Promise<PostedActivity[]>;
  /** Resolves with `check()` once it is defined, re-checked whenever the fake records something. */
  until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T>;
  counters: { token: number; openid: number; keys: number; deliveries: number; created: number };
  /** `drop`: cut every connection now and the next token and API request; `stall`: token, keys, API and deliveries stop; `5xx`: the API answers 503. */
  setFault(kind: 'drop' | 'stall' | '5xx', on: boolean): void;
  /** The next API call answers 429 with this Retry-After. */
  rateLimitNext(retryAfterSec: number): void;
  /** Access tokens issued so far stop working (401 from the API). */
  revokeAccessTokens(): void;
  /** The client secret is deleted: the token endpoint answers invalid_client. */
  revokeSecret(): void;
  close(): Promise<void>;
}

let keyCache: Promise<{ connector: CryptoKeyPair; foreign: CryptoKeyPair }> | undefined;
type CryptoKeyPair = { publicKey: CryptoKey; privateKey: CryptoKey };
// RSA key generation is slow; one pair per test file is enough.
const testKeys = () => (keyCache ??= Promise.all([0, 1].map(() => generateKeyPair('RS256', { extractable: true }))).then(([connector, foreign]) => ({ connector, foreign })));

const connectorError = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { error: { code, message } }, headers);

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  req.setEncoding('utf8');
  for await (const chunk of req) text += chunk as string;
  return new URLSearchParams(text);
}

/** Start the fake; `tenantId` makes the bot single-tenant; `conversations` are the group chats and channels the bot is in. */
export async function startFakeTeams(opts: { tenantId?: string; conversations?: string[] } = {}): Promise<FakeTeams> {
  const { connector: keys, foreign } = await testKeys();
  const jwk: JWK & { endorsements: string[] } = { ...(await exportJWK(keys.publicKey)), kid: KID, use: 'sig', x5t: KID, endorsements: ['msteams', 'skype'] };
  const groups = new Set(opts.conversations ?? ['19:general@thread.tacv2']);
  const posted: PostedActivity[] = [];
  const counters = { token: 0, openid: 0, keys: 0, deliveries: 0, created: 0 };
  const faults = { stall: false, error5xx: false, dropToken: false, dropApi: false, rateLimit: 0 };
  const issued = new Set<string>();
  let secretRevoked = false;
  let webhookUrl: string | undefined;
  let closed = false;
  let seq = 0;
  const waiters = new Waiters();
  const notify = () => waiters.notify();
  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string) => waiters.until(check, timeoutMs, what);
  const unstalled = () => until(() => (!faults.stall || closed ? true : undefined), 2 ** 31 - 1, 'stall to end');
  const personalConversation = (user: string) => `a:dm-${user.replace(/^29:/, '')}`;
  const expectedTenant = opts.tenantId ?? 'botframework.com';

  const handleToken = async (req: IncomingMessage, res: ServerResponse, tenant: string) => {
    counters.token++;
    const form = await readForm(req);
    if (form.get('grant_type') !== 'client_credentials') return sendJson(res, 400, { error: 'unsupported_grant_type' });
    if (tenant !== expectedTenant || form.get('client_id') !== FAKE_APP_ID) {
      return sendJson(res, 400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory '${tenant}'.` });
    }
    if (secretRevoked || form.get('client_secret') !== FAKE_APP_PASSWORD) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    }
    if (form.get('scope') !== 'https://api.botframework.com/.default') return sendJson(res, 400, { error: 'invalid_scope' });
    const token = `eyJfake.bf-${++seq}`;
    issued.add(token);
    sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  };

  const record = (conversationId: string, body: Record<string, unknown>, replyTo?: string): string => {
    const id = `bot-${++seq}`;
    posted.push({
      conversationId,
      conversation: conversationId.split(';')[0]!,
      type: String(body.type),
      text: typeof body.text === 'string' ? body.text : '',
      ...(typeof body.textFormat === 'string' ? { textFormat: body.textFormat } : {}),
      ...(replyTo ? { replyTo } : {}),
      ...(Array.isArray(body.attachments) && body.attachments.length ? { attachments: body.attachments as NonNullable<PostedActivity['attachments']> } : {}),
      id,
    });
    notify();
    return id;
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !issued.has(token)) return connectorError(res, 401, 'Unauthorized', 'Authorization has been denied for this request.');
    if (faults.rateLimit) {
      const after = faults.rateLimit;
      faults.rateLimit = 0;
      return connectorError(res, 429, 'TooManyRequests', 'Too many requests.', { 'retry-after': String(after) });
    }
    if (faults.error5xx) return connectorError(res, 503, 'ServiceUnavailable', 'The service is currently unavailable.');
    if (req.method !== 'POST') return connectorError(res, 405, 'BadArgument', 'method not allowed');
    const body = ((await readJsonBody(req)) ?? {}) as Record<string, unknown>;
    if (path === '/v3/conversations') {
      const members = Array.isArray(body.members) ? (body.members as { id?: string }[]) : [];
      const user = members[0]?.id;
      if (body.isGroup !== false || members.length !== 1 || !user?.startsWith('29:') || typeof body.tenantId !== 'string') {
        return connectorError(res, 400, 'BadArgument', 'Incorrect conversation creation parameters');
      }
      counters.created++;
      return sendJson(res, 201, { id: personalConversation(user) });
    }
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (!m) return connectorError(res, 404, 'NotFound', 'Resource not found');
    const conversationId = decodeURIComponent(m[1]!);
    const base = conversationId.split(';')[0]!;
    if (!groups.has(base) && !base.startsWith('a:dm-')) return connectorError(res, 404, 'ConversationNotFound', 'Conversation not found.');
    if (base === '19:forbidden@thread.tacv2') return connectorError(res, 403, 'BotNotInConversationRoster', 'The bot is not part of the conversation roster.');
    if (body.type !== 'message' && body.type !== 'typing') return connectorError(res, 400, 'BadArgument', 'Unknown activity type');
    if (body.type === 'message' && typeof body.text === 'string' && body.text.length > 28_000) return connectorError(res, 413, 'MessageSizeTooBig', 'Message size too big.');
    const attachments = Array.isArray(body.attachments) ? (body.attachments as { contentType?: unknown; contentUrl?: unknown }[]) : [];
    if (attachments.some((a) => typeof a.contentType !== 'string' || (a.contentUrl !== undefined && (typeof a.contentUrl !== 'string' || !a.contentUrl.startsWith('https://'))))) {
      return connectorError(res, 400, 'BadArgument', 'Invalid attachment');
    }
    const id = record(conversationId, body, m[2] ? decodeURIComponent(m[2]) : undefined);
    sendJson(res, 201, { id });
  };

  const server: StartedServer & { server: Server } = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const tokenMatch = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    const isApi = url.pathname.startsWith('/teams/v3/');
    const isKeys = url.pathname.startsWith('/v1/.well-known/');
    if ((tokenMatch && faults.dropToken) || (isApi && faults.dropApi)) {
      if (tokenMatch) faults.dropToken = false;
      else faults.dropApi = false;
      req.socket.destroy();
      return;
    }
    if (faults.stall && (tokenMatch || isApi || isKeys)) await unstalled();
    if (closed) return void req.socket.destroy();
    if (url.pathname === '/v1/.well-known/openidconfiguration') {
      counters.openid++;
      return sendJson(res, 200, {
        issuer: BOT_ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${server.baseUrl}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (url.pathname === '/v1/.well-known/keys') {
      counters.keys++;
      return sendJson(res, 200, { keys: [jwk] });
    }
    if (tokenMatch && req.method === 'POST') return handleToken(req, res, decodeURIComponent(tokenMatch[1]!));
    if (isApi) return handleApi(req, res, url.pathname.slice('/teams'.length));
    connectorError(res, 404, 'NotFound', 'not found');
  });
  const serviceUrl = `${server.baseUrl}/teams/`;

  const signToken = async (t: TokenOptions = {}): Promise<string> => {
    const claims: Record<string, unknown> = { ver: '1.0' };
    if (t.serviceUrl !== null) claims.serviceUrl = t.serviceUrl ?? serviceUrl;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: KID, x5t: KID, typ: 'JWT' })
      .setIssuer(t.issuer ?? BOT_ISSUER)
      .setAudience(t.audience ?? FAKE_APP_ID)
      .setIssuedAt()
      .setNotBefore(Math.floor(Date.now() / 1000) - 60)
      .setExpirationTime(Math.floor(Date.now() / 1000) + (t.expiresInSec ?? 3600))
      .sign((t.foreignKey ? foreign.privateKey : keys.privateKey) as CryptoKey);
  };

  const inflight = new AbortController();
  const postActivity = async (activity: unknown, o: { token?: string | null; rawBody?: string } = {}) => {
    if (!webhookUrl) throw new Error('no webhook set');
    const token = o.token === undefined ? await signToken({ serviceUrl: (activity as { serviceUrl?: string } | undefined)?.serviceUrl ?? serviceUrl }) : o.token;
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Microsoft-SkypeBotApi (Microsoft-BotFramework 3.0)', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
      body: o.rawBody ?? JSON.stringify(activity),
      signal: AbortSignal.any([inflight.signal, AbortSignal.timeout(10_000)]),
    });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  };

  // In-order delivery with retries, like the connector resending activities an endpoint failed to accept.
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
      const status = await postActivity(queue[0]).then((r) => r.status, () => 0);
      if (status >= 200 && status < 500) {
        // 4xx is final: the connector does not resend what the endpoint refused.
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

  let activitySeq = 0;
  const tenantId = opts.tenantId ?? FAKE_TENANT_ID;
  const baseActivity = (user: string, conversation: Record<string, unknown>, text: string, o: ActivityOptions, id: string) => {
    const name = o.displayName ?? `User ${user.replace(/^29:/, '')}`;
    const botName = 'OpenClaw';
    return {
      type: 'message',
      id,
      timestamp: new Date().toISOString(),
      localTimestamp: new Date().toISOString(),
      serviceUrl: o.serviceUrl ?? serviceUrl,
      channelId: o.channelId ?? 'msteams',
      from: { id: user, name, aadObjectId: `aad-${user.replace(/^29:/, '')}` },
      conversation: { tenantId, ...conversation },
      recipient: { id: `28:${FAKE_APP_ID}`, name: botName },
      textFormat: 'plain',
      text: o.mention ? `<at>${botName}</at> ${text}` : text,
      attachments: [{ contentType: 'text/html', content: `<div>${text}</div>` }],
      entities: [
        ...(o.mention ? [{ type: 'mention', mentioned: { id: `28:${FAKE_APP_ID}`, name: botName }, text: `<at>${botName}</at>` }] : []),
        { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web' },
      ],
      channelData: { tenant: { id: tenantId } },
      locale: 'en-US',
    };
  };
  const nextId = () => `${Date.now()}${String(++activitySeq).padStart(4, '0')}`;

  return {
    baseUrl: server.baseUrl,
    serviceUrl,
    adapterConfig: (webhook) => ({
      appId: FAKE_APP_ID,
      appPassword: FAKE_APP_PASSWORD,
      ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
      webhookHost: '127.0.0.1',
      webhookPort: webhook.port,
      webhookPath: webhook.path ?? '/api/messages',
      openIdMetadataUrl: `${server.baseUrl}/v1/.well-known/openidconfiguration`,
      authorityHost: server.baseUrl,
      apiRoot: serviceUrl,
    }),
    setWebhook(url) {
      webhookUrl = url;
      notify();
    },
    signToken,
    postActivity,
    deliver(activity) {
      queue.push(activity);
      void pump();
    },
    drained: (timeoutMs = 5000) => until(() => (queue.length === 0 ? true : undefined), timeoutMs, 'activities to be delivered').then(() => undefined),
    personalConversation,
    dmActivity: (user, text, o = {}) => baseActivity(user, { conversationType: 'personal', id: personalConversation(user) }, text, o, nextId()),
    channelActivity(user, channel, text, o = {}) {
      const id = nextId();
      const root = o.threadRoot ?? id;
      const activity = baseActivity(user, { isGroup: true, conversationType: 'channel', id: `${channel};messageid=${root}`, name: 'General' }, text, o, id);
      return {
        ...activity,
        ...(o.threadRoot ? { replyToId: o.threadRoot } : {}),
        channelData: { ...activity.channelData, teamsChannelId: channel, teamsTeamId: '19:team@thread.tacv2', channel: { id: channel }, team: { id: '19:team@thread.tacv2' } },
      };
    },
    groupChatActivity: (user, chat, text, o = {}) => baseActivity(user, { isGroup: true, conversationType: 'groupChat', id: chat }, text, o, nextId()),
    posted,
    messages: () => posted.filter((p) => p.type === 'message'),
    waitForPosted: (count, timeoutMs = 5000) => until(() => (posted.length >= count ? posted.slice(0, count) : undefined), timeoutMs, `${count} posted activities`),
    until,
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
    revokeSecret() {
      secretRevoked = true;
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
