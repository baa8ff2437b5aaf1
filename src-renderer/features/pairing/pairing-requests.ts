import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { ShownError } from '../../ui-error.js';

export type SenderRequest = MethodResult<'channels.pairing.list'>['requests'][number];
export type DeviceRequest = MethodResult<'device.pair.list'>['pending'][number];

/** Sender requests still open at `now`, the one expiring first on top. */
export function openSenderRequests(requests: readonly SenderRequest[], now: number): SenderRequest[] {
  return requests
    .map((r) => ({ r, expires: Date.parse(r.expiresAt) }))
    .filter(({ expires }) => !(expires <= now))
    .sort((a, b) => a.expires - b.expires)
    .map(({ r }) => r);
}

/** Device requests still open at `now`, the one expiring first on top. */
export function openDeviceRequests(requests: readonly DeviceRequest[], now: number): DeviceRequest[] {
  return requests.filter((r) => r.expiresAtMs > now).sort((a, b) => a.expiresAtMs - b.expiresAtMs);
}

/** `Ada (12345)`, or the bare id when the platform gave no name. */
export const senderLabel = (r: SenderRequest): string => (r.meta.name ? `${r.meta.name} (${r.id})` : r.id);

/** Messages held back until the sender is approved. */
export function heldMessagesText(count: number): string {
  if (count === 0) return 'no messages held';
  return count === 1 ? '1 message held' : `${count} messages held`;
}

/** Why a device is asking, in words. */
export function deviceRequestReason(reason: string): string {
  switch (reason) {
    case 'not-paired':
      return 'New device';
    case 'role-upgrade':
      return 'Paired device asking for a different role';
    case 'scope-upgrade':
      return 'Paired device asking for more permissions';
    default:
      return reason;
  }
}

/** What a device is called: its name, its client id, or the start of its id. */
export const deviceName = (d: { displayName?: string; clientId?: string }, id: string): string => d.displayName || d.clientId || `${id.slice(0, 12)}…`;

export const deviceRequestName = (r: DeviceRequest): string => deviceName(r, r.deviceId);

/** Whether a call was refused because this connection lacks a scope (the page then explains instead of offering buttons). */
export const isMissingScope = (e: ShownError | undefined): boolean => e?.code === 'MISSING_SCOPE';
