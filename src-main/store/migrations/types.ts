import type Database from 'better-sqlite3';

/** One schema change. `version` equals the number in the file name. */
export interface Migration {
  version: number;
  name: string;
  /** Applies the change; runs inside a transaction opened by the runner. */
  up(db: Database.Database): void;
}
