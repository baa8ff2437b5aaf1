import pg from 'pg';
import type { PluginLogger } from '../../../src-shared/plugin/api.js';
import type { StoreLease } from '../../../src-shared/store/types.js';

const CHECK_EVERY_MS = 1000;
const CHECK_TIMEOUT_MS = 2500;
/** The server gives up on a silent connection (and so frees the lock) after about 2 + 3 × 1 s. */
const SERVER_KEEPALIVE = 'SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 3';

/**
 * A lease as a PostgreSQL session-level advisory lock on a connection of its own: the server releases
 * it the moment that connection dies, so a gateway that lost the connection also lost the lease, and says
 * so (`held` false) before anyone else can have taken it over. No clocks, no home-made consensus.
 */
export function createAdvisoryLease(name: string, client: () => pg.Client, log: PluginLogger, retryMs = 1000): StoreLease {
  let conn: pg.Client | undefined;
  let held = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let check: NodeJS.Timeout | undefined;
  const listeners = new Set<(held: boolean) => void>();
  const set = (next: boolean) => {
    if (next === held) return;
    held = next;
    log.info(next ? 'lease won' : 'lease lost', { lease: name });
    for (const l of listeners) l(next);
  };
  const retry = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void attempt(), retryMs);
    timer.unref();
  };
  const drop = (c: pg.Client) => {
    if (conn !== c) return;
    conn = undefined;
    clearInterval(check);
    set(false);
    // A connection that stopped answering may never finish a polite end: cut it.
    (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    c.end().catch(() => undefined);
    retry();
  };
  // Fencing: the holder asks every second whether its connection still answers and gives the lease up
  // after CHECK_TIMEOUT_MS of silence, sooner than the server drops a silent connection (SERVER_KEEPALIVE),
  // so it has stopped acting on the lease before anyone else can win it.
  const watch = (c: pg.Client) => {
    clearInterval(check);
    // One probe at a time: a slow answer is still timed by its own query_timeout, the next waits for it.
    let probing = false;
    check = setInterval(() => {
      if (probing) return;
      probing = true;
      c.query({ text: 'SELECT 1', query_timeout: CHECK_TIMEOUT_MS } as pg.QueryConfig).then(
        () => (probing = false),
        (err: unknown) => {
          probing = false;
          log.warn('the lease connection stopped answering', { lease: name, err: (err as Error).message });
          drop(c);
        },
      );
    }, CHECK_EVERY_MS);
    check.unref();
  };
  const attempt = async (): Promise<void> => {
    if (stopped) return;
    try {
      if (!conn) {
        const c = client();
        c.on('error', (err) => {
          log.warn('the lease connection failed', { lease: name, err: err.message });
          drop(c);
        });
        c.on('end', () => drop(c));
        conn = c;
        await c.connect();
        await c.query(SERVER_KEEPALIVE);
      }
      const r = await conn.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`openclaw.lease.${name}`]);
      if (stopped) return;
      if (r.rows[0]?.ok) {
        watch(conn);
        set(true);
      } else retry();
    } catch (err) {
      log.debug('lease not taken yet', { lease: name, err: (err as Error).message });
      if (conn) drop(conn);
      else retry();
    }
  };
  void attempt();
  return {
    name,
    held: () => held,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async release() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(check);
      const c = conn;
      conn = undefined;
      set(false);
      // Ending the connection releases the lock on the server.
      await c?.end().catch(() => undefined);
    },
  };
}
