/**
 * The state of a fake Matrix homeserver: users and their access tokens and
 * devices, rooms with their state and timelines, account data, device keys
 * and to-device messages, all ordered by one stream position so `/sync`
 * tokens (`s<position>`) mean "everything after this point". Written from
 * the Matrix client-server API specification (v1.x), only as far as a bot
 * and a second real client need it.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

/** A room or state event as clients see it. */
export interface MatrixEvent {
  event_id: string;
  room_id: string;
  type: string;
  sender: string;
  content: Record<string, unknown>;
  origin_server_ts: number;
  state_key?: string;
  unsigned?: Record<string, unknown>;
}

interface StoredEvent {
  pos: number;
  event: MatrixEvent;
}

export interface FakeUser {
  userId: string;
  password?: string;
  displayname?: string;
  /** Per-user account data by type, with the position of the last change. */
  accountData: Map<string, { pos: number; content: unknown }>;
}

export interface FakeDevice {
  userId: string;
  deviceId: string;
  accessToken: string;
  deviceKeys?: Record<string, unknown>;
  /** One-time keys not yet claimed, by `algorithm:keyId`. */
  oneTimeKeys: Map<string, unknown>;
  fallbackKeys: Map<string, unknown>;
  toDevice: { pos: number; message: { type: string; sender: string; content: unknown } }[];
}

export interface FakeRoom {
  roomId: string;
  /** Current state by `type\u0000stateKey`. */
  state: Map<string, MatrixEvent>;
  timeline: StoredEvent[];
  /** Users typing now. */
  typing: Set<string>;
  /** Read receipts: user → event id. */
  receipts: Map<string, string>;
}

const rand = (n = 9) => randomBytes(n).toString('base64url');

/** Everything the fake server knows; `changed` fires on every write (long polls wake on it). */
export class MatrixWorld {
  readonly serverName: string;
  readonly users = new Map<string, FakeUser>();
  readonly devices = new Map<string, FakeDevice>();
  readonly rooms = new Map<string, FakeRoom>();
  readonly aliases = new Map<string, string>();
  /** Users whose device keys changed, at which position. */
  readonly keyChanges: { pos: number; userId: string }[] = [];
  readonly changed = new EventEmitter();
  private position = 1;

  constructor(serverName = 'fake.local') {
    this.serverName = serverName;
    this.changed.setMaxListeners(0);
  }

  get pos(): number {
    return this.position;
  }

  private bump(): number {
    this.position++;
    queueMicrotask(() => this.changed.emit('change'));
    return this.position;
  }

  addUser(localpart: string, opts: { password?: string; displayname?: string } = {}): FakeUser {
    const userId = `@${localpart}:${this.serverName}`;
    const user: FakeUser = { userId, password: opts.password, displayname: opts.displayname ?? localpart, accountData: new Map() };
    this.users.set(userId, user);
    return user;
  }

  /** A new device with its own access token (what `/login` creates). */
  addDevice(userId: string, deviceId = rand(6).toUpperCase()): FakeDevice {
    const device: FakeDevice = { userId, deviceId, accessToken: `syt_${rand(18)}`, oneTimeKeys: new Map(), fallbackKeys: new Map(), toDevice: [] };
    this.devices.set(device.accessToken, device);
    return device;
  }

  deviceByToken(token: string): FakeDevice | undefined {
    return this.devices.get(token);
  }

  devicesOf(userId: string): FakeDevice[] {
    return [...this.devices.values()].filter((d) => d.userId === userId);
  }

  setAccountData(userId: string, type: string, content: unknown): void {
    this.users.get(userId)?.accountData.set(type, { pos: this.bump(), content });
  }

