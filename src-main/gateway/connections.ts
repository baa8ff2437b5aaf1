import type { GatewayConnection } from './connection.js';

/** What a part that follows connections (node registry, presence) is told. */
export interface ConnectionWatcher {
  onOpen?(conn: GatewayConnection): void;
  onClose?(conn: GatewayConnection): void;
  onPresenceChange?(): void;
}

/** The authenticated connections, as the parts that need them see them. */
export interface Connections {
  list(): GatewayConnection[];
  /** Close every open connection matching `pred` (credential rotated, device revoked); returns how many. */
  closeWhere(pred: (c: GatewayConnection) => boolean, code: number, reason: string): number;
  /** Follow opens, closes and roster changes; returns the function that stops following. */
  watch(w: ConnectionWatcher): () => void;
}

/**
 * The open, authenticated connections. The server adds and removes them; the
 * parts that follow them (nodes, presence) watch, so none of them needs the server.
 */
export class ConnectionSet implements Connections {
  private readonly conns = new Set<GatewayConnection>();
  private readonly watchers = new Set<ConnectionWatcher>();

  list(): GatewayConnection[] {
    return [...this.conns];
  }

  watch(w: ConnectionWatcher): () => void {
    this.watchers.add(w);
    return () => void this.watchers.delete(w);
  }

  add(c: GatewayConnection): void {
    this.conns.add(c);
    for (const w of [...this.watchers]) w.onOpen?.(c);
    this.presenceChanged();
  }

  /** A connection ended (its socket closed). */
  remove(c: GatewayConnection): void {
    for (const w of [...this.watchers]) w.onClose?.(c);
    if (this.conns.delete(c)) this.presenceChanged();
  }

  /** Forget every connection without the close hooks: their sockets report the close themselves. `quiet` when stopping. */
  clear(opts: { quiet?: boolean } = {}): void {
    this.conns.clear();
    if (!opts.quiet) this.presenceChanged();
  }

  broadcast(event: string, payload: unknown): void {
    for (const c of this.conns) c.sendEvent(event, payload);
  }

  closeWhere(pred: (c: GatewayConnection) => boolean, code: number, reason: string): number {
    let n = 0;
    for (const c of [...this.conns]) {
      if (pred(c)) {
        c.close(code, reason);
        this.conns.delete(c);
        for (const w of [...this.watchers]) w.onClose?.(c);
        n++;
      }
    }
    if (n) this.presenceChanged();
    return n;
  }

  private presenceChanged(): void {
    for (const w of [...this.watchers]) w.onPresenceChange?.();
  }
}
