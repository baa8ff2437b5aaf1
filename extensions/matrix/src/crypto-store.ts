/**
 * A crypto store for matrix-js-sdk's Rust crypto that survives a restart.
 *
 * The SDK persists crypto state (the device's identity keys, Olm and Megolm
 * sessions, tracked devices) only to IndexedDB, which Node lacks. We give it
 * fake-indexeddb (an in-memory IndexedDB) and keep its databases in a file in
 * the account's data folder, read back into fresh databases before the
 * crypto starts. The file is written through: the SDK hears that a write
 * transaction completed only once the file holds it, so nothing it sends
 * afterwards (an Olm message, a shared room key) can be ahead of what a
 * restart, even after a kill, brings back; an older Olm ratchet would make
 * the other side's devices reject everything the bot sends. Writes that come
 * together share one save. The file is tied to the user and device it was
 * made for, written atomically with mode 0600 like the session file.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import * as fakeIndexedDB from 'fake-indexeddb';

// The few IndexedDB shapes used here (the gateway's TypeScript has no DOM library).
interface Req<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface OpenReq extends Req<Db> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
  transaction: Tx | null;
}
interface Cursor {
  primaryKey: unknown;
  value: unknown;
  continue(): void;
}
interface Index {
  name: string;
  keyPath: string | string[];
  unique: boolean;
  multiEntry: boolean;
}
interface Store {
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexNames: ArrayLike<string>;
  index(name: string): Index;
  openCursor(): Req<Cursor | null>;
  put(value: unknown, key?: unknown): Req<unknown>;
  createIndex(name: string, keyPath: string | string[], opts: { unique: boolean; multiEntry: boolean }): void;
}
interface Tx {
  objectStore(name: string): Store;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: unknown;
}
interface Db {
  name: string;
  version: number;
  objectStoreNames: ArrayLike<string>;
  transaction(stores: string[], mode: 'readonly' | 'readwrite'): Tx;
  createObjectStore(name: string, opts: { keyPath?: string | string[] | null; autoIncrement: boolean }): Store;
  close(): void;
}
interface Factory {
  open(name: string, version?: number): OpenReq;
  deleteDatabase(name: string): Req<unknown> & { onblocked: (() => void) | null };
  databases(): Promise<{ name?: string; version?: number }[]>;
}

/** One database as saved: its stores (with indexes) and every record. */
interface SavedDatabase {
  /** The name without this run's prefix. */
  suffix: string;
  version: number;
  stores: {
    name: string;
    keyPath: string | string[] | null;
    autoIncrement: boolean;
    indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
    records: { key: unknown; value: unknown }[];
  }[];
}

interface SavedFile {
  format: 1;
  userId: string;
  deviceId: string;
  databases: SavedDatabase[];
}

const asPromise = <T>(req: Req<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error instanceof Error ? req.error : new Error(String(req.error)));
  });

const txDone = (tx: Tx): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error instanceof Error ? tx.error : new Error(String(tx.error ?? 'transaction aborted')));
  });

/** Stores by database prefix, for the write-through hook. */
const stores = new Map<string, PersistentCryptoStore>();
let hooked = false;

/**
 * Holds back the `complete` event of every write transaction on a store's databases until the
 * store has saved (fake-indexeddb commits in memory first; the event is what the SDK waits for).
 */
function hookWriteCompletion(): void {
  if (hooked) return;
  hooked = true;
  const proto = (fakeIndexedDB as unknown as { IDBTransaction: { prototype: { dispatchEvent(e: { type: string }): boolean } } }).IDBTransaction.prototype;
  const dispatch = proto.dispatchEvent;
  proto.dispatchEvent = function (this: { mode?: string; db?: { name?: string; _rawDatabase?: { processTransactions?(): void } } }, event: { type: string }): boolean {
    const name = this.db?.name ?? '';
    const store = event.type === 'complete' && this.mode === 'readwrite' ? [...stores.values()].find((s) => s.owns(name)) : undefined;
    if (!store) return dispatch.call(this, event);
    // fake-indexeddb starts the next waiting transaction from this event; with the event held back,
    // start it now, or the save's own read would wait for it forever.
    this.db?._rawDatabase?.processTransactions?.();
    void store.persistWrite().finally(() => dispatch.call(this, event));
    return true;
  };
}

/** The SDK finds IndexedDB on `globalThis`; Node has none, so fake-indexeddb's is installed (never over a real one). */
export function installIndexedDB(): Factory {
  const g = globalThis as Record<string, unknown>;
  if (!g.indexedDB) {
    hookWriteCompletion();
    const api = fakeIndexedDB as unknown as Record<string, unknown>;
    for (const name of ['IDBCursor', 'IDBCursorWithValue', 'IDBDatabase', 'IDBFactory', 'IDBIndex', 'IDBKeyRange', 'IDBObjectStore', 'IDBOpenDBRequest', 'IDBRequest', 'IDBTransaction', 'IDBVersionChangeEvent']) {
      if (!g[name]) Object.defineProperty(globalThis, name, { value: api[name], configurable: true, writable: true });
    }
    Object.defineProperty(globalThis, 'indexedDB', { value: api.indexedDB, configurable: true, writable: true });
  }
  return g.indexedDB as Factory;
}

async function openExisting(factory: Factory, name: string): Promise<Db> {
  return asPromise(factory.open(name));
}

