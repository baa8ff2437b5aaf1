/**
 * End-to-end encryption with matrix-js-sdk's Rust crypto (WebAssembly).
 * It needs WebCrypto and WebAssembly, both in Node 20, and keeps its state in
 * IndexedDB, which `crypto-store.ts` provides and saves in the account's data
 * folder: after a restart the bot is the same device with the same keys and
 * still reads the rooms it was in.
 */
import { join } from 'node:path';
import type { MatrixClient } from 'matrix-js-sdk';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';
import { PersistentCryptoStore } from './crypto-store.js';
import { describeMatrixError } from './errors.js';

export const CRYPTO_STORE_FILE = 'crypto-store.v8';

export interface EncryptionState {
  enabled: boolean;
  problem?: string;
  /** Where the crypto state is saved; present when enabled. */
  store?: PersistentCryptoStore;
}

export async function setUpEncryption(client: MatrixClient, opts: { dataDir: string; userId: string; deviceId: string; log: ChannelLogger }): Promise<EncryptionState> {
  if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'object') return { enabled: false, problem: 'this Node.js has no WebAssembly' };
  if (!globalThis.crypto?.subtle) return { enabled: false, problem: 'this Node.js has no WebCrypto (globalThis.crypto.subtle)' };
  const file = join(opts.dataDir, CRYPTO_STORE_FILE);
  const onSaveError = (err: Error) => opts.log.warn('matrix crypto store not saved', { error: err.message });
  const onSaved = (facts: { bytes: number; ms: number }) => opts.log.debug('matrix crypto store saved', facts);
  let store = new PersistentCryptoStore(file, opts.userId, opts.deviceId, onSaveError, onSaved);
  let restored = false;
  try {
    restored = await store.restore();
  } catch (err) {
    opts.log.warn('matrix crypto store not restored; starting a new one', { error: (err as Error).message });
  }
  store.startWriteThrough();
  try {
    await client.initRustCrypto({ useIndexedDB: true, cryptoDatabasePrefix: store.prefix });
  } catch (err) {
    if (!restored) return { enabled: false, problem: describeMatrixError(err) };
    // A saved store the SDK cannot open must not keep encryption off for good: start a new one, and say so.
    opts.log.warn('matrix crypto store could not be opened; starting a new one (messages encrypted for the old keys stay unreadable)', { error: describeMatrixError(err) });
    await store.dispose();
    store = new PersistentCryptoStore(file, opts.userId, opts.deviceId, onSaveError, onSaved);
    store.startWriteThrough();
    try {
      await client.initRustCrypto({ useIndexedDB: true, cryptoDatabasePrefix: store.prefix });
    } catch (again) {
      return { enabled: false, problem: describeMatrixError(again) };
    }
  }
  await store.save();
  opts.log.info('matrix crypto store ready', { restored });
  return { enabled: true, store };
}
