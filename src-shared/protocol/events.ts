import { Type, type Static } from '@sinclair/typebox';
import { ConfigReloadStatusSchema, HealthSnapshotSchema } from './methods/system.js';
import { ConnectChallengeSchema, PresenceEntrySchema } from './frames.js';

/** Server events: payload schema and the scope a client needs to receive it (null: every authenticated client). */
export const EVENTS = {
  'connect.challenge': { payload: ConnectChallengeSchema, scope: null },
  tick: { payload: Type.Object({ ts: Type.Integer() }), scope: null },
  presence: { payload: Type.Object({ presence: Type.Array(PresenceEntrySchema) }), scope: null },
  health: { payload: HealthSnapshotSchema, scope: null },
  shutdown: {
    payload: Type.Object({ reason: Type.String(), restartExpectedMs: Type.Optional(Type.Integer()) }),
    scope: null,
  },
  'config.reloaded': { payload: ConfigReloadStatusSchema, scope: 'operator.read' },
} as const;

export type EventName = keyof typeof EVENTS;
export type EventPayload<E extends EventName> = Static<(typeof EVENTS)[E]['payload']>;
