import { createIndexedDbKeyStore, loadOrCreateDeviceIdentity, type DeviceIdentity } from '../src-renderer/client/device-identity.js';

/**
 * The node page's own identity. It must not share the Control UI's key (same origin, other
 * database): one device id is one role on the gateway, and this one is a node.
 */
const DB_NAME = 'openclaw-node-page';

/** This browser's node identity: created once, then the same on every visit. */
export function loadNodeIdentity(): Promise<DeviceIdentity> {
  return loadOrCreateDeviceIdentity(createIndexedDbKeyStore(indexedDB, DB_NAME));
}

const tokenKey = (deviceId: string) => `openclaw.node.deviceToken.${deviceId}`;

/** The node token the gateway issued to this identity; useless without its non-extractable key. */
export const nodeTokenStore = {
  load(deviceId: string): string | undefined {
    try {
      return localStorage.getItem(tokenKey(deviceId)) ?? undefined;
    } catch {
      return undefined;
    }
  },
  save(deviceId: string, token: string): void {
    try {
      localStorage.setItem(tokenKey(deviceId), token);
    } catch {
      // Storage disabled: this visit works, the next one needs a new setup code.
    }
  },
  forget(deviceId: string): void {
    try {
      localStorage.removeItem(tokenKey(deviceId));
    } catch {
      // Same as above.
    }
  },
};
