import type { IncomingMessage } from 'node:http';
import { homedir } from 'node:os';
import { sep } from 'node:path';
import { NO_TRUSTED_PROXIES, resolveClientAddress, type ClientAddress } from './client-address.js';
import type { HttpRoute } from './http.js';

export const LOGIN_HINT_PATH = '/__openclaw__/login-hint';

const untrusted = (req: IncomingMessage) => resolveClientAddress(req, NO_TRUSTED_PROXIES);

/** `~/…` for a path in the home folder, so the hint reads as people type it. */
export function displayPath(file: string, home = homedir()): string {
  return home && file.startsWith(home + sep) ? `~${file.slice(home.length)}` : file;
}

/**
 * `GET /__openclaw__/login-hint`: where this gateway keeps its token file, so the login form names
 * the real file (another state dir or profile is not `~/.openclaw`). Only a browser on this computer
 * is told: the path names the user's folders, and the page is reachable before signing in.
 */
export function createLoginHintRoute(tokenFile: string, home = homedir(), clientAddress: (req: IncomingMessage) => ClientAddress = untrusted): HttpRoute {
  return (req, res, pathname) => {
    if (pathname !== LOGIN_HINT_PATH) return false;
    const body = clientAddress(req).loopback ? { tokenFile: displayPath(tokenFile, home) } : {};
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    return true;
  };
}
