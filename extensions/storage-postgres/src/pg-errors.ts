import { StoreOpenError, StoreUnavailableError } from '../../../src-shared/store/types.js';

interface PgError extends Error {
  code?: string;
  severity?: string;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections; class 08 is every connection exception.
const SERVER_GONE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_MESSAGES = /Connection terminated|connection error|timeout exceeded when trying to connect|Connection ended|server closed the connection|Client was closed/i;

/** The database cannot be reached right now (down, restarting, network), as opposed to a refused query. */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as PgError).code;
  if (code && (CONNECTION_CODES.has(code) || SERVER_GONE_CODES.has(code) || code.startsWith('08'))) return true;
  return CONNECTION_MESSAGES.test(err.message);
}

/**
 * A failure while serving a request, in the words the gateway shows: an unreachable or restarting server and
 * a statement timeout become {@link StoreUnavailableError} (the wire's UNAVAILABLE, retryable); the pool opens
 * fresh connections by itself once the server is back. Anything else (a constraint, a bug) passes unchanged.
 */
export function toRequestError(err: unknown, where: string): unknown {
  if (err instanceof StoreUnavailableError) return err;
  const code = (err as PgError | undefined)?.code;
  if (code === '57014') return new StoreUnavailableError('storage unavailable: a PostgreSQL query ran longer than storage.postgres.statementTimeoutMs and was cancelled', { cause: err });
  if (isConnectionFailure(err)) {
    return new StoreUnavailableError(`storage unavailable: the PostgreSQL server at ${where} cannot be reached or is restarting (${(err as Error).message}); requests fail until it is back, and reconnect by themselves`, { cause: err });
  }
  return err;
}

/** Why the store could not be opened, with the fix. */
export function toOpenError(err: unknown, target: { where: string; user: string; database: string }): StoreOpenError {
  if (err instanceof StoreOpenError) return err;
  const e = err as PgError;
  const code = e?.code;
  const msg = e instanceof Error ? e.message : String(err);
  if (code === '28P01' || (code === '28000' && /password|authentication/i.test(msg))) {
    return new StoreOpenError(`PostgreSQL at ${target.where} refused the password for user "${target.user}": check the password in storage.postgres.url (or the PGPASSWORD it names)`, 'auth', { cause: err });
  }
  if (code === '28000') return new StoreOpenError(`PostgreSQL at ${target.where} refused user "${target.user}" (${msg}): check pg_hba.conf and the user in storage.postgres.url`, 'auth', { cause: err });
  if (code === '3D000') {
    return new StoreOpenError(`the database "${target.database}" does not exist on the PostgreSQL server at ${target.where}: create it (createdb ${target.database}) or fix storage.postgres.url`, 'database-missing', { cause: err });
  }
  if (code === '42501') return new StoreOpenError(`user "${target.user}" may not create the gateway's tables in "${target.database}" (${msg}): grant it CREATE on the database or use its owner`, 'auth', { cause: err });
  if (/SSL|TLS|certificate/i.test(msg)) return new StoreOpenError(`TLS to PostgreSQL at ${target.where} failed (${msg}): check storage.postgres.tls`, 'tls', { cause: err });
  if (isConnectionFailure(err)) {
    return new StoreOpenError(`cannot reach the PostgreSQL server at ${target.where} (${code ?? msg}): is it running there, and is storage.postgres.url right?`, 'unreachable', { cause: err });
  }
  return new StoreOpenError(`PostgreSQL at ${target.where}: ${msg}`, 'other', { cause: err });
}
