import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Served with the Control UI: nothing from elsewhere, no inline scripts, no framing. */
export const CONTROL_UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Answers a request it owns and returns true; returns false for paths it does not own. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean;

export interface HttpRoutesOptions {
  rendererDir: string;
  isReady(): boolean;
  /** API routes (`/tools/invoke`, `/v1/*`); returns false for paths it does not own. */
  api?(req: IncomingMessage, res: ServerResponse): boolean;
  /** GET/HEAD routes of other features (node page, canvas host); each returns false for paths it does not own. */
  routes?: readonly HttpRoute[];
  /** Routes added at run time (plugins), any method, asked after the API and before the method check. */
  extraRoute?: HttpRoute;
}

/** How {@link serveStatic} answers. */
export interface StaticOptions {
  /** CSP for HTML (default: the Control UI's). */
  csp?: string;
  /** `spa`: unknown extension-less paths get the root index.html; `dir`: only a folder's own index.html. */
  index?: 'spa' | 'dir';
  /** Text of the 503 when the root index.html is missing; with `index: 'dir'` and no text, 404. */
  missing?: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** `/healthz`, `/readyz` and the Control UI files. Other routes arrive with their features. */
export function createHttpHandler(opts: HttpRoutesOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(opts.rendererDir);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
    if (url.pathname === '/readyz') return opts.isReady() ? sendJson(res, 200, { ready: true }) : sendJson(res, 503, { ready: false });
    if (opts.api?.(req, res)) return;
    if (opts.extraRoute?.(req, res, url.pathname)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { ok: false, error: { type: 'method_not_allowed', message: `${req.method} not allowed here` } });
    if (opts.routes?.some((route) => route(req, res, url.pathname))) return;
    if (url.pathname.startsWith('/__openclaw__/')) {
      return sendJson(res, 404, { ok: false, error: { type: 'not_found', message: `no route ${url.pathname}` } });
    }
    serveStatic(root, url.pathname, req, res);
  };
}

export function serveStatic(root: string, pathname: string, req: IncomingMessage, res: ServerResponse, o: StaticOptions = {}): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return sendJson(res, 400, { ok: false, error: { type: 'bad_request', message: 'malformed path' } });
  }
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  let file = join(root, rel);
  if (file !== root && !file.startsWith(root + sep)) return sendJson(res, 404, { ok: false, error: { type: 'not_found', message: 'not found' } });
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // Single-page app: unknown paths without an extension get index.html. Plain folders: their own index.html.
    const dirMode = o.index === 'dir';
    if (dirMode ? !existsSync(file) && file !== root : extname(rel)) return sendJson(res, 404, { ok: false, error: { type: 'not_found', message: 'not found' } });
    file = join(dirMode ? file : root, 'index.html');
    if (dirMode && !o.missing && !existsSync(file)) return sendJson(res, 404, { ok: false, error: { type: 'not_found', message: 'not found' } });
  }
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  if (!existsSync(file)) {
    res.writeHead(503, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': o.csp ?? CONTROL_UI_CSP });
    res.end(o.missing ?? 'The Control UI is not built. Run `npm run build` and reload.\n');
    return;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  headers['Content-Type'] = type;
  if (type.startsWith('text/html')) {
    headers['Content-Security-Policy'] = o.csp ?? CONTROL_UI_CSP;
    headers['Cache-Control'] = 'no-cache';
  } else {
    // Only the Control UI's content-hashed assets are immutable; other folders change under the same names.
    headers['Cache-Control'] = o.index !== 'dir' && file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}
