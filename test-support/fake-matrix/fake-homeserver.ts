/**
 * A local Matrix homeserver for tests: the client-server API over HTTP
 * (`/_matrix/client/versions`, `/v3/login`, `/v3/sync` with long polls,
 * sends, typing, receipts, joins and invites, `/v3/keys/*` and to-device
 * messages for end-to-end encryption), so the real matrix-js-sdk talks to
 * it exactly as to Synapse. Users are driven from the test side
 * ({@link FakeHomeserver.say}) or by real SDK clients logging in.
 *
 * Faults: `drop` cuts every open connection (a long poll fails, the client
 * reconnects); `stall` leaves every request unanswered until lifted (then
 * those connections are cut); `5xx` answers everything with 500 until
 * lifted. Messages sent meanwhile stay on the server and come with the next
 * good `/sync`, as on a real server.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { clientGone, readJsonBody, sendJson, startHttpServer, type StartedServer } from '../http-server.js';
import { err, handleClientApi, type ApiAnswer, type ClientApiHost } from './client-api.js';
import { buildSync, emptySync, parseSince, timelineLimitOf } from './sync.js';
import { MatrixWorld, type FakeDevice, type MatrixEvent } from './world.js';

export type FakeMatrixFault = 'drop' | 'stall' | '5xx';

/** One request as the server saw it, for assertions (no tokens). */
export interface SeenRequest {
  method: string;
  path: string;
  query: string;
  status: number;
}

export class FakeHomeserver implements ClientApiHost {
  readonly world: MatrixWorld;
  readonly filters = new Map<string, unknown>();
  readonly sent = new Map<string, string>();
  readonly txnIds = new Map<string, string>();
  readonly requests: SeenRequest[] = [];
  private http!: StartedServer & { server: Server };
  private readonly sockets = new Set<Socket>();
  private readonly rateLimits: number[] = [];
  private stalled = false;
  private readonly held = new Set<ServerResponse>();
  private failing5xx = false;

  private constructor(serverName: string) {
    this.world = new MatrixWorld(serverName);
  }

  static async start(opts: { serverName?: string } = {}): Promise<FakeHomeserver> {
    const hs = new FakeHomeserver(opts.serverName ?? 'fake.local');
    hs.http = await startHttpServer((req, res) => hs.onRequest(req, res));
    hs.http.server.on('connection', (s: Socket) => {
      hs.sockets.add(s);
      s.once('close', () => hs.sockets.delete(s));
    });
    return hs;
  }

  /** The homeserver URL for `homeserverUrl`. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** A user with one logged-in device (its token), and a password for `/login` when given. */
  addUser(localpart: string, opts: { password?: string; displayname?: string } = {}): { userId: string; accessToken: string; deviceId: string } {
    const user = this.world.addUser(localpart, opts);
    const device = this.world.addDevice(user.userId);
    return { userId: user.userId, accessToken: device.accessToken, deviceId: device.deviceId };
  }

  /** A room created by `creator` with `members` joined at once (`invited` only invited). */
  addRoom(creator: string, opts: { roomId?: string; members?: string[]; invited?: string[]; name?: string; encrypted?: boolean; direct?: boolean; alias?: string } = {}): string {
    const room = this.world.createRoom(creator, opts);
    for (const m of opts.members ?? []) this.world.setMembership(room.roomId, m, m, 'join');
    for (const m of opts.invited ?? []) this.world.setMembership(room.roomId, creator, m, 'invite', opts.direct ? { is_direct: true } : {});
    return room.roomId;
  }

  /** `sender` posts a message event in a room, as their client would. */
  say(sender: string, roomId: string, content: Record<string, unknown>, type = 'm.room.message'): MatrixEvent {
    return this.world.addEvent(roomId, sender, type, content);
  }

  /** Message events `sender` posted in `roomId`, oldest first. */
  messagesFrom(sender: string, roomId: string): MatrixEvent[] {
    return (this.world.rooms.get(roomId)?.timeline ?? []).map((s) => s.event).filter((e) => e.sender === sender && (e.type === 'm.room.message' || e.type === 'm.room.encrypted'));
  }

  /** Resolves once `check` returns something, re-checking on every change. */
  waitFor<T>(check: () => T | undefined, timeoutMs = 10_000, what = 'a change'): Promise<T> {
    return new Promise((resolve, reject) => {
      const look = () => {
        const v = check();
        if (v === undefined) return false;
        cleanup();
        resolve(v);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake homeserver: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.world.changed.off('change', look);
      };
      this.world.changed.on('change', look);
      look();
    });
  }

  /** The next `count` sends answer 429 `M_LIMIT_EXCEEDED` with `retry_after_ms`. */
  rateLimitSends(count: number, retryAfterMs: number): void {
    for (let i = 0; i < count; i++) this.rateLimits.push(retryAfterMs);
  }

  takeRateLimit(): number | undefined {
    return this.rateLimits.shift();
  }

