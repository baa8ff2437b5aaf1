/**
 * The client-server API endpoints of the fake homeserver (spec v1.x, `/v3`
 * paths; `/r0` is accepted too). Each handler gets the authenticated device
 * and answers `[status, body]`; errors use the spec's `{errcode, error}`.
 */
import type { FakeDevice, MatrixWorld } from './world.js';

export type ApiAnswer = [status: number, body: unknown, headers?: Record<string, string>];

export interface ApiRequest {
  method: string;
  /** Path below `/_matrix/client/v3`, decoded segments kept encoded. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  device: FakeDevice;
}

/** Hooks the HTTP layer gives the endpoints (sends and their idempotency, filters). */
export interface ClientApiHost {
  world: MatrixWorld;
  filters: Map<string, unknown>;
  /** (access token, txn id) → event id, so a retried send is not stored twice. */
  sent: Map<string, string>;
  /** (access token, event id) → txn id, echoed to the sending device in `/sync`. */
  txnIds: Map<string, string>;
  /** Answers a send with 429 first, when the test asked for it. */
  takeRateLimit(): number | undefined;
}

export const err = (status: number, errcode: string, error: string, extra: Record<string, unknown> = {}): ApiAnswer => [status, { errcode, error, ...extra }];

type Handler = (req: ApiRequest, m: string[], host: ClientApiHost) => ApiAnswer | Promise<ApiAnswer>;

const d = decodeURIComponent;

const ROUTES: [method: string, pattern: RegExp, handler: Handler][] = [
  ['GET', /^\/account\/whoami$/, (r) => [200, { user_id: r.device.userId, device_id: r.device.deviceId }]],
  ['POST', /^\/logout$/, (r, _m, h) => {
    h.world.devices.delete(r.device.accessToken);
    return [200, {}];
  }],
  ['GET', /^\/capabilities$/, () => [200, { capabilities: { 'm.change_password': { enabled: false } } }]],
  ['GET', /^\/pushrules\/?$/, () => [200, { global: { override: [], content: [], room: [], sender: [], underride: [] } }]],
  ['POST', /^\/user\/([^/]+)\/filter$/, (r, _m, h) => {
    const id = String(h.filters.size + 1);
    h.filters.set(id, r.body);
    return [200, { filter_id: id }];
  }],
  ['GET', /^\/user\/([^/]+)\/filter\/([^/]+)$/, (_r, m, h) => (h.filters.has(d(m[1]!)) ? [200, h.filters.get(d(m[1]!))] : err(404, 'M_NOT_FOUND', 'no such filter'))],
  ['GET', /^\/user\/([^/]+)\/account_data\/([^/]+)$/, (r, m, h) => {
    const entry = h.world.users.get(r.device.userId)?.accountData.get(d(m[1]!));
    return entry ? [200, entry.content] : err(404, 'M_NOT_FOUND', 'no account data of that type');
  }],
  ['PUT', /^\/user\/([^/]+)\/account_data\/([^/]+)$/, (r, m, h) => {
    h.world.setAccountData(r.device.userId, d(m[1]!), r.body);
    return [200, {}];
  }],
  ['GET', /^\/profile\/([^/]+)(?:\/displayname)?$/, (_r, m, h) => {
    const user = h.world.users.get(d(m[0]!));
    return user ? [200, { displayname: user.displayname }] : err(404, 'M_NOT_FOUND', 'no such user');
  }],
  ['GET', /^\/joined_rooms$/, (r, _m, h) => [200, { joined_rooms: h.world.roomsOf(r.device.userId).map((x) => x.roomId) }]],
  ['GET', /^\/rooms\/([^/]+)\/joined_members$/, (r, m, h) => {
    const roomId = d(m[0]!);
    if (h.world.membership(roomId, r.device.userId) !== 'join') return err(403, 'M_FORBIDDEN', 'not in the room');
    const joined: Record<string, unknown> = {};
    for (const u of h.world.joinedMembers(roomId)) joined[u] = { display_name: h.world.users.get(u)?.displayname ?? null, avatar_url: null };
    return [200, { joined }];
  }],
  ['GET', /^\/rooms\/([^/]+)\/members$/, (r, m, h) => {
    const room = h.world.rooms.get(d(m[0]!));
    if (!room || !h.world.membership(room.roomId, r.device.userId)) return err(403, 'M_FORBIDDEN', 'not in the room');
    return [200, { chunk: [...room.state.values()].filter((e) => e.type === 'm.room.member') }];
  }],
  ['GET', /^\/rooms\/([^/]+)\/state$/, (_r, m, h) => {
    const room = h.world.rooms.get(d(m[0]!));
    return room ? [200, [...room.state.values()]] : err(404, 'M_NOT_FOUND', 'no such room');
  }],
  ['GET', /^\/rooms\/([^/]+)\/state\/([^/]+)(?:\/([^/]*))?$/, (_r, m, h) => {
    const e = h.world.rooms.get(d(m[0]!))?.state.get(`${d(m[1]!)}\u0000${d(m[2] ?? '')}`);
    return e ? [200, e.content] : err(404, 'M_NOT_FOUND', 'no such state');
  }],
  ['PUT', /^\/rooms\/([^/]+)\/send\/([^/]+)\/([^/]+)$/, (r, m, h) => {
    const roomId = d(m[0]!);
    if (h.world.membership(roomId, r.device.userId) !== 'join') return err(403, 'M_FORBIDDEN', `${r.device.userId} is not in room ${roomId}`);
    const key = `${r.device.accessToken}\u0000${d(m[2]!)}`;
    const done = h.sent.get(key);
    if (done) return [200, { event_id: done }];
    const retryAfterMs = h.takeRateLimit();
    if (retryAfterMs !== undefined) return err(429, 'M_LIMIT_EXCEEDED', 'Too many requests', { retry_after_ms: retryAfterMs });
    const event = h.world.addEvent(roomId, r.device.userId, d(m[1]!), r.body);
    h.sent.set(key, event.event_id);
    h.txnIds.set(`${r.device.accessToken}\u0000${event.event_id}`, d(m[2]!));
    return [200, { event_id: event.event_id }];
  }],
  ['PUT', /^\/rooms\/([^/]+)\/typing\/([^/]+)$/, (r, m, h) => {
    if (d(m[1]!) !== r.device.userId) return err(403, 'M_FORBIDDEN', 'cannot set typing for someone else');
    h.world.setTyping(d(m[0]!), r.device.userId, r.body.typing === true);
    return [200, {}];
  }],
  ['POST', /^\/rooms\/([^/]+)\/receipt\/([^/]+)\/([^/]+)$/, (r, m, h) => {
    h.world.setReceipt(d(m[0]!), r.device.userId, d(m[2]!));
    return [200, {}];
  }],
  ['POST', /^\/rooms\/([^/]+)\/read_markers$/, (r, m, h) => {
    const read = r.body['m.read'] ?? r.body['m.fully_read'];
    if (typeof read === 'string') h.world.setReceipt(d(m[0]!), r.device.userId, read);
    return [200, {}];
  }],
  ['POST', /^\/(?:join|rooms)\/([^/]+?)(?:\/join)?$/, (r, m, h) => {
    const target = d(m[0]!);
    const roomId = target.startsWith('#') ? h.world.aliases.get(target) : target;
    if (!roomId || !h.world.rooms.has(roomId)) return err(404, 'M_NOT_FOUND', 'no such room');
    const was = h.world.membership(roomId, r.device.userId);
    if (was !== 'join' && was !== 'invite') return err(403, 'M_FORBIDDEN', 'you are not invited to this room');
    if (was !== 'join') h.world.setMembership(roomId, r.device.userId, r.device.userId, 'join');
    return [200, { room_id: roomId }];
  }],
  ['POST', /^\/rooms\/([^/]+)\/leave$/, (r, m, h) => {
    h.world.setMembership(d(m[0]!), r.device.userId, r.device.userId, 'leave');
    return [200, {}];
  }],
  ['POST', /^\/rooms\/([^/]+)\/invite$/, (r, m, h) => {
    h.world.setMembership(d(m[0]!), r.device.userId, String(r.body.user_id), 'invite');
    return [200, {}];
  }],
  ['POST', /^\/createRoom$/, (r, _m, h) => {
    const encrypted = Array.isArray(r.body.initial_state) && r.body.initial_state.some((e) => (e as { type?: string }).type === 'm.room.encryption');
    const room = h.world.createRoom(r.device.userId, { name: typeof r.body.name === 'string' ? r.body.name : undefined, encrypted });
    const invite = Array.isArray(r.body.invite) ? (r.body.invite as string[]) : [];
    for (const u of invite) h.world.setMembership(room.roomId, r.device.userId, u, 'invite', r.body.is_direct ? { is_direct: true } : {});
    return [200, { room_id: room.roomId }];
  }],
  ['GET', /^\/directory\/room\/([^/]+)$/, (_r, m, h) => {
    const roomId = h.world.aliases.get(d(m[0]!));
    return roomId ? [200, { room_id: roomId, servers: [h.world.serverName] }] : err(404, 'M_NOT_FOUND', 'no such alias');
  }],
  ['POST', /^\/keys\/upload$/, (r, _m, h) => {
    h.world.uploadKeys(r.device, r.body as never);
    return [200, { one_time_key_counts: h.world.oneTimeKeyCounts(r.device) }];
  }],
  ['POST', /^\/keys\/query$/, (r, _m, h) => {
    const deviceKeys: Record<string, Record<string, unknown>> = {};
    for (const [userId, wanted] of Object.entries((r.body.device_keys ?? {}) as Record<string, string[]>)) {
      deviceKeys[userId] = {};
      for (const dev of h.world.devicesOf(userId)) {
        if (dev.deviceKeys && (!wanted.length || wanted.includes(dev.deviceId))) deviceKeys[userId]![dev.deviceId] = dev.deviceKeys;
      }
    }
    return [200, { device_keys: deviceKeys, failures: {}, master_keys: {}, self_signing_keys: {}, user_signing_keys: {} }];
  }],
  ['POST', /^\/keys\/claim$/, (r, _m, h) => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [userId, byDevice] of Object.entries((r.body.one_time_keys ?? {}) as Record<string, Record<string, string>>)) {
      for (const [deviceId, algorithm] of Object.entries(byDevice)) {
        const dev = h.world.devicesOf(userId).find((x) => x.deviceId === deviceId);
        const key = dev && h.world.claimKey(dev, algorithm);
        if (key) (out[userId] ??= {})[deviceId] = key;
      }
    }
    return [200, { one_time_keys: out, failures: {} }];
  }],
  ['GET', /^\/keys\/changes$/, (r, _m, h) => {
    const from = Number(String(r.query.get('from') ?? 's0').slice(1));
    const to = Number(String(r.query.get('to') ?? `s${h.world.pos}`).slice(1));
    const mates = h.world.roomMates(r.device.userId);
    return [200, { changed: [...new Set(h.world.keyChanges.filter((c) => c.pos > from && c.pos <= to && mates.has(c.userId)).map((c) => c.userId))], left: [] }];
  }],
  ['POST', /^\/keys\/signatures\/upload$/, () => [200, { failures: {} }]],
  ['POST', /^\/keys\/device_signing\/upload$/, () => [200, {}]],
  ['PUT', /^\/sendToDevice\/([^/]+)\/([^/]+)$/, (r, m, h) => {
    h.world.sendToDevice(r.device.userId, d(m[0]!), (r.body.messages ?? {}) as Record<string, Record<string, unknown>>);
    return [200, {}];
  }],
  ['GET', /^\/room_keys\/version$/, () => err(404, 'M_NOT_FOUND', 'No current backup version')],
];

/** Routes one authenticated request; 404 `M_UNRECOGNIZED` for endpoints the fake does not have. */
export async function handleClientApi(req: ApiRequest, host: ClientApiHost): Promise<ApiAnswer> {
  for (const [method, pattern, handler] of ROUTES) {
    if (method !== req.method) continue;
    const m = pattern.exec(req.path);
    if (m) return handler(req, m.slice(1), host);
  }
  return err(404, 'M_UNRECOGNIZED', `Unrecognized request: ${req.method} ${req.path}`);
}
