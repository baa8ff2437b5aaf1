/**
 * A local fake of the Twitch HTTP and EventSub endpoints the Twitch plugin
 * calls, written from Twitch's API reference, on one loopback port:
 * - `GET /oauth2/validate` (id.twitch.tv's token check);
 * - Helix `GET /helix/users?login=`, `POST /helix/eventsub/subscriptions`
 *   (WebSocket transport only) and `POST /helix/whispers`, each checking the
 *   bearer token, the Client-Id and the scope Twitch requires;
 * - the EventSub WebSocket at `/ws`: `session_welcome` first, keepalives on
 *   silence, notifications for subscribed sessions only; subscriptions end
 *   with their socket, as on Twitch.
 * People whisper the bot with `whisper(login, text)`; what the bot whispers
 * is recorded in `whispersSent`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { readJsonBody, sendJson, startHttpServer, type StartedServer } from '../http-server.js';
import { Waiters } from '../wait-until.js';

export const FAKE_CLIENT_ID = 'fakeclientid0123456789';
export const FAKE_BOT_USER_ID = '90000001';

/** One whisper the bot sent. */
export interface SentWhisper {
  to: string;
  text: string;
}

/** Twitch's token check, Helix and EventSub for one bot token. */
export interface FakeTwitchId extends StartedServer {
  token: string;
  calls: number;
  revoke(): void;
  scopes: string[];
  /** `ws://…/ws`, the EventSub WebSocket endpoint. */
  eventSubUrl: string;
  /** Whispers the bot sent, in order. */
  whispersSent: SentWhisper[];
  /** Someone whispers the bot; resolves once a subscribed session has been sent it (waits for one). */
  whisper(fromLogin: string, text: string, opts?: { messageId?: string }): Promise<void>;
  /** Answer the next `count` Send Whisper calls with 429 and a reset `resetInSec` from now. */
  limitWhispers(count: number, resetInSec: number): void;
  /** Cut every EventSub connection. */
  dropEventSub(): void;
  /**
   * Twitch moves the sessions to another edge: each gets `session_reconnect` with a URL; a
   * connection there is welcomed with the same session's subscriptions, and the old one closes.
   */
  reconnectEventSub(): void;
  /** Ids of the sessions with a whisper subscription. */
  subscribedSessionIds(): string[];
  /** EventSub connections open now. */
  openSessions(): number;
  /** EventSub sessions with an enabled whisper subscription. */
  subscribedSessions(): number;
  /** Resolves once `check` holds, re-checked on every change. */
  until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T>;
}

interface Session {
  id: string;
  ws: WebSocket;
  keepalive?: NodeJS.Timeout;
  keepaliveSec: number;
  whisperSub?: string;
}