  /** Invalidates an access token (as a logout elsewhere or an admin would): its next call gets `M_UNKNOWN_TOKEN`. */
  revokeToken(accessToken: string): void {
    this.world.devices.delete(accessToken);
    this.world.changed.emit('change');
  }

  setFault(kind: FakeMatrixFault, on: boolean): void {
    if (kind === 'drop') {
      for (const s of this.sockets) s.destroy();
      return;
    }
    if (kind === '5xx') {
      this.failing5xx = on;
      this.world.changed.emit('change');
      return;
    }
    this.stalled = on;
    if (!on) {
      for (const res of this.held) res.socket?.destroy();
      this.held.clear();
    }
  }

  async close(): Promise<void> {
    for (const res of this.held) res.socket?.destroy();
    await this.http.close();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: redactQuery(url.searchParams), status: 0 };
    this.requests.push(seen);
    const answer = (a: ApiAnswer) => {
      seen.status = a[0];
      if (this.stalled) return this.hold(res);
      if (!clientGone(res)) sendJson(res, a[0], a[1], { 'access-control-allow-origin': '*', ...a[2] });
    };
    if (this.stalled) return this.hold(res);
    if (this.failing5xx) return answer(err(500, 'M_UNKNOWN', 'Internal server error'));
    let body: Record<string, unknown> = {};
    try {
      body = ((await readJsonBody(req)) ?? {}) as Record<string, unknown>;
    } catch {
      return answer(err(400, 'M_NOT_JSON', 'Content not JSON.'));
    }
    const path = url.pathname;
    if (req.method === 'OPTIONS') return answer([204, {}]);
    if (path === '/_matrix/client/versions') return answer([200, { versions: ['v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12'], unstable_features: {} }]);
    const m = /^\/_matrix\/client\/(?:v3|r0|unstable)(\/.*)$/.exec(path);
    if (!m) return answer(err(404, 'M_UNRECOGNIZED', 'Unrecognized request'));
    const sub = m[1]!;
    if (sub === '/login') return answer(req.method === 'GET' ? [200, { flows: [{ type: 'm.login.password' }] }] : this.login(body));
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('access_token');
    if (!token) return answer(err(401, 'M_MISSING_TOKEN', 'Missing access token'));
    const device = this.world.deviceByToken(token);
    if (!device) return answer(err(401, 'M_UNKNOWN_TOKEN', 'Unknown access token', { soft_logout: false }));
    if (sub === '/sync' && req.method === 'GET') return answer(await this.sync(device, url.searchParams, res));
    return answer(await handleClientApi({ method: req.method ?? 'GET', path: sub, query: url.searchParams, body, device }, this));
  }

  private login(body: Record<string, unknown>): ApiAnswer {
    if (body.type !== 'm.login.password') return err(400, 'M_UNKNOWN', 'Only m.login.password is supported');
    const ident = body.identifier as { type?: string; user?: string } | undefined;
    const name = ident?.user ?? (body.user as string | undefined) ?? '';
    const userId = name.startsWith('@') ? name : `@${name}:${this.world.serverName}`;
    const user = this.world.users.get(userId);
    if (!user || user.password === undefined || user.password !== body.password) return err(403, 'M_FORBIDDEN', 'Invalid username or password');
    const device = this.world.addDevice(userId, typeof body.device_id === 'string' ? body.device_id : undefined);
    return [200, { user_id: userId, access_token: device.accessToken, device_id: device.deviceId, home_server: this.world.serverName }];
  }

  /** Long poll: answers as soon as something is new, or empty after `timeout` ms. */
  private async sync(device: FakeDevice, q: URLSearchParams, res: ServerResponse): Promise<ApiAnswer> {
    const since = parseSince(q.get('since'));
    if (Number.isNaN(since)) return err(400, 'M_INVALID_PARAM', 'Unknown since token');
    const filterParam = q.get('filter');
    const filter = filterParam?.startsWith('{') ? (JSON.parse(filterParam) as unknown) : filterParam ? this.filters.get(filterParam) : undefined;
    const limit = timelineLimitOf(filter);
    const timeoutMs = Math.min(Number(q.get('timeout') ?? 0) || 0, 60_000);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.world.devices.has(device.accessToken)) return err(401, 'M_UNKNOWN_TOKEN', 'Unknown access token', { soft_logout: false });
      if (this.failing5xx) return err(500, 'M_UNKNOWN', 'Internal server error');
      const body = buildSync(this.world, device, since, limit, this.txnIds);
      if (body) return [200, body];
      const left = deadline - Date.now();
      if (left <= 0 || clientGone(res)) return [200, emptySync(this.world, device)];
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.world.changed.off('change', done);
          res.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.world.changed.on('change', done);
        res.once('close', done);
      });
    }
  }

  private hold(res: ServerResponse): void {
    this.held.add(res);
    res.once('close', () => this.held.delete(res));
  }
}

function redactQuery(q: URLSearchParams): string {
  const copy = new URLSearchParams(q);
  if (copy.has('access_token')) copy.set('access_token', '<redacted>');
  return copy.toString();
}
