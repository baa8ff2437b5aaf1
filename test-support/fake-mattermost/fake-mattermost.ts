/**
 * A local Mattermost server, written from Mattermost's published API
 * reference: the REST routes a bot uses under `/api/v4` (Bearer token,
 * `{id, message, status_code}` error bodies, the rate limiter's 429 with
 * `X-Ratelimit-*` headers) and the WebSocket at `/api/v4/websocket`
 * (`authentication_challenge`, `hello`, `posted` with the post as a JSON
 * string in `data.post`, `seq` counted from 0 per connection, `ping` → `pong`,
 * `user_typing`). Every connection is a new one (a fresh `connection_id`): as
 * on a real server after its reconnect buffer is gone, what was posted while
 * no socket listened must be read back over REST (`GET
 * /channels/{id}/posts?since=`).
 *
 * Faults: `drop` terminates every socket; `stall` makes sockets silent (no
 * hello, events or pongs; nothing is closed) until lifted; `5xx` answers
 * every REST call with 500 until lifted. Posts made meanwhile are stored.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { readJsonBody, sendJson, startHttpServer, type StartedServer } from '../http-server.js';

/** A Mattermost id: 26 lowercase letters and digits. */
export function mattermostId(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyz13456789';
  return [...randomBytes(26)].map((b) => alphabet[b % alphabet.length]).join('');
}

export interface FakeUser {
  id: string;
  username: string;
  is_bot?: boolean;
}

export interface FakeChannel {
  id: string;
  /** `O` open, `P` private, `D` direct, `G` group DM. */
  type: 'O' | 'P' | 'D' | 'G';
  name: string;
  display_name: string;
  team_id: string;
  members: string[];
}

/** A post as the REST API returns it. */
export interface FakePost {
  id: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
  is_pinned: boolean;
  user_id: string;
  channel_id: string;
  root_id: string;
  original_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
  hashtags: string;
  pending_post_id: string;
  reply_count: number;
  metadata: Record<string, unknown>;
}

export type FakeMattermostFault = 'drop' | 'stall' | '5xx';

/** The fake server. */
export class FakeMattermost {
  readonly teamId = mattermostId();
  readonly bot: FakeUser = { id: mattermostId(), username: 'openclaw', is_bot: true };
  readonly humans: FakeUser[] = ['alice', 'bob', 'carol'].map((username) => ({ id: mattermostId(), username }));
  readonly town: FakeChannel;
  token = `mm-${randomBytes(12).toString('hex')}`;
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly posts: FakePost[] = [];
  /** Uploaded files: FileInfo and bytes. */
  readonly files = new Map<string, { info: Record<string, unknown>; bytes: Buffer }>();
  /** user_typing actions and REST typing calls: channel and parent ids. */
  readonly typing: { channelId: string; parentId: string; via: 'ws' | 'rest' }[] = [];
  /** Every REST call and its status. */
  readonly calls: { method: string; path: string; status: number }[] = [];
  /** Sockets that completed the authentication challenge. */
  connectionsOpened = 0;
  /** The next N REST writes answer 429 with this reset (seconds). */
  rateLimit: { remaining: number; resetSeconds: number } = { remaining: 0, resetSeconds: 1 };

  private http!: StartedServer & { server: Server };
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Map<WebSocket, { authed: boolean; seq: number }>();
  private readonly changes = new EventEmitter();
  private stalled = false;
  private failing5xx = false;
  private clock = 0;

  /** The world (users, team, Town Square) exists at once; `listen()` starts serving it. */
  constructor() {
    this.changes.setMaxListeners(0);
    for (const u of [this.bot, ...this.humans]) this.users.set(u.id, u);
    this.town = { id: mattermostId(), type: 'O', name: 'town-square', display_name: 'Town Square', team_id: this.teamId, members: [this.bot.id, ...this.humans.map((h) => h.id)] };
    this.channels.set(this.town.id, this.town);
  }

  /** Listen on 127.0.0.1, an ephemeral port. */
  async listen(): Promise<this> {
    this.http = await startHttpServer((req, res) => this.onRequest(req, res));
    this.http.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    return this;
  }

  static start(): Promise<FakeMattermost> {
    return new FakeMattermost().listen();
  }