async function dump(factory: Factory, name: string, suffix: string): Promise<SavedDatabase> {
  const db = await openExisting(factory, name);
  try {
    const names = Array.from(db.objectStoreNames);
    const saved: SavedDatabase = { suffix, version: db.version, stores: [] };
    if (!names.length) return saved;
    // One transaction over every store: a consistent picture even while the SDK writes.
    const tx = db.transaction(names, 'readonly');
    const done = txDone(tx);
    for (const storeName of names) {
      const store = tx.objectStore(storeName);
      const entry: SavedDatabase['stores'][number] = {
        name: storeName,
        keyPath: store.keyPath,
        autoIncrement: store.autoIncrement,
        indexes: Array.from(store.indexNames).map((n) => {
          const i = store.index(n);
          return { name: i.name, keyPath: i.keyPath, unique: i.unique, multiEntry: i.multiEntry };
        }),
        records: [],
      };
      saved.stores.push(entry);
      const cursorReq = store.openCursor();
      cursorReq.onsuccess = () => {
        const c = cursorReq.result;
        if (!c) return;
        entry.records.push({ key: c.primaryKey, value: c.value });
        c.continue();
      };
    }
    await done;
    return saved;
  } finally {
    db.close();
  }
}

async function load(factory: Factory, name: string, saved: SavedDatabase): Promise<void> {
  const req = factory.open(name, saved.version);
  req.onupgradeneeded = () => {
    const db = req.result;
    for (const s of saved.stores) {
      const store = db.createObjectStore(s.name, { keyPath: s.keyPath ?? undefined, autoIncrement: s.autoIncrement });
      for (const i of s.indexes) store.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
    }
  };
  const db = await asPromise(req);
  try {
    if (!saved.stores.length) return;
    const tx = db.transaction(saved.stores.map((s) => s.name), 'readwrite');
    const done = txDone(tx);
    for (const s of saved.stores) {
      const store = tx.objectStore(s.name);
      for (const r of s.records) {
        if (s.keyPath === null) store.put(r.value, r.key);
        else store.put(r.value);
      }
    }
    await done;
  } finally {
    db.close();
  }
}

/** The crypto databases of one account, backed by a file. */
export class PersistentCryptoStore {
  /** Databases are named per start, so a restart in the same process never meets the last run's. */
  readonly prefix = `openclaw-matrix-${randomUUID()}`;
  private readonly factory = installIndexedDB();
  private saving: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;
  private writeThrough = false;

  constructor(
    private readonly file: string,
    private readonly userId: string,
    private readonly deviceId: string,
    private readonly onSaveError: (err: Error) => void = () => undefined,
    private readonly onSaved: (facts: { bytes: number; ms: number }) => void = () => undefined,
  ) {}

  /** Whether a database belongs to this store. */
  owns(name: string): boolean {
    return name.startsWith(this.prefix);
  }

  /** Save every write from now on before the SDK learns it completed (after `restore`). */
  startWriteThrough(): void {
    this.writeThrough = true;
    stores.set(this.prefix, this);
  }

  /** A write transaction completed: resolves once a save that began after it has finished (or failed). */
  persistWrite(): Promise<void> {
    if (!this.writeThrough) return Promise.resolve();
    return this.save().catch((err: unknown) => this.onSaveError(err instanceof Error ? err : new Error(String(err))));
  }

  /** Put the saved databases back; false when there is nothing saved for this user and device. */
  async restore(): Promise<boolean> {
    let saved: SavedFile;
    try {
      saved = deserialize(await readFile(this.file)) as SavedFile;
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return false;
      throw new Error(`the saved crypto store ${this.file} could not be read (${(err as Error).message})`);
    }
    if (saved?.format !== 1 || saved.userId !== this.userId || saved.deviceId !== this.deviceId || !Array.isArray(saved.databases)) return false;
    for (const db of saved.databases) await load(this.factory, this.prefix + db.suffix, db);
    return true;
  }

  /**
   * Write the databases to the file. One save runs at a time; a call while one runs gets the
   * next one, which every call until it starts shares (it will include all their writes).
   */
  save(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.saving.then(() => {
      this.queued = undefined;
      return this.saveNow();
    });
    this.queued = next;
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Forget this run's in-memory databases (after the SDK let go of them). */
  async dispose(): Promise<void> {
    this.writeThrough = false;
    stores.delete(this.prefix);
    for (const name of await this.names()) {
      const req = this.factory.deleteDatabase(name);
      // A connection the SDK still holds blocks the delete until it closes; do not wait for that.
      await Promise.race([asPromise(req).catch(() => undefined), new Promise<void>((resolve) => (req.onblocked = () => resolve()))]);
    }
  }

  /** Remove the saved file (the account starts a new device). */
  async discard(): Promise<void> {
    await rm(this.file, { force: true });
  }

  private async names(): Promise<string[]> {
    return (await this.factory.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith(this.prefix));
  }

  private async saveNow(): Promise<void> {
    const started = performance.now();
    const databases: SavedDatabase[] = [];
    for (const name of await this.names()) databases.push(await dump(this.factory, name, name.slice(this.prefix.length)));
    if (!databases.length) return;
    const body: SavedFile = { format: 1, userId: this.userId, deviceId: this.deviceId, databases };
    const tmp = `${this.file}.${process.pid}.tmp`;
    const bytes = serialize(body);
    await writeFile(tmp, bytes, { mode: 0o600 });
    await rename(tmp, this.file);
    this.onSaved({ bytes: bytes.length, ms: Math.round((performance.now() - started) * 10) / 10 });
  }
}
