import pg from 'pg';
import type { PluginLogger } from '../../../src-shared/plugin/api.js';
import { toQueueItem, type QueueRow } from '../../../src-shared/store/rows.js';
import type { CoordinationTopic, GatewayInstance, QueueItem, StoreCoordination } from '../../../src-shared/store/types.js';
import type { Atomic } from './repos.js';

/** How often this gateway says it is alive and reads the others. */
const HEARTBEAT_MS = 1000;
/** A heartbeat unanswered this long means the connection is gone (the server's own keep-alive gives up later, see below). */
const HEARTBEAT_TIMEOUT_MS = 2500;
/** A notification's payload limit is 8000 bytes; larger notes travel through `gateway_events`. */
const INLINE_NOTE_BYTES = 7000;
/** Notes kept in `gateway_events` this long for the others to read. */
const NOTE_RETENTION_MS = 60_000;
const LISTENED = ['openclaw_queue', 'openclaw_outbox', 'openclaw_event', 'openclaw_abort'] as const;

// The server gives up on a connection it hears nothing from after about 2 + 3 × 1 s; this gateway gives up
// on its own side sooner (HEARTBEAT_TIMEOUT_MS), so it stops acting as an owner before the others can see it dead.
const SERVER_KEEPALIVE = 'SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 3';

// A gateway is alive while the server still has its coordination connection: the same backend pid, started at the same time.
const LIVENESS_OF_ME = "(SELECT a.pid::text || '@' || extract(epoch from a.backend_start)::text FROM pg_stat_activity a WHERE a.pid = pg_backend_pid())";
const ALIVE = "EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid::text || '@' || extract(epoch from a.backend_start)::text = i.liveness)";

interface InstanceRow {
  instance_id: string;
  host: string;
  pid: number;
  port: number | null;
  started_at_ms: number;
  seen_at_ms: number;
  role: string;
  alive: boolean;
}

export interface CoordinationDeps {
  instanceId: string;
  /** A new client for the coordination connection (the store's connection settings). */
  client: () => pg.Client;
  atomic: Atomic;
  /** One statement on a pooled connection, outside any transaction. */
  query: Query;
  log: PluginLogger;
}

export type Query = (text: string, values: unknown[]) => Promise<void>;

/**
 * Gateways sharing one PostgreSQL database. This gateway's coordination connection (its own, outside the
 * pool) registers it in `gateway_instances` with the identity of that server backend, LISTENs for the
 * others' notes and says every second that it is alive. When the connection dies the server forgets the
 * backend, and the other gateways see this one dead at once: its sessions can be claimed.
 */
