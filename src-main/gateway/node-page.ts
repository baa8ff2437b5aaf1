import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { serveStatic } from './http.js';

/** Where the gateway serves the browser node page (phones pair here from the setup-code QR). */
export const NODE_PAGE_PATH = '/node/';

/**
 * The node page's CSP: the Control UI's rules, plus what a node needs: the
 * camera stream, and frames only for the gateway's own canvas pages.
 */
export const NODE_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "frame-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The page URL for a gateway WebSocket URL a phone would use (`wss://host/` → `https://host/node/`),
 * with the setup code in the fragment: fragments are never sent to a server, logged or put in a Referer.
 */
export function nodePageUrl(wsUrl: string, setupCode?: string): string {
  const u = new URL(wsUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${NODE_PAGE_PATH}`;
  u.search = '';
  u.hash = setupCode ? `setup=${setupCode}` : '';
  return u.toString();
}

/** HTTP route for the page's files (built into `out/node-page` by scripts/build-node-page.mjs). */
export function createNodePageRoute(dir: string): (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean {
  const root = resolve(dir);
  return (req, res, pathname) => {
    if (pathname === NODE_PAGE_PATH.slice(0, -1)) {
      // Relative, so it also works behind a reverse proxy that mounts the gateway under a prefix.
      res.writeHead(308, { Location: 'node/', 'Cache-Control': 'no-store' });
      res.end();
      return true;
    }
    if (!pathname.startsWith(NODE_PAGE_PATH)) return false;
    serveStatic(root, pathname.slice(NODE_PAGE_PATH.length - 1), req, res, {
      csp: NODE_PAGE_CSP,
      index: 'dir',
      missing: 'The node page is not built. Run `npm run build` (or node scripts/build-node-page.mjs) and reload.\n',
    });
    return true;
  };
}
