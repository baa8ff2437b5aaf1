/**
 * Outbound messages: core's HTML chunk as `m.room.message` with
 * `formatted_body`, in a thread (`m.thread`) or as a reply (`m.in_reply_to`).
 * Encrypted rooms are encrypted by the SDK; without encryption the message
 * is refused in plain words rather than sent in the clear.
 */
import type { MatrixClient, MatrixEvent, Room } from 'matrix-js-sdk';
import type { ChannelSend } from '../../../src-shared/domain/channel.js';
import { ChannelPermanentError } from '../../../src-shared/domain/channel.js';
import { toSendError } from './errors.js';
import { toMatrixContent } from './format.js';
import type { RoomDirectory } from './rooms.js';

export interface SendDeps {
  client: MatrixClient;
  rooms: RoomDirectory;
  userId: string;
  encryption: { enabled: boolean; problem?: string };
}

/** Put the room's current state (members, encryption) into the SDK's room and tell the crypto the room is encrypted. */
async function loadRoomState(client: MatrixClient, roomId: string): Promise<void> {
  const room = client.getRoom(roomId);
  if (!room) return;
  const mapper = client.getEventMapper();
  const events = (await client.roomState(roomId)).map((e) => mapper(e));
  room.currentState.setStateEvents(events);
  const encryption = room.currentState.getStateEvents('m.room.encryption', '');
  // The SDK's sync loop does this for state it syncs (its `SyncCryptoCallbacks`); state loaded here needs the same.
  const crypto = client.getCrypto() as unknown as { onCryptoEvent?(room: Room, event: MatrixEvent): Promise<void> } | undefined;
  if (encryption && crypto?.onCryptoEvent) await crypto.onCryptoEvent(room, encryption);
}

export async function sendMatrixMessage(deps: SendDeps, msg: ChannelSend): Promise<{ messageId: string }> {
  const { client, rooms } = deps;
  try {
    const roomId = await rooms.roomFor(msg.to, { create: true, encrypted: deps.encryption.enabled });
    if (!roomId) throw new ChannelPermanentError(`No Matrix room for ${msg.to.id}`);
    if (await rooms.isEncrypted(roomId)) {
      if (!deps.encryption.enabled) {
        const why = deps.encryption.problem ? `encryption is not available: ${deps.encryption.problem}` : 'set channels.matrix.encryption to true';
        throw new ChannelPermanentError(`Room ${roomId} is encrypted; ${why}. The message was not sent.`);
      }
      // The SDK encrypts only for rooms it knows the state of; never let it fall back to sending in the clear.
      if (!client.getRoom(roomId)?.hasEncryptionStateEvent()) await client.joinRoom(roomId);
      // After a resumed sync the SDK may know the room only from its new events: load its state from the homeserver.
      if (!client.getRoom(roomId)?.hasEncryptionStateEvent()) await loadRoomState(client, roomId);
      if (!client.getRoom(roomId)?.hasEncryptionStateEvent()) throw new Error(`Room ${roomId} is encrypted but its state is not loaded yet; will retry.`);
    }
    const threadId = msg.threadId ?? msg.topicId;
    const content: Record<string, unknown> = toMatrixContent(msg.text);
    if (threadId) {
      content['m.relates_to'] = { rel_type: 'm.thread', event_id: threadId, is_falling_back: !msg.replyToMessageId, 'm.in_reply_to': { event_id: msg.replyToMessageId ?? threadId } };
    } else if (msg.replyToMessageId) {
      content['m.relates_to'] = { 'm.in_reply_to': { event_id: msg.replyToMessageId } };
    }
    const res = await client.sendEvent(roomId, threadId ?? null, 'm.room.message' as never, content as never);
    return { messageId: res.event_id };
  } catch (err) {
    throw toSendError(err, deps.userId);
  }
}