export async function startFakeTwitchApi(token: string, login: string, people: string[]): Promise<FakeTwitchId> {
  let revoked = false;
  const state = { calls: 0, scopes: ['chat:read', 'chat:edit'] };
  const users = new Map<string, string>([[login, FAKE_BOT_USER_ID], ...people.map((p, i): [string, string] => [p, String(1001 + i)])]);
  const loginOf = (id: string) => [...users].find(([, v]) => v === id)?.[0];
  const sessions = new Map<string, Session>();
  const whispersSent: SentWhisper[] = [];
  const waiters = new Waiters();
  let limited = { count: 0, resetInSec: 1 };

  const helixAuth = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (revoked || req.headers.authorization !== `Bearer ${token}`) {
      sendJson(res, 401, { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' });
      return false;
    }
    if (req.headers['client-id'] !== FAKE_CLIENT_ID) {
      sendJson(res, 401, { error: 'Unauthorized', status: 401, message: 'Client ID and OAuth token do not match' });
      return false;
    }
    return true;
  };

  const server = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/oauth2/validate') {
      state.calls++;
      if (revoked || req.headers.authorization !== `OAuth ${token}`) return sendJson(res, 401, { status: 401, message: 'invalid access token' });
      return sendJson(res, 200, { client_id: FAKE_CLIENT_ID, login, scopes: state.scopes, user_id: FAKE_BOT_USER_ID, expires_in: 5_000_000 });
    }
    if (req.method === 'GET' && url.pathname === '/helix/users') {
      if (!helixAuth(req, res)) return;
      const data = url.searchParams.getAll('login').flatMap((l) => {
        const id = users.get(l.toLowerCase());
        return id ? [{ id, login: l.toLowerCase(), display_name: l, type: '', broadcaster_type: '' }] : [];
      });
      return sendJson(res, 200, { data });
    }
    if (req.method === 'POST' && url.pathname === '/helix/eventsub/subscriptions') {
      if (!helixAuth(req, res)) return;
      const body = (await readJsonBody(req)) as { type?: string; version?: string; condition?: { user_id?: string }; transport?: { method?: string; session_id?: string } };
      if (body?.type !== 'user.whisper.message' || body.version !== '1') return sendJson(res, 400, { error: 'Bad Request', status: 400, message: 'unsupported subscription type' });
      if (body.transport?.method !== 'websocket') return sendJson(res, 400, { error: 'Bad Request', status: 400, message: 'transport method must be websocket' });
      const session = sessions.get(body.transport.session_id ?? '');
      if (!session) return sendJson(res, 400, { error: 'Bad Request', status: 400, message: 'websocket transport session does not exist or has already disconnected' });
      if (!state.scopes.some((s) => s === 'user:read:whispers' || s === 'user:manage:whispers')) {
        return sendJson(res, 403, { error: 'Forbidden', status: 403, message: 'subscription missing proper authorization' });
      }
      if (body.condition?.user_id !== FAKE_BOT_USER_ID) return sendJson(res, 403, { error: 'Forbidden', status: 403, message: 'subscription missing proper authorization' });
      session.whisperSub = randomUUID();
      waiters.notify();
      const sub = {
        id: session.whisperSub,
        status: 'enabled',
        type: body.type,
        version: '1',
        condition: body.condition,
        created_at: new Date().toISOString(),
        transport: { method: 'websocket', session_id: session.id, connected_at: new Date().toISOString() },
        cost: 0,
      };
      return sendJson(res, 202, { data: [sub], total: 1, total_cost: 0, max_total_cost: 10 });
    }
    if (req.method === 'POST' && url.pathname === '/helix/whispers') {
      if (!helixAuth(req, res)) return;
      if (!state.scopes.includes('user:manage:whispers')) return sendJson(res, 401, { error: 'Unauthorized', status: 401, message: 'Missing scope: user:manage:whispers' });
      const from = url.searchParams.get('from_user_id');
      const to = loginOf(url.searchParams.get('to_user_id') ?? '');
      const body = (await readJsonBody(req)) as { message?: unknown };
      if (from !== FAKE_BOT_USER_ID) return sendJson(res, 400, { error: 'Bad Request', status: 400, message: 'from_user_id must match the user in the token' });
      if (!to) return sendJson(res, 404, { error: 'Not Found', status: 404, message: 'to_user_id not found' });
      if (typeof body?.message !== 'string' || !body.message) return sendJson(res, 400, { error: 'Bad Request', status: 400, message: 'message must not be empty' });
      if (limited.count > 0) {
        limited.count--;
        const reset = Math.floor(Date.now() / 1000) + limited.resetInSec;
        return sendJson(res, 429, { error: 'Too Many Requests', status: 429, message: 'too many whispers' }, { 'ratelimit-reset': String(reset), 'ratelimit-remaining': '0' });
      }
      whispersSent.push({ to, text: body.message });
      waiters.notify();
      res.writeHead(204).end();
      return;
    }
    sendJson(res, 404, { error: 'Not Found', status: 404, message: 'Not Found' });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      const asked = Number(url.searchParams.get('keepalive_timeout_seconds') ?? 10);
      const session: Session = { id: randomUUID(), ws, keepaliveSec: Math.min(600, Math.max(10, Number.isFinite(asked) ? Math.round(asked) : 10)) };
      // A reconnect URL carries the old session's subscriptions over; the old connection then ends.
      const from = sessions.get(url.searchParams.get('reconnect') ?? '');
      if (from) {
        session.whisperSub = from.whisperSub;
        session.keepaliveSec = from.keepaliveSec;
        from.whisperSub = undefined;
        setTimeout(() => from.ws.close(4004, 'reconnect grace time expired'), 100).unref();
      }
      sessions.set(session.id, session);
      send(session, 'session_welcome', {
        session: { id: session.id, status: 'connected', keepalive_timeout_seconds: session.keepaliveSec, reconnect_url: null, connected_at: new Date().toISOString() },
      });
      ws.on('message', () => ws.close(4001, 'client sent inbound traffic'));
      ws.on('close', () => {
        clearTimeout(session.keepalive);
        sessions.delete(session.id);
        waiters.notify();
      });
      waiters.notify();
    });
  });

  function send(session: Session, type: string, payload: unknown, extra: Record<string, string> = {}, messageId: string = randomUUID()): void {
    if (session.ws.readyState !== session.ws.OPEN) return;
    session.ws.send(JSON.stringify({ metadata: { message_id: messageId, message_type: type, message_timestamp: new Date().toISOString(), ...extra }, payload }));
    clearTimeout(session.keepalive);
    session.keepalive = setTimeout(() => send(session, 'session_keepalive', {}), session.keepaliveSec * 1000);
    session.keepalive.unref();
  }

  const subscribed = () => [...sessions.values()].filter((s) => s.whisperSub);
  return {
    baseUrl: server.baseUrl,
    eventSubUrl: `${server.baseUrl.replace(/^http/, 'ws')}/ws`,
    token,
    whispersSent,
    get calls() {
      return state.calls;
    },
    revoke: () => void (revoked = true),
    get scopes() {
      return state.scopes;
    },
    set scopes(v: string[]) {
      state.scopes = v;
    },
    async whisper(fromLogin, text, opts = {}) {
      const fromId = users.get(fromLogin);
      if (!fromId) throw new Error(`unknown Twitch user ${fromLogin}`);
      const targets = await waiters.until(() => (subscribed().length ? subscribed() : undefined), 2 ** 31 - 1, 'a whisper subscription');
      const messageId: string = opts.messageId ?? randomUUID();
      for (const s of targets) {
        send(
          s,
          'notification',
          {
            subscription: { id: s.whisperSub, status: 'enabled', type: 'user.whisper.message', version: '1', condition: { user_id: FAKE_BOT_USER_ID }, transport: { method: 'websocket', session_id: s.id }, created_at: new Date().toISOString(), cost: 0 },
            event: { from_user_id: fromId, from_user_login: fromLogin, from_user_name: fromLogin, to_user_id: FAKE_BOT_USER_ID, to_user_login: login, to_user_name: login, whisper_id: `w-${messageId}`, whisper: { text } },
          },
          { subscription_type: 'user.whisper.message', subscription_version: '1' },
          messageId,
        );
      }
    },
    limitWhispers(count, resetInSec) {
      limited = { count, resetInSec };
    },
    dropEventSub() {
      for (const s of sessions.values()) s.ws.terminate();
    },
    reconnectEventSub() {
      for (const s of [...sessions.values()]) {
        const reconnectUrl = `${server.baseUrl.replace(/^http/, 'ws')}/ws?reconnect=${s.id}`;
        send(s, 'session_reconnect', { session: { id: s.id, status: 'reconnecting', keepalive_timeout_seconds: null, reconnect_url: reconnectUrl, connected_at: new Date().toISOString() } });
      }
    },
    subscribedSessionIds: () => subscribed().map((s) => s.id),
    openSessions: () => sessions.size,
    subscribedSessions: () => subscribed().length,
    until: (check, timeoutMs, what) => waiters.until(check, timeoutMs, what),
    async close() {
      for (const s of sessions.values()) s.ws.terminate();
      wss.close();
      await server.close();
    },
  };
}
