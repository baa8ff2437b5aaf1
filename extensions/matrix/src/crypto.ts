/**
 * End-to-end encryption with matrix-js-sdk's Rust crypto (WebAssembly).
 * It needs WebCrypto and WebAssembly, both in Node 20. Its store lives in
 * memory: Node has no IndexedDB, which is where the SDK persists crypto
 * state, so each start of the account uploads fresh keys for its device
 * and room keys shared with an earlier run are not kept.
 */
import type { MatrixClient } from 'matrix-js-sdk';
import { describeMatrixError } from './errors.js';

export async function setUpEncryption(client: MatrixClient, _dataDir: string): Promise<{ enabled: boolean; problem?: string }> {
  if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'object') return { enabled: false, problem: 'this Node.js has no WebAssembly' };
  if (!globalThis.crypto?.subtle) return { enabled: false, problem: 'this Node.js has no WebCrypto (globalThis.crypto.subtle)' };
  try {
    await client.initRustCrypto({ useIndexedDB: false });
    return { enabled: true };
  } catch (err) {
    return { enabled: false, problem: describeMatrixError(err) };
  }
}
