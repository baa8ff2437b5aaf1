import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started local server. `baseUrl` is the host root, e.g. `http://127.0.0.1:54321` (no trailing slash). */
export interface StartedServer {
  baseUrl: string;
  close(): Promise<void>;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Listen on 127.0.0.1 port 0. `close()` also drops keep-alive and hanging connections, so it never waits on a client. */
export async function startHttpServer(handler: HttpHandler): Promise<StartedServer & { server: Server }> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err) } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** True once the client has gone (aborted, or the socket closed). */
export function clientGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded || res.socket?.destroyed === true;
}

/** Wait `ms`, or less if the client disconnects first. Resolves `false` when the client went away. */
export function waitUnlessGone(res: ServerResponse, ms: number): Promise<boolean> {
  if (clientGone(res)) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

/** Resolves when the client disconnects (used by `hang`). */
export function untilGone(res: ServerResponse): Promise<void> {
  if (clientGone(res)) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

/** Server-sent events writer. `event` is omitted for OpenAI Chat Completions, which sends bare `data:` lines. */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
  }

  /** Returns false when the client is gone. */
  send(data: unknown, event?: string): boolean {
    if (clientGone(this.res)) return false;
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
    return true;
  }

  end(): void {
    if (!clientGone(this.res)) this.res.end();
  }

  /** Drop the connection without finishing the stream (what was written is flushed first). */
  drop(): void {
    const socket = this.res.socket;
    if (!socket) return;
    socket.end(() => socket.destroy());
  }
}
