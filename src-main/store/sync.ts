/**
 * The SQLite repositories run synchronously (better-sqlite3): `SyncOf<Repo>` is the
 * backend-neutral async repository with every method's promise taken off.
 */
export type SyncOf<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};
