/**
 * The local HTTP endpoint a platform posts its webhooks to (Google Chat, Teams, LINE, Zalo). It routes only
 * `POST <path>`, hands the handler the request headers first (verify
 * before reading), and caps the body size.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelLogger } from '../src-shared/domain/channel.js';
import type { InboundMessage } from '../src-shared/domain/inbound.js';

/** The body was larger than allowed. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** What to answer. */
export interface WebhookReply {
  status: number;
  body: unknown;
}

/** The answer once an event was handled (queued, or skipped on purpose): the platform does not resend it. */
export const WEBHOOK_OK: WebhookReply = { status: 200, body: {} };

/**
 * Hands a message a webhook brought to the gateway. Resolves undefined once it is durably queued; otherwise
 * with the answer that makes the platform send it again: 503 while the channel stops, 500 when queueing failed.
 */
export async function queueWebhookMessage(
  ctx: { emit(msg: InboundMessage): Promise<void>; log: ChannelLogger },
  msg: InboundMessage,
  o: { platform: string; stopped: boolean },
): Promise<WebhookReply | undefined> {
  if (o.stopped) return { status: 503, body: { error: 'shutting down' } };
  try {
    await ctx.emit(msg);
    return undefined;
  } catch (err) {
    ctx.log.error(`could not queue a ${o.platform} message; ${o.platform} will be asked to resend`, { error: String(err) });
    return { status: 500, body: { error: 'not queued' } };
  }
}

/** Handles one `POST <path>`; `readBody` rejects with {@link BodyTooLargeError} past the cap. */
export type WebhookHandler = (headers: IncomingHttpHeaders, readBody: () => Promise<Buffer>) => Promise<WebhookReply>;

/** A listening endpoint. */
export interface WebhookServer {
  /** `http://host:port/path` as bound (the port is real even when 0 was asked). */
  url: string;
  /**
   * Stop listening; requests in progress get `graceMs` to be answered before their connections are cut.
   * Resolves once every handler has finished too (a message being queued is never abandoned halfway).
   */
  close(graceMs: number): Promise<void>;
}

function readLimited(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new BodyTooLargeError(`body of ${declared} bytes exceeds ${maxBytes}`));
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`body exceeds ${maxBytes} bytes`));
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

export interface WebhookServerOptions {
  host: string;
  port: number;
  path: string;
  maxBodyBytes: number;
  handle: WebhookHandler;
  /** For the error when the port cannot be bound: what listens ("The LINE webhook endpoint") and the setting that moves it. */
  name: string;
  portSetting: string;
}

/** Listen on host:port; rejects in plain words when the port cannot be bound (taken, or not allowed). */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const inflight = new Set<Promise<unknown>>();
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      if (res.headersSent || res.destroyed) return;
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const path = (req.url ?? '').split('?')[0];
    if (path !== opts.path) return send(404, { error: 'not found' });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return send(405, { error: 'method not allowed' });
    }
    const handled = opts
      .handle(req.headers, () => readLimited(req, opts.maxBodyBytes))
      .then((reply) => send(reply.status, reply.body))
      .catch((err: unknown) => send(err instanceof BodyTooLargeError ? 413 : 500, { error: err instanceof BodyTooLargeError ? 'payload too large' : 'internal error' }));
    inflight.add(handled);
    void handled.finally(() => inflight.delete(handled));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `Port ${opts.port} on ${opts.host} is already in use; set ${opts.portSetting} to a free port.`
            : `${opts.name} could not listen on ${opts.host}:${opts.port} (${err.code ?? String(err)}).`,
        ),
      );
    server.once('error', failed);
    server.listen(opts.port, opts.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}${opts.path}`,
    close: async (graceMs) => {
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
      await Promise.allSettled([...inflight]);
    },
  };
}
