import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve, sep } from 'node:path';

/** Where canvas pages are served, on the gateway port (and the legacy canvas port when configured). */
export const CANVAS_PATH_PREFIX = '/__openclaw__/canvas/';

/**
 * Canvas pages are written by agents, so they are untrusted: `sandbox` gives
 * them an opaque origin (no access to the gateway origin's storage, and their
 * WebSocket `Origin` is refused), `connect-src 'none'` stops them calling out,
 * and only the gateway's own pages (the node page) may frame them.
 */
export const CANVAS_CSP = [
  'sandbox allow-scripts allow-forms allow-modals allow-popups',
  "default-src 'self' data: blob:",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/** 24 random-looking bytes in base64url: unguessable without the gateway's canvas secret. */
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

export interface CanvasHostOptions {
  /** `<stateDir>/canvas`: one folder per session, named by its token. */
  root: string;
  /** The gateway's canvas secret (kept in the store); tokens are derived from it. */
  secret: string;
  /** Base HTTP URL a client would use, e.g. `http://127.0.0.1:18789/`. */
  baseUrl(): string;
  /** Serve a file once its real path is known (the gateway's static responder with the canvas CSP). */
  serve(dir: string, relPath: string, req: IncomingMessage, res: ServerResponse): void;
}

/**
 * Agent-writable HTML under `/__openclaw__/canvas/<token>/`. Each session gets
 * its own folder and an unguessable, stable token (an HMAC of the session key),
 * so a URL shows one session's canvas and nothing else, and survives restarts.
 */
export class CanvasHost {
  private readonly root: string;

  constructor(private readonly opts: CanvasHostOptions) {
    this.root = resolve(opts.root);
  }

  /** The session's URL token. */
  tokenFor(agentId: string, sessionKey: string): string {
    return createHmac('sha256', this.opts.secret).update(`canvas\0${agentId}\0${sessionKey}`).digest('base64url').slice(0, 32);
  }

  /** The session's canvas folder (created 0700 on first use). */
  dirFor(agentId: string, sessionKey: string): string {
    const dir = join(this.root, this.tokenFor(agentId, sessionKey));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /** Where a page of the session's canvas is served: a path (for clients on the gateway's origin) and a full URL. */
  urlFor(agentId: string, sessionKey: string, relPath = ''): { path: string; url: string } {
    const rel = relPath.split(/[\\/]+/).filter(Boolean).map(encodeURIComponent).join('/');
    const path = `${CANVAS_PATH_PREFIX}${this.tokenFor(agentId, sessionKey)}/${rel}`;
    return { path, url: new URL(path.slice(1), this.opts.baseUrl()).toString() };
  }

  /** HTTP route: true when the path is the canvas host's (answered, found or not). */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    if (!pathname.startsWith(CANVAS_PATH_PREFIX)) return false;
    res.setHeader('Content-Security-Policy', CANVAS_CSP);
    const rest = pathname.slice(CANVAS_PATH_PREFIX.length);
    const slash = rest.indexOf('/');
    const token = slash === -1 ? rest : rest.slice(0, slash);
    const dir = join(this.root, token);
    if (!TOKEN.test(token) || !existsSync(dir)) return notFound(res);
    if (slash === -1) {
      // A relative link in index.html must resolve inside the token folder.
      res.writeHead(308, { Location: `${token}/`, 'Cache-Control': 'no-store' });
      res.end();
      return true;
    }
    const relPath = rest.slice(slash);
    // Links cannot point out of the folder: the real path of what would be served must stay inside it.
    try {
      const real = realpathSync(join(dir, decodeURIComponent(relPath)));
      const realDir = realpathSync(dir);
      if (real !== realDir && !real.startsWith(realDir + sep)) return notFound(res);
    } catch {
      // Missing (answered 404 below) or malformed (400 below).
    }
    this.opts.serve(dir, relPath, req, res);
    return true;
  }
}

function notFound(res: ServerResponse): true {
  res.writeHead(404, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ ok: false, error: { type: 'not_found', message: 'no such canvas page' } }));
  return true;
}