  createRoom(creator: string, opts: { roomId?: string; name?: string; encrypted?: boolean; alias?: string } = {}): FakeRoom {
    const roomId = opts.roomId ?? `!${rand(12)}:${this.serverName}`;
    const room: FakeRoom = { roomId, state: new Map(), timeline: [], typing: new Set(), receipts: new Map() };
    this.rooms.set(roomId, room);
    this.addEvent(roomId, creator, 'm.room.create', { creator, room_version: '10' }, '');
    this.addEvent(roomId, creator, 'm.room.member', { membership: 'join', displayname: this.users.get(creator)?.displayname }, creator);
    this.addEvent(roomId, creator, 'm.room.power_levels', { users: { [creator]: 100 }, users_default: 0, events_default: 0, state_default: 50, invite: 0 }, '');
    this.addEvent(roomId, creator, 'm.room.join_rules', { join_rule: 'invite' }, '');
    this.addEvent(roomId, creator, 'm.room.history_visibility', { history_visibility: 'shared' }, '');
    if (opts.name) this.addEvent(roomId, creator, 'm.room.name', { name: opts.name }, '');
    if (opts.encrypted) this.addEvent(roomId, creator, 'm.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' }, '');
    if (opts.alias) this.aliases.set(opts.alias, roomId);
    return room;
  }

  /** Appends an event; state events also replace the current state. */
  addEvent(roomId: string, sender: string, type: string, content: Record<string, unknown>, stateKey?: string): MatrixEvent {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error(`no room ${roomId}`);
    const event: MatrixEvent = { event_id: `$${rand(24)}`, room_id: roomId, type, sender, content, origin_server_ts: Date.now(), ...(stateKey !== undefined ? { state_key: stateKey } : {}) };
    room.timeline.push({ pos: this.bump(), event });
    if (stateKey !== undefined) room.state.set(`${type}\u0000${stateKey}`, event);
    return event;
  }

  membership(roomId: string, userId: string): string | undefined {
    const m = this.rooms.get(roomId)?.state.get(`m.room.member\u0000${userId}`);
    return m?.content.membership as string | undefined;
  }

  setMembership(roomId: string, sender: string, target: string, membership: 'invite' | 'join' | 'leave', extra: Record<string, unknown> = {}): MatrixEvent {
    const displayname = this.users.get(target)?.displayname;
    return this.addEvent(roomId, sender, 'm.room.member', { membership, ...(displayname ? { displayname } : {}), ...extra }, target);
  }

  joinedMembers(roomId: string): string[] {
    const room = this.rooms.get(roomId);
    if (!room) return [];
    return [...room.state.values()].filter((e) => e.type === 'm.room.member' && e.content.membership === 'join').map((e) => e.state_key as string);
  }

  roomsOf(userId: string, membership = 'join'): FakeRoom[] {
    return [...this.rooms.values()].filter((r) => this.membership(r.roomId, userId) === membership);
  }

  /** Users sharing a joined room with `userId` (including themselves). */
  roomMates(userId: string): Set<string> {
    const out = new Set<string>([userId]);
    for (const room of this.roomsOf(userId)) for (const m of this.joinedMembers(room.roomId)) out.add(m);
    return out;
  }

  isEncrypted(roomId: string): boolean {
    return this.rooms.get(roomId)?.state.has('m.room.encryption\u0000') ?? false;
  }

  setTyping(roomId: string, userId: string, typing: boolean): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    if (typing) room.typing.add(userId);
    else room.typing.delete(userId);
    this.bump();
  }

  setReceipt(roomId: string, userId: string, eventId: string): void {
    this.rooms.get(roomId)?.receipts.set(userId, eventId);
    this.bump();
  }

  uploadKeys(device: FakeDevice, body: { device_keys?: Record<string, unknown>; one_time_keys?: Record<string, unknown>; fallback_keys?: Record<string, unknown> }): void {
    if (body.device_keys) {
      device.deviceKeys = body.device_keys;
      this.keyChanges.push({ pos: this.bump(), userId: device.userId });
    }
    for (const [id, key] of Object.entries(body.one_time_keys ?? {})) device.oneTimeKeys.set(id, key);
    for (const [id, key] of Object.entries(body.fallback_keys ?? {})) device.fallbackKeys.set(id, key);
  }

  /** One one-time key of `algorithm`, removed; the fallback key (kept) when none is left. */
  claimKey(device: FakeDevice, algorithm: string): Record<string, unknown> | undefined {
    for (const [id, key] of device.oneTimeKeys) {
      if (id.startsWith(`${algorithm}:`)) {
        device.oneTimeKeys.delete(id);
        return { [id]: key };
      }
    }
    for (const [id, key] of device.fallbackKeys) if (id.startsWith(`${algorithm}:`)) return { [id]: key };
    return undefined;
  }

  oneTimeKeyCounts(device: FakeDevice): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const id of device.oneTimeKeys.keys()) {
      const alg = id.split(':')[0]!;
      counts[alg] = (counts[alg] ?? 0) + 1;
    }
    return counts;
  }

  sendToDevice(sender: string, type: string, messages: Record<string, Record<string, unknown>>): void {
    const pos = this.bump();
    for (const [userId, byDevice] of Object.entries(messages)) {
      for (const [deviceId, content] of Object.entries(byDevice)) {
        for (const d of this.devicesOf(userId)) {
          if (deviceId === '*' || d.deviceId === deviceId) d.toDevice.push({ pos, message: { type, sender, content } });
        }
      }
    }
  }
}
