import WebSocket from 'ws';

/** A raw socket that records every frame, for tests that speak the wire protocol by hand. */
export class WsProbe {
  readonly frames: unknown[] = [];
  private waiters: { pred: (f: unknown) => boolean; resolve: (f: unknown) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(
    readonly url: string,
    headers?: Record<string, string>,
  ) {
    this.ws = new WebSocket(url, { headers, perMessageDeflate: false });
    this.ws.on('error', () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('message', (data) => {
      let f: unknown;
      try {
        f = JSON.parse(data.toString());
      } catch {
        f = { unparsable: data.toString() };
      }
      this.frames.push(f);
      for (const w of [...this.waiters]) {
        if (w.pred(f)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(f);
        }
      }
    });
  }

  readonly ws: WebSocket;

  /** The first frame (already received or future) matching `pred`. */
  next<T = Record<string, unknown>>(pred: (f: Record<string, unknown>) => boolean = () => true, timeoutMs = 5000): Promise<T> {
    const seen = this.frames.find((f) => pred(f as Record<string, unknown>));
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen as T);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 500)}`)), timeoutMs);
      this.waiters.push({
        pred: (f) => pred(f as Record<string, unknown>),
        resolve: (f) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(f), 1);
          resolve(f as T);
        },
      });
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  close(): void {
    this.ws.terminate();
  }
}
