import { loadOrCreateDeviceIdentity, type DeviceIdentity, type KeyPairStore } from '../src-renderer/client/device-identity.js';

/**
 * The node page's own identity. It must not share the Control UI's key (same origin, other
 * database): one device id is one role on the gateway, and this one is a node.
 */
const DB_NAME = 'openclaw-node-page';
const STORE = 'device';
const RECORD = 'identity';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(idb: IDBFactory): Promise<IDBDatabase> {
  const req = idb.open(DB_NAME, 1);
  req.onupgradeneeded = () => {
    if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
  };
  return request(req);
}

/** The non-extractable CryptoKeyPair, stored as is (structured clone) so it never leaves WebCrypto. */
function keyStore(idb: IDBFactory): KeyPairStore {
  const withStore = async <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await openDb(idb);
    try {
      return await request(fn(db.transaction(STORE, mode).objectStore(STORE)));
    } finally {
      db.close();
    }
  };
  return {
    async load() {
      const keys = (await withStore('readonly', (s) => s.get(RECORD))) as CryptoKeyPair | undefined;
      return keys?.privateKey && keys.publicKey ? keys : undefined;
    },
    async save(keys) {
      await withStore('readwrite', (s) => s.put(keys, RECORD));
    },
  };
}

/** This browser's node identity: created once, then the same on every visit. */
export function loadNodeIdentity(): Promise<DeviceIdentity> {
  return loadOrCreateDeviceIdentity(keyStore(indexedDB));
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
