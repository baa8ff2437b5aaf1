/**
 * `/sync` for the fake homeserver (client-server API §Syncing): everything
 * after the `since` position the user may see, or, with no `since`, the
 * current state of every room with the last few timeline events. Tokens are
 * `s<position>`.
 */
import type { FakeDevice, MatrixEvent, MatrixWorld } from './world.js';

/** A stored filter's room timeline limit (the only part of filters the fake honours). */
export function timelineLimitOf(filter: unknown): number {
  const limit = (filter as { room?: { timeline?: { limit?: unknown } } } | undefined)?.room?.timeline?.limit;
  return typeof limit === 'number' && limit >= 0 ? limit : 10;
}

/** `s123` → 123; undefined for an initial sync; NaN for garbage (the caller answers 400). */
export function parseSince(since: string | null): number | undefined {
  if (since === null || since === '') return undefined;
  return /^s\d+$/.test(since) ? Number(since.slice(1)) : Number.NaN;
}

const stripped = (e: MatrixEvent) => ({ type: e.type, state_key: e.state_key, sender: e.sender, content: e.content });

/** Everything new for one device since `since` (positions `(since, upTo]`), or undefined when nothing is. */
export function buildSync(world: MatrixWorld, device: FakeDevice, since: number | undefined, limit: number, txnIds: Map<string, string>): Record<string, unknown> | undefined {
  const upTo = world.pos;
  const after = since ?? 0;
  const userId = device.userId;
  const join: Record<string, unknown> = {};
  const invite: Record<string, unknown> = {};
  const leave: Record<string, unknown> = {};

  for (const room of world.rooms.values()) {
    const membership = world.membership(room.roomId, userId);
    const memberEvent = [...room.timeline].reverse().find((s) => s.event.type === 'm.room.member' && s.event.state_key === userId);
    if (!membership || !memberEvent) continue;
    const withTxn = (e: MatrixEvent): MatrixEvent => {
      const txn = txnIds.get(`${device.accessToken}\u0000${e.event_id}`);
      return txn ? { ...e, unsigned: { ...e.unsigned, transaction_id: txn } } : e;
    };
    if (membership === 'join') {
      const newlyJoined = since === undefined || memberEvent.pos > after;
      let timeline = room.timeline.filter((s) => s.pos > after && s.pos <= upTo);
      let limited = false;
      if (newlyJoined) {
        const visible = room.timeline.filter((s) => s.pos <= upTo);
        timeline = limit === 0 ? [] : visible.slice(-limit);
        limited = timeline.length < visible.length;
      }
      if (!newlyJoined && timeline.length === 0) continue;
      const inTimeline = new Set(timeline.map((s) => s.event.event_id));
      const state = newlyJoined ? [...room.state.values()].filter((e) => !inTimeline.has(e.event_id)) : [];
      join[room.roomId] = {
        timeline: { events: timeline.map((s) => withTxn(s.event)), limited, prev_batch: `s${timeline[0] ? timeline[0].pos - 1 : after}` },
        state: { events: state },
        ephemeral: { events: [] },
        account_data: { events: [] },
        unread_notifications: { highlight_count: 0, notification_count: 0 },
      };
    } else if (membership === 'invite' && memberEvent.pos > after && memberEvent.pos <= upTo) {
      const keep = ['m.room.create', 'm.room.name', 'm.room.join_rules', 'm.room.encryption', 'm.room.canonical_alias'];
      const events = [...room.state.values()].filter((e) => keep.includes(e.type) || (e.type === 'm.room.member' && (e.state_key === userId || e.state_key === memberEvent.event.sender)));
      invite[room.roomId] = { invite_state: { events: events.map(stripped) } };
    } else if (membership === 'leave' && since !== undefined && memberEvent.pos > after && memberEvent.pos <= upTo) {
      leave[room.roomId] = { timeline: { events: [memberEvent.event], limited: false }, state: { events: [] } };
    }
  }

  const user = world.users.get(userId);
  const accountData = [...(user?.accountData ?? [])].filter(([, v]) => v.pos > after && v.pos <= upTo).map(([type, v]) => ({ type, content: v.content }));
  device.toDevice = device.toDevice.filter((m) => m.pos > after);
  const toDevice = device.toDevice.filter((m) => m.pos <= upTo).map((m) => m.message);
  const mates = world.roomMates(userId);
  const changed = since === undefined ? [] : [...new Set(world.keyChanges.filter((c) => c.pos > after && c.pos <= upTo && mates.has(c.userId)).map((c) => c.userId))];

  const empty = !Object.keys(join).length && !Object.keys(invite).length && !Object.keys(leave).length && !accountData.length && !toDevice.length && !changed.length;
  if (empty && since !== undefined) return undefined;
  return {
    next_batch: `s${upTo}`,
    rooms: { join, invite, leave },
    account_data: { events: accountData },
    to_device: { events: toDevice },
    presence: { events: [] },
    device_lists: { changed, left: [] },
    device_one_time_keys_count: world.oneTimeKeyCounts(device),
    device_unused_fallback_key_types: [...new Set([...device.fallbackKeys.keys()].map((k) => k.split(':')[0]!))],
  };
}

/** An empty incremental answer at the current position (a long poll that timed out). */
export function emptySync(world: MatrixWorld, device: FakeDevice): Record<string, unknown> {
  return {
    next_batch: `s${world.pos}`,
    rooms: { join: {}, invite: {}, leave: {} },
    account_data: { events: [] },
    to_device: { events: [] },
    presence: { events: [] },
    device_lists: { changed: [], left: [] },
    device_one_time_keys_count: world.oneTimeKeyCounts(device),
    device_unused_fallback_key_types: [...new Set([...device.fallbackKeys.keys()].map((k) => k.split(':')[0]!))],
  };
}
