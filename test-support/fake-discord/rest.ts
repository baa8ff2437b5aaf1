/**
 * The fake Discord REST API (`/api/v10`): the routes the adapter uses, with
 * Discord's error bodies (404 Unknown Channel, 403 Missing Access, 401, 429
 * with rate-limit headers) and a switchable 502 outage.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIMessage } from 'discord.js';
import { readJsonBody, sendJson } from '../http-server.js';
import type { FakeWorld } from './world.js';

/** One message the bot posted, as the platform received it. */
export interface SentMessage {
  id: string;
  channelId: string;
  content: string;
  replyToMessageId?: string;
  allowedMentions?: unknown;
  body: Record<string, unknown>;
}

/** Mutable REST-side state the fake's controls change. */
export interface RestState {
  token: string;
  revoked: boolean;
  outage: boolean;
  /** Pending 429s for POST …/messages: how many, and for how long. */
  rateLimit: { remaining: number; retryAfterMs: number; global: boolean };
  sent: SentMessage[];
  typing: string[];
  requests: { method: string; path: string; status: number }[];
}

/** What REST needs from the rest of the fake. */
export interface RestDeps {
  world: FakeWorld;
  state: RestState;
  gatewayUrl(): string;
  /** Echo a stored message to the gateway (Discord sends the bot's own messages too). */
  onMessageCreated(message: APIMessage): void;
  onChange(): void;
}

const API_PREFIX = '/api/v10';
const RATE_BUCKET = 'fake-messages-bucket';

function discordError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { message, code });
}

