/** Persistent gateway state: the backend-neutral {@link Store} and its SQLite implementation. */
export type { DeviceRecord, DeviceTokenInfo, Store } from './types.js';
export { SchemaTooNewError, UnknownDeviceError } from './types.js';
export { openSqliteStore } from './sqlite-store.js';
export { guardStore, StoreUnavailableError, type GuardedStore, type StoreHealth } from './store-guard.js';
