/**
 * Which rooms are direct chats, and which room a target means. A room is a
 * DM when the bot's `m.direct` lists it, or when only the bot and one other
 * person are joined (asked of the homeserver once and cached until the
 * room's membership changes: after a resumed sync the SDK does not know
 * every room's members). Sending to a person without a DM room creates one.
 */
import { MatrixError, type MatrixClient } from 'matrix-js-sdk';
import type { ChannelSend } from '../../../src-shared/domain/channel.js';
import { ChannelPermanentError } from '../../../src-shared/domain/channel.js';
import { describeMatrixError } from './errors.js';

export class RoomDirectory {
  /** `m.direct`: user → rooms. */
  private direct = new Map<string, string[]>();
  /** Joined members per room, as last asked. */
  private members = new Map<string, string[]>();
  /** DM rooms a person last wrote from. */
  private lastDm = new Map<string, string>();
  private encrypted = new Map<string, boolean>();

  constructor(
    private readonly client: MatrixClient,
    private readonly me: string,
  ) {}

  async loadDirect(): Promise<void> {
    try {
      const content = (await this.client.getAccountDataFromServer('m.direct' as never)) as Record<string, unknown> | null;
      this.direct = new Map(Object.entries(content ?? {}).filter((e): e is [string, string[]] => Array.isArray(e[1])));
    } catch (err) {
      if (!(err instanceof MatrixError && err.errcode === 'M_NOT_FOUND')) throw err;
    }
  }

  /** Membership or encryption changed: ask again next time. */
  forget(roomId: string): void {
    this.members.delete(roomId);
    this.encrypted.delete(roomId);
  }

  rememberDirect(userId: string, roomId: string): void {
    this.lastDm.set(userId, roomId);
  }

  async isDirect(roomId: string, sender: string): Promise<boolean> {
    if (this.direct.get(sender)?.includes(roomId)) return true;
    const members = await this.joinedMembers(roomId);
    return members.length === 2 && members.includes(sender) && members.includes(this.me);
  }

  /** Adds a room to the bot's `m.direct` (as Matrix clients do when they accept a DM invite). */
  async markDirect(userId: string, roomId: string): Promise<void> {
    const rooms = this.direct.get(userId) ?? [];
    if (!rooms.includes(roomId)) this.direct.set(userId, [roomId, ...rooms]);
    this.lastDm.set(userId, roomId);
    await this.client.setAccountData('m.direct' as never, Object.fromEntries(this.direct) as never);
  }

  /** The room for a target: a room id, an alias, or the DM room of a user (created when `create` and there is none). */
  async roomFor(to: ChannelSend['to'], opts: { create: boolean; encrypted?: boolean }): Promise<string | undefined> {
    const id = to.id.trim();
    if (id.startsWith('!')) return id;
    if (id.startsWith('#')) {
      try {
        return (await this.client.getRoomIdForAlias(id)).room_id;
      } catch (err) {
        throw new ChannelPermanentError(`No Matrix room has the alias ${id}: ${describeMatrixError(err)}`);
      }
    }
    if (!id.startsWith('@')) throw new ChannelPermanentError(`"${id}" is not a Matrix target: use a user id (@name:server), a room id (!id:server) or an alias (#name:server).`);
    const known = this.lastDm.get(id);
    if (known) return known;
    const joined = (await this.client.getJoinedRooms()).joined_rooms;
    for (const roomId of this.direct.get(id) ?? []) if (joined.includes(roomId)) return this.found(id, roomId);
    for (const roomId of joined) if (await this.isDirect(roomId, id)) return this.found(id, roomId);
    if (!opts.create) return undefined;
    const created = await this.client.createRoom({
      is_direct: true,
      invite: [id],
      preset: 'trusted_private_chat' as never,
      ...(opts.encrypted ? { initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }] } : {}),
    });
    await this.markDirect(id, created.room_id);
    return created.room_id;
  }

  /** Whether the room is encrypted, asked of the homeserver (the SDK may not know the room after a resumed sync). */
  async isEncrypted(roomId: string): Promise<boolean> {
    const cached = this.encrypted.get(roomId);
    if (cached !== undefined) return cached;
    let on: boolean;
    try {
      await this.client.getStateEvent(roomId, 'm.room.encryption', '');
      on = true;
    } catch (err) {
      if (!(err instanceof MatrixError && err.errcode === 'M_NOT_FOUND')) throw err;
      on = false;
    }
    this.encrypted.set(roomId, on);
    return on;
  }

  private found(userId: string, roomId: string): string {
    this.lastDm.set(userId, roomId);
    return roomId;
  }

  private async joinedMembers(roomId: string): Promise<string[]> {
    const cached = this.members.get(roomId);
    if (cached) return cached;
    const res = await this.client.getJoinedRoomMembers(roomId);
    const list = Object.keys(res.joined ?? {});
    this.members.set(roomId, list);
    return list;
  }
}