  /** The site URL to put in `channels.mattermost.serverUrl`. */
  get serverUrl(): string {
    return this.http.baseUrl;
  }

  /** The DM channel between the bot and a user (created on first use, as `POST /channels/direct` does). */
  directChannel(a: string, b: string): FakeChannel {
    const name = [a, b].sort().join('__');
    const found = [...this.channels.values()].find((c) => c.type === 'D' && c.name === name);
    if (found) return found;
    const channel: FakeChannel = { id: mattermostId(), type: 'D', name, display_name: '', team_id: '', members: [a, b] };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /**
   * A user posts; mentions are computed as the server does (`@username` in the text). `files` are
   * uploaded first, as clients do (`POST /files`, then the post with their `file_ids`); the post then
   * carries their FileInfo in `metadata.files`, and `GET /files/{id}` serves the bytes.
   */
  say(opts: { from: string; channelId: string; text: string; rootId?: string; files?: { name: string; mimeType: string; bytes: Buffer }[] }): FakePost {
    const fileIds = (opts.files ?? []).map((f) => this.storeFile(opts.from, opts.channelId, f));
    return this.createPost(opts.from, { channel_id: opts.channelId, message: opts.text, root_id: opts.rootId ?? '', file_ids: fileIds });
  }

  private storeFile(userId: string, channelId: string, f: { name: string; mimeType: string; bytes: Buffer }): string {
    const id = mattermostId();
    const at = this.now();
    const info = { id, user_id: userId, channel_id: channelId, post_id: '', create_at: at, update_at: at, delete_at: 0, name: f.name, extension: f.name.split('.').pop() ?? '', size: f.bytes.length, mime_type: f.mimeType, has_preview_image: f.mimeType.startsWith('image/') };
    this.files.set(id, { info, bytes: f.bytes });
    return id;
  }

  /** Posts the bot made in a channel, oldest first. */
  botPostsIn(channelId: string): FakePost[] {
    return this.posts.filter((p) => p.channel_id === channelId && p.user_id === this.bot.id);
  }

  /** Resolves when `pred` holds (checked after every change), or rejects after `timeoutMs`. */
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
        reject(new Error(`fake Mattermost: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.changes.on('change', check);
    });
  }

  setFault(kind: FakeMattermostFault, on: boolean): void {
    if (kind === 'drop') {
      if (on) for (const ws of this.sockets.keys()) ws.terminate();
    } else if (kind === 'stall') {
      this.stalled = on;
      if (!on) for (const [ws, s] of this.sockets) if (!s.authed) ws.terminate();
    } else this.failing5xx = on;
  }

  /** Revoke the bot token: REST answers 401 and sockets are closed. */
  revokeToken(): void {
    this.token = `revoked-${this.token}`;
    for (const ws of this.sockets.keys()) ws.close(1000);
  }

  openSockets(): number {
    return [...this.sockets.values()].filter((s) => s.authed).length;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets.keys()) ws.terminate();
    this.wss.close();
    await this.http?.close();
  }

  // ---- posts and events ----------------------------------------------------------

  private now(): number {
    // Strictly increasing, like create_at of posts made one after another.
    this.clock = Math.max(Date.now(), this.clock + 1);
    return this.clock;
  }

  private createPost(userId: string, body: { channel_id: string; message: string; root_id?: string; file_ids?: string[] }): FakePost {
    const at = this.now();
    const post: FakePost = {
      id: mattermostId(),
      create_at: at,
      update_at: at,
      edit_at: 0,
      delete_at: 0,
      is_pinned: false,
      user_id: userId,
      channel_id: body.channel_id,
      root_id: body.root_id ?? '',
      original_id: '',
      message: body.message,
      type: '',
      props: {},
      hashtags: '',
      pending_post_id: '',
      reply_count: 0,
      metadata: {},
    };
    const files = (body.file_ids ?? []).map((id) => this.files.get(id)).filter((f) => f !== undefined);
    for (const f of files) f.info.post_id = post.id;
    if (files.length) post.metadata = { files: files.map((f) => f.info) };
    this.posts.push(post);
    this.broadcastPosted(post);
    this.changes.emit('change');
    return post;
  }

  private broadcastPosted(post: FakePost): void {
    const channel = this.channels.get(post.channel_id)!;
    const sender = this.users.get(post.user_id)!;
    const mentioned = [...this.users.values()].filter((u) => u.id !== sender.id && new RegExp(`(^|[^\\w.-])@${u.username}\\b`, 'i').test(post.message)).map((u) => u.id);
    const data: Record<string, unknown> = {
      channel_display_name: channel.type === 'D' ? `@${sender.username}` : channel.display_name,
      channel_name: channel.name,
      channel_type: channel.type,
      post: JSON.stringify(post),
      sender_name: `@${sender.username}`,
      set_online: true,
      team_id: channel.team_id,
      ...(mentioned.length ? { mentions: JSON.stringify(mentioned) } : {}),
    };
    // Only the bot's sockets exist here, and the bot is a member of every channel.
    this.emitEvent('posted', data, { omit_users: null, user_id: '', channel_id: channel.id, team_id: '', connection_id: '', omit_connection_id: '' });
  }

  private emitEvent(event: string, data: Record<string, unknown>, broadcast: Record<string, unknown>): void {
    if (this.stalled) return;
    for (const [ws, s] of this.sockets) {
      if (!s.authed || ws.readyState !== WebSocket.OPEN) continue;
      ws.send(JSON.stringify({ event, data, broadcast, seq: s.seq++ }));
    }
  }

  // ---- REST -----------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.calls.push({ method, path, status });
      this.changes.emit('change');
      sendJson(res, status, body, headers);
    };
    const error = (status: number, id: string, message: string) => reply(status, { id, message, detailed_error: '', request_id: mattermostId(), status_code: status });
    if (!path.startsWith('/api/v4/')) return error(404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
    if (this.failing5xx) return error(500, 'app.fake.outage', 'We encountered an internal error. Please try again.');
    // Client4 sends "BEARER <token>"; Mattermost reads the scheme case-insensitively.
    const auth = /^bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '')?.[1];
    if (auth !== this.token) return error(401, 'api.context.session_expired.app_error', 'Invalid or expired session, please login again.');
    if (method !== 'GET' && this.rateLimit.remaining > 0) {
      this.rateLimit.remaining--;
      // Mattermost's rate limiter answers in plain text, with the limits in headers.
      this.calls.push({ method, path, status: 429 });
      const reset = String(this.rateLimit.resetSeconds);
      res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'retry-after': reset });
      res.end('limit exceeded\n');
      return;
    }
    const body = method === 'GET' ? undefined : await readJsonBody(req);
    let m: RegExpExecArray | null;

    if (method === 'GET' && path === '/api/v4/users/me') return reply(200, this.profile(this.bot));
    if (method === 'GET' && (m = /^\/api\/v4\/files\/([a-z0-9]{26})$/.exec(path))) {
      const file = this.files.get(m[1]!);
      if (!file) return error(404, 'app.file_info.get.app_error', 'Unable to get the file info.');
      this.calls.push({ method, path, status: 200 });
      res.writeHead(200, { 'content-type': String(file.info.mime_type), 'content-length': file.bytes.length });
      res.end(file.bytes);
      return;
    }
    if (method === 'GET' && (m = /^\/api\/v4\/users\/([a-z0-9]{26})$/.exec(path))) {
      const user = this.users.get(m[1]!);
      return user ? reply(200, this.profile(user)) : error(404, 'app.user.missing_account.const', 'Unable to find the user.');
    }
    if (method === 'POST' && (m = /^\/api\/v4\/users\/([a-z0-9]{26}|me)\/typing$/.exec(path))) {
      const b = body as { channel_id?: string; parent_id?: string };
      if (!b?.channel_id || !this.channels.has(b.channel_id)) return error(400, 'api.websocket_handler.invalid_param.app_error', 'Invalid channel_id parameter.');
      this.typing.push({ channelId: b.channel_id, parentId: b.parent_id ?? '', via: 'rest' });
      return reply(200, { status: 'OK' });
    }
    if (method === 'POST' && path === '/api/v4/channels/direct') {
      const ids = body as string[];
      if (!Array.isArray(ids) || ids.length !== 2 || !ids.every((id) => this.users.has(id))) return error(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing user_ids in request body.');
      if (!ids.includes(this.bot.id)) return error(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      return reply(201, this.channels.get(this.directChannel(ids[0]!, ids[1]!).id));
    }
    if (method === 'GET' && (m = /^\/api\/v4\/channels\/([a-z0-9]{26})$/.exec(path))) {
      const channel = this.channels.get(m[1]!);
      return channel ? reply(200, channel) : error(404, 'app.channel.get.existing.app_error', 'Unable to find the existing channel.');
    }
    if (method === 'GET' && (m = /^\/api\/v4\/channels\/([a-z0-9]{26})\/posts$/.exec(path))) {
      const channel = this.channels.get(m[1]!);
      if (!channel) return error(404, 'app.channel.get.existing.app_error', 'Unable to find the existing channel.');
      const since = Number(url.searchParams.get('since') ?? '0');
      const found = this.posts.filter((p) => p.channel_id === channel.id && p.update_at > since).slice(-1000);
      const order = found.map((p) => p.id).reverse();
      return reply(200, { order, posts: Object.fromEntries(found.map((p) => [p.id, p])), next_post_id: '', prev_post_id: '', has_next: false, first_inaccessible_post_time: 0 });
    }
    if (method === 'POST' && path === '/api/v4/posts') {
      const b = body as { channel_id?: string; message?: string; root_id?: string };
      const channel = b?.channel_id ? this.channels.get(b.channel_id) : undefined;
      if (!channel) return error(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing channel_id in request body.');
      if (!channel.members.includes(this.bot.id)) return error(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      if (typeof b.message !== 'string' || b.message.length > 16383) return error(400, 'model.post.is_valid.message_length.app_error', 'Message property is longer than the maximum permitted length.');
      if (b.root_id && !this.posts.some((p) => p.id === b.root_id && p.root_id === '')) return error(400, 'api.post.create_post.root_id.app_error', 'Invalid RootId parameter.');
      return reply(201, this.createPost(this.bot.id, { channel_id: channel.id, message: b.message, root_id: b.root_id }));
    }
    return error(404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
  }

  private profile(u: FakeUser) {
    return { id: u.id, username: u.username, first_name: '', last_name: '', nickname: '', is_bot: Boolean(u.is_bot), roles: 'system_user', locale: 'en', create_at: 0, update_at: 0, delete_at: 0 };
  }

  // ---- WebSocket ------------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/api/v4/websocket') {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
  }

  private onSocket(ws: WebSocket): void {
    const state = { authed: false, seq: 0 };
    this.sockets.set(ws, state);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.changes.emit('change');
    });
    ws.on('message', (raw) => {
      if (this.stalled) return;
      let msg: { action?: string; seq?: number; data?: Record<string, unknown> };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        return;
      }
      const respond = (extra: Record<string, unknown>) => ws.send(JSON.stringify({ seq_reply: msg.seq, ...extra }));
      if (!state.authed) {
        if (msg.action !== 'authentication_challenge' || msg.data?.token !== this.token) {
          respond({ status: 'FAIL', error: { id: 'api.web_socket_router.not_authenticated.app_error', message: 'Invalid or expired session, please login again.', status_code: 401 } });
          ws.close(1000);
          return;
        }
        state.authed = true;
        this.connectionsOpened++;
        respond({ status: 'OK' });
        ws.send(JSON.stringify({ event: 'hello', data: { connection_id: mattermostId(), server_version: '10.5.0.0.fake', server_hostname: 'fake' }, broadcast: { omit_users: null, user_id: this.bot.id, channel_id: '', team_id: '' }, seq: state.seq++ }));
        this.changes.emit('change');
        return;
      }
      if (msg.action === 'ping') return respond({ status: 'OK', data: { text: 'pong', version: '10.5.0', server_time: Date.now(), node_id: '' } });
      if (msg.action === 'user_typing') {
        this.typing.push({ channelId: String(msg.data?.channel_id ?? ''), parentId: String(msg.data?.parent_id ?? ''), via: 'ws' });
        this.changes.emit('change');
        return respond({ status: 'OK' });
      }
      respond({ status: 'FAIL', error: { id: 'api.web_socket_router.bad_action.app_error', message: 'Unknown action.' } });
    });
  }
}