export function createCoordination(deps: CoordinationDeps): StoreCoordination {
  const { instanceId: me, log } = deps;
  const listeners = new Set<(topic: CoordinationTopic | 'queue' | 'outbox' | 'live', payload: unknown) => void>();
  let info: { host: string; pid: number; port?: number; role: string } | undefined;
  let startedAtMs = Date.now();
  let conn: pg.Client | undefined;
  let live = false;
  let closed = false;
  let peers: GatewayInstance[] = [];
  let beat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let lastPruneMs = 0;

  const emit = (topic: CoordinationTopic | 'queue' | 'outbox' | 'live', payload: unknown) => {
    for (const fn of [...listeners]) {
      try {
        fn(topic, payload);
      } catch (err) {
        log.warn('a coordination listener failed', { topic, err: (err as Error).message });
      }
    }
  };

  const setLive = (next: boolean) => {
    if (next === live) return;
    live = next;
    log.info(next ? 'joined the gateways sharing the database' : 'lost the coordination connection; the other gateways may take over this one’s conversations', { instanceId: me });
    if (next) emit('live', true);
  };

  const drop = (c: pg.Client, why: string) => {
    if (conn !== c) return;
    conn = undefined;
    clearInterval(beat);
    setLive(false);
    log.warn('the coordination connection failed', { err: why });
    // A connection that stopped answering may never finish a polite end: cut it.
    (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    c.end().catch(() => undefined);
    scheduleConnect();
  };

  const scheduleConnect = () => {
    if (closed) return;
    clearTimeout(retry);
    retry = setTimeout(() => void connect(), HEARTBEAT_MS);
    retry.unref();
  };

  const onNotification = (n: pg.Notification) => {
    const raw = n.payload ?? '';
    if (n.channel === 'openclaw_queue' || n.channel === 'openclaw_outbox') {
      const cut = raw.indexOf('\u001f');
      if (raw.slice(0, cut) === me) return;
      emit(n.channel === 'openclaw_queue' ? 'queue' : 'outbox', raw.slice(cut + 1));
      return;
    }
    const topic: CoordinationTopic = n.channel === 'openclaw_event' ? 'event' : 'abort';
    let note: { from: string; data?: unknown; batch?: unknown[]; ref?: number };
    try {
      note = JSON.parse(raw) as typeof note;
    } catch {
      return;
    }
    if (note.from === me) return;
    if (Array.isArray(note.batch)) return note.batch.forEach((data) => emit(topic, data));
    if (note.ref === undefined) return emit(topic, note.data);
    void deps
      .atomic((db) => db.query<{ payload_json: string }>('SELECT payload_json FROM gateway_events WHERE id = $1', [note.ref]))
      .then((r) => {
        const row = r.rows[0];
        if (row) emit(topic, JSON.parse(row.payload_json));
      })
      .catch((err: unknown) => log.warn('a large note from another gateway could not be read', { err: (err as Error).message }));
  };

  // One heartbeat at a time: a slow one is still timed by its queries' own timeouts, the next waits for it.
  const beating = new WeakSet<pg.Client>();
  const heartbeat = async (c: pg.Client) => {
    if (beating.has(c)) return;
    beating.add(c);
    try {
      await beatOnce(c);
    } finally {
      beating.delete(c);
    }
  };
  const beatOnce = async (c: pg.Client) => {
    const now = Date.now();
    const q = (text: string, values: unknown[]) => c.query({ text, values, query_timeout: HEARTBEAT_TIMEOUT_MS } as pg.QueryConfig);
    try {
      await q('UPDATE gateway_instances SET seen_at_ms = $2, role = $3, port = $4 WHERE instance_id = $1', [me, now, info!.role, info!.port ?? null]);
      const rows = (await q(`SELECT i.*, ${ALIVE} AS alive FROM gateway_instances i ORDER BY i.started_at_ms, i.instance_id`, [])).rows as InstanceRow[];
      peers = rows.map((r) => ({
        instanceId: r.instance_id,
        host: r.host,
        pid: r.pid,
        ...(r.port ? { port: r.port } : {}),
        startedAtMs: r.started_at_ms,
        seenAtMs: r.seen_at_ms,
        role: r.role,
        alive: r.alive,
        self: r.instance_id === me,
      }));
      if (now - lastPruneMs > 30_000) {
        lastPruneMs = now;
        // Gateways gone for an hour are forgotten; notes older than a minute were read by everyone who was there.
        await q(`DELETE FROM gateway_instances i WHERE NOT ${ALIVE} AND i.seen_at_ms < $1`, [now - 3_600_000]);
        await q('DELETE FROM gateway_events WHERE created_at_ms < $1', [now - NOTE_RETENTION_MS]);
      }
    } catch (err) {
      drop(c, (err as Error).message);
    }
  };

  const connect = async (): Promise<void> => {
    if (closed || conn || !info) return;
    const c = deps.client();
    conn = c;
    c.on('error', (err) => drop(c, err.message));
    c.on('end', () => drop(c, 'the server closed it'));
    c.on('notification', onNotification);
    try {
      await c.connect();
      await c.query(SERVER_KEEPALIVE);
      for (const ch of LISTENED) await c.query(`LISTEN ${ch}`);
      await c.query(
        `INSERT INTO gateway_instances (instance_id, host, pid, port, started_at_ms, seen_at_ms, role, liveness) VALUES ($1, $2, $3, $4, $5, $6, $7, ${LIVENESS_OF_ME})
         ON CONFLICT (instance_id) DO UPDATE SET seen_at_ms = EXCLUDED.seen_at_ms, role = EXCLUDED.role, port = EXCLUDED.port, liveness = EXCLUDED.liveness`,
        [me, info.host, info.pid, info.port ?? null, startedAtMs, Date.now(), info.role],
      );
      if (conn !== c) return;
      await heartbeat(c);
      if (conn !== c) return;
      setLive(true);
      beat = setInterval(() => void heartbeat(c), HEARTBEAT_MS);
      beat.unref();
    } catch (err) {
      drop(c, (err as Error).message);
    }
  };

  // Notes of one tick leave together: one payload per topic (split where it would pass the inline limit), all in one
  // statement outside any transaction, instead of a transaction each. Order is kept within a topic.
  let outgoing: { topic: CoordinationTopic; data: unknown; done: { resolve(): void; reject(err: unknown): void } }[] = [];
  let sending: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = outgoing;
    outgoing = [];
    if (!batch.length) return;
    sending = sendNotes(batch.map((n) => ({ topic: n.topic, data: n.data }))).then(
      () => batch.forEach((n) => n.done.resolve()),
      (err: unknown) => batch.forEach((n) => n.done.reject(err)),
    );
  };
  const sendNotes = async (notes: { topic: CoordinationTopic; data: unknown }[]) => {
    const inline: [string, string][] = [];
    const large: [string, string][] = [];
    for (const topic of new Set(notes.map((n) => n.topic))) {
      let run: string[] = [];
      let bytes = 0;
      const close = () => {
        if (run.length) inline.push([`openclaw_${topic}`, `{"from":${JSON.stringify(me)},"batch":[${run.join(',')}]}`]);
        run = [];
        bytes = 0;
      };
      for (const n of notes) {
        if (n.topic !== topic) continue;
        const json = JSON.stringify(n.data ?? null);
        const size = Buffer.byteLength(json);
        if (size > INLINE_NOTE_BYTES) {
          close();
          large.push([`openclaw_${topic}`, json]);
          continue;
        }
        if (bytes + size > INLINE_NOTE_BYTES) close();
        run.push(json);
        bytes += size + 1;
      }
      close();
    }
    if (inline.length) {
      const calls = inline.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(', ');
      await deps.query(`SELECT ${calls}`, inline.flat());
    }
    for (const [channel, json] of large) {
      await deps.atomic(async (db) => {
        const id = (await db.query<{ id: number }>('INSERT INTO gateway_events (payload_json, created_at_ms) VALUES ($1, $2) RETURNING id', [json, Date.now()])).rows[0]!.id;
        await db.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ from: me, ref: id })]);
      });
    }
  };

  return {
    instanceId: me,
    async join(i) {
      info = { ...i };
      startedAtMs = Date.now();
      await connect();
    },
    setRole(role) {
      if (info) info.role = role;
    },
    live: () => live,

    claim<P>(limit: number, releasing: readonly string[] = []) {
      return deps.atomic(async (db) => {
        const now = Date.now();
        // Sessions this gateway is done with go back first (only those with nothing open: new messages keep them here).
        if (releasing.length) {
          await db.query(
            `UPDATE queue_session_owner o SET owner = NULL, claimed_at_ms = NULL
             WHERE o.session_key = ANY($2) AND o.owner = $1
               AND NOT EXISTS (SELECT 1 FROM inbound_queue q WHERE q.session_key = o.session_key AND q.status IN ('pending', 'running'))`,
            [me, releasing],
          );
        }
        // Sessions with open messages that nobody alive owns: locked rows are being claimed by another gateway right now, skipped.
        const claimed = (
          await db.query<{ session_key: string }>(
            `UPDATE queue_session_owner o SET owner = $1, claimed_at_ms = $2
             WHERE o.session_key IN (
               SELECT s.session_key FROM queue_session_owner s
               WHERE s.session_key IN (SELECT q.session_key FROM inbound_queue q WHERE q.status IN ('pending', 'running'))
                 AND (s.owner IS NULL OR (s.owner <> $1 AND NOT EXISTS (SELECT 1 FROM gateway_instances i WHERE i.instance_id = s.owner AND ${ALIVE})))
               ORDER BY s.session_key LIMIT $3
               FOR UPDATE SKIP LOCKED)
             RETURNING o.session_key`,
            [me, now, limit],
          )
        ).rows.map((r) => r.session_key);
        // Their open messages, and new ones of sessions held already; what a dead owner was running runs again.
        const rows = (
          await db.query<QueueRow>(
            `UPDATE inbound_queue q SET owner = $1, status = 'pending'
             FROM queue_session_owner o
             WHERE o.session_key = q.session_key AND o.owner = $1 AND q.status IN ('pending', 'running')
               AND q.owner IS DISTINCT FROM $1
             RETURNING q.*`,
            [me],
          )
        ).rows;
        if (claimed.length) log.debug('claimed conversations', { sessions: claimed.length, messages: rows.length });
        return rows.map((r) => toQueueItem(r) as QueueItem<P>).sort((a, b) => a.id - b.id);
      });
    },

    notify(topic, data) {
      return new Promise<void>((resolve, reject) => {
        outgoing.push({ topic, data, done: { resolve, reject } });
        if (outgoing.length === 1) setImmediate(flush);
      });
    },

    onNotice(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    peers: () => peers,

    async close() {
      if (closed) return;
      closed = true;
      // Notes said before leaving still reach the others.
      flush();
      await sending;
      clearTimeout(retry);
      clearInterval(beat);
      const c = conn;
      conn = undefined;
      live = false;
      if (!c) return;
      // Leaving on purpose: marked gone, so status elsewhere says so rather than waiting for it.
      await c.query("UPDATE gateway_instances SET liveness = NULL, role = 'stopped', seen_at_ms = $2 WHERE instance_id = $1", [me, Date.now()]).catch(() => undefined);
      await c.end().catch(() => undefined);
    },
  };
}
