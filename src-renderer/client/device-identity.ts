import { buildDeviceAuthPayloadV3, toBase64Url, type DeviceProof } from '../../src-shared/protocol/index.js';

/**
 * The Control UI's device identity: an Ed25519 key pair made with WebCrypto. The private key is
 * non-extractable and only ever kept as a CryptoKey (IndexedDB stores it by structured clone), so
 * script on the page can sign with it but nobody can copy it out.
 */
export interface DeviceIdentity {
  /** Lowercase hex SHA-256 of the raw 32-byte public key. */
  deviceId: string;
  /** The raw public key, base64url without padding. */
  publicKey: string;
  keys: CryptoKeyPair;
}

/** Where the key pair lives between page loads (IndexedDB in a browser, a Map in tests). */
export interface KeyPairStore {
  load(): Promise<CryptoKeyPair | undefined>;
  save(keys: CryptoKeyPair): Promise<void>;
}

/** What `connect` binds into the signature besides the device itself. */
export interface DeviceSignInput {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  /** The credential in `auth` (gateway token or device token), or empty. */
  token: string;
  /** From `connect.challenge`. */
  nonce: string;
  /** `connect.challenge.ts`: server time, so a skewed browser clock does not matter. */
  signedAtMs: number;
  platform?: string;
  deviceFamily?: string;
}

/** Signs a connect; the WS client depends on this, not on WebCrypto. */
export interface DeviceSigner {
  readonly deviceId: string;
  /** The raw public key, base64url: what a one-time login link binds its credential to. */
  readonly publicKey: string;
  sign(input: DeviceSignInput): Promise<DeviceProof>;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto is not available: open the Control UI over http://127.0.0.1 or https');
  return s;
}

/** Lowercase hex SHA-256 of the raw public key, as the gateway derives it. */
export async function deriveDeviceId(rawPublicKey: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', rawPublicKey as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Public id and key of a key pair. */
export async function describeKeyPair(keys: CryptoKeyPair): Promise<DeviceIdentity> {
  const raw = new Uint8Array(await subtle().exportKey('raw', keys.publicKey));
  return { deviceId: await deriveDeviceId(raw), publicKey: toBase64Url(raw), keys };
}

/** A new non-extractable Ed25519 key pair (the public half is always exportable). */
export async function generateDeviceKeys(): Promise<CryptoKeyPair> {
  return (await subtle().generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
}

/** The stored identity, or a new one saved for next time. A store that fails leaves a per-page identity. */
export async function loadOrCreateDeviceIdentity(store: KeyPairStore): Promise<DeviceIdentity> {
  const stored = await store.load().catch(() => undefined);
  if (stored) return describeKeyPair(stored);
  const keys = await generateDeviceKeys();
  await store.save(keys).catch(() => undefined);
  return describeKeyPair(keys);
}

/** Build the v3 payload for this device and sign it. */
export async function signConnect(identity: DeviceIdentity, input: DeviceSignInput): Promise<DeviceProof> {
  const payload = buildDeviceAuthPayloadV3({ deviceId: identity.deviceId, ...input });
  const sig = new Uint8Array(await subtle().sign({ name: 'Ed25519' }, identity.keys.privateKey, new TextEncoder().encode(payload)));
  return { id: identity.deviceId, publicKey: identity.publicKey, signature: toBase64Url(sig), signedAt: input.signedAtMs, nonce: input.nonce };
}

export function createDeviceSigner(identity: DeviceIdentity): DeviceSigner {
  return { deviceId: identity.deviceId, publicKey: identity.publicKey, sign: (input) => signConnect(identity, input) };
}

/** In-memory store (tests, or a browser without IndexedDB). */
export function createMemoryKeyStore(): KeyPairStore {
  let keys: CryptoKeyPair | undefined;
  return {
    load: async () => keys,
    save: async (k) => void (keys = k),
  };
}

const CONTROL_UI_DB = 'openclaw-control-ui';
const STORE = 'device';
const RECORD = 'identity';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

async function openDb(idb: IDBFactory, dbName: string): Promise<IDBDatabase> {
  const req = idb.open(dbName, 1);
  req.onupgradeneeded = () => {
    if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
  };
  return request(req);
}

/**
 * IndexedDB store: the CryptoKeyPair is saved as is, so the private key stays
 * non-extractable. Each page that is its own device (the Control UI, the
 * phone's node page) passes its own database name: one key is one role.
 */
export function createIndexedDbKeyStore(idb: IDBFactory, dbName = CONTROL_UI_DB): KeyPairStore {
  return {
    async load() {
      const db = await openDb(idb, dbName);
      try {
        const value = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(RECORD));
        const keys = value as CryptoKeyPair | undefined;
        return keys?.privateKey && keys.publicKey ? keys : undefined;
      } finally {
        db.close();
      }
    },
    async save(keys) {
      const db = await openDb(idb, dbName);
      try {
        await request(db.transaction(STORE, 'readwrite').objectStore(STORE).put(keys, RECORD));
      } finally {
        db.close();
      }
    },
  };
}