/** Build the request handler for the REST routes. */
export function createRestHandler(deps: RestDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { world, state } = deps;

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : null;
    const record = (status: number) => {
      state.requests.push({ method, path: url.pathname, status });
      deps.onChange();
    };
    if (path === null) {
      record(404);
      return discordError(res, 404, 0, '404: Not Found');
    }
    if (state.outage) {
      record(502);
      res.writeHead(502, { 'content-type': 'text/plain' });
      return void res.end('Bad Gateway');
    }
    if (req.headers.authorization !== `Bot ${state.token}` || state.revoked) {
      record(401);
      return discordError(res, 401, 0, '401: Unauthorized');
    }
    const body = method === 'POST' || method === 'PATCH' ? ((await readJsonBody(req).catch(() => undefined)) as Record<string, unknown> | undefined) : undefined;
    const status = await route(method, path, body ?? {}, url.searchParams, res);
    record(status);
  };

  async function route(method: string, path: string, body: Record<string, unknown>, query: URLSearchParams, res: ServerResponse): Promise<number> {
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      sendJson(res, 200, {
        url: deps.gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      });
      return 200;
    }
    if (method === 'GET' && path === '/gateway') {
      sendJson(res, 200, { url: deps.gatewayUrl() });
      return 200;
    }
    if (method === 'GET' && path === '/users/@me') {
      sendJson(res, 200, world.bot);
      return 200;
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = typeof body.recipient_id === 'string' ? body.recipient_id : '';
      const user = world.users.get(recipient);
      if (!user || user.bot) {
        discordError(res, 400, 50033, 'Invalid Recipient(s)');
        return 400;
      }
      sendJson(res, 200, world.dmChannelFor(recipient));
      return 200;
    }
    if (method === 'GET' && (m = path.match(/^\/channels\/(\d+)$/))) {
      const channel = world.channels.get(m[1]!);
      if (!channel) return notFoundChannel(res);
      sendJson(res, 200, channel);
      return 200;
    }
    if (method === 'GET' && (m = path.match(/^\/channels\/(\d+)\/messages$/))) {
      return listMessages(m[1]!, query, res);
    }
    if (method === 'GET' && (m = path.match(/^\/guilds\/(\d+)\/members\/(\d+)$/))) {
      const user = world.users.get(m[2]!);
      if (m[1] !== world.guildId || !user) {
        discordError(res, 404, 10007, 'Unknown Member');
        return 404;
      }
      sendJson(res, 200, { ...world.memberPayload(user.id), user: world.userPayload(user.id) });
      return 200;
    }
    if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/typing$/))) {
      if (!world.channels.has(m[1]!)) return notFoundChannel(res);
      if (m[1] === world.forbiddenChannelId) return missingAccess(res);
      state.typing.push(m[1]!);
      res.writeHead(204);
      res.end();
      return 204;
    }
    if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/messages$/))) {
      return createMessage(m[1]!, body, res);
    }
    discordError(res, 404, 0, '404: Not Found');
    return 404;
  }

  function createMessage(channelId: string, body: Record<string, unknown>, res: ServerResponse): number {
    if (state.rateLimit.remaining > 0) {
      state.rateLimit.remaining--;
      const seconds = state.rateLimit.retryAfterMs / 1000;
      sendJson(
        res,
        429,
        { message: 'You are being rate limited.', retry_after: seconds, global: state.rateLimit.global, code: 0 },
        {
          'retry-after': String(seconds),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(seconds),
          'x-ratelimit-bucket': RATE_BUCKET,
          'x-ratelimit-scope': state.rateLimit.global ? 'global' : 'user',
          ...(state.rateLimit.global ? { 'x-ratelimit-global': 'true' } : {}),
        },
      );
      return 429;
    }
    const channel = world.channels.get(channelId);
    if (!channel) return notFoundChannel(res);
    if (channelId === world.forbiddenChannelId) return missingAccess(res);
    const content = typeof body.content === 'string' ? body.content : '';
    if (!content.trim()) {
      discordError(res, 400, 50006, 'Cannot send an empty message');
      return 400;
    }
    if (content.length > 2000) {
      discordError(res, 400, 50035, 'Invalid Form Body: content must be 2000 or fewer in length.');
      return 400;
    }
    const ref = body.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
    const replyTo = ref?.message_id && world.messages.has(ref.message_id) ? ref.message_id : undefined;
    if (ref?.message_id && !replyTo && ref.fail_if_not_exists !== false) {
      discordError(res, 400, 50035, 'Invalid Form Body: message_reference: Unknown message');
      return 400;
    }
    const message = world.buildMessage({ authorId: world.bot.id, channelId, content, replyTo });
    state.sent.push({ id: message.id, channelId, content, replyToMessageId: replyTo, allowedMentions: body.allowed_mentions, body });
    // Discord names the bucket on every answer, so clients can track it before a 429.
    sendJson(res, 200, message, { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1', 'x-ratelimit-bucket': RATE_BUCKET });
    // Discord echoes the bot's own messages on the gateway; the adapter must ignore them.
    deps.onMessageCreated(message);
    return 200;
  }

  /** GET …/messages?after=&limit=: the oldest `limit` messages after `after`, newest first, as REST returns them (no member). */
  function listMessages(channelId: string, query: URLSearchParams, res: ServerResponse): number {
    if (!world.channels.has(channelId)) return notFoundChannel(res);
    if (channelId === world.forbiddenChannelId) return missingAccess(res);
    const after = BigInt(query.get('after') ?? '0');
    const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
    const list = [...world.messages.values()]
      .filter((msg) => msg.channel_id === channelId && BigInt(msg.id) > after)
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
      .slice(0, limit)
      .reverse()
      .map((msg) => {
        const { member: _member, guild_id: _guild, channel_type: _type, ...rest } = msg as typeof msg & { member?: unknown; guild_id?: unknown; channel_type?: unknown };
        return rest;
      });
    sendJson(res, 200, list);
    return 200;
  }

  function notFoundChannel(res: ServerResponse): number {
    discordError(res, 404, 10003, 'Unknown Channel');
    return 404;
  }

  function missingAccess(res: ServerResponse): number {
    discordError(res, 403, 50001, 'Missing Access');
    return 403;
  }
}
