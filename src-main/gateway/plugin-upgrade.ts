/**
 * WebSocket upgrades to `/plugins/<id>/…`: the routes plugins registered with
 * `registerWebSocketRoute`, on the gateway's own port. A route that is not public passes the same
 * door as every other upgrade (Host and Origin rules) and needs the gateway token as a bearer
 * credential; a public one (a platform's media stream, reached through a tunnel that names its own
 * host) skips both, and the plugin's `verify` (a signature check) decides before the socket is
 * accepted. An accepted socket is handed to the plugin as text messages in and out.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PluginHttpRequest, PluginWebSocket } from '../../src-shared/plugin/api.js';
import type { Logger } from '../logging/index.js';
import type { RegisteredWebSocketRoute } from '../plugins/contributions.js';
import { authorize, HttpError, type HttpApiDeps } from './http-api.js';
import { checkRequestSource, type OriginPolicy } from './origin.js';

/** A plugin's frames are small (a media stream sends 20 ms of audio per message). */
const MAX_PLUGIN_FRAME_BYTES = 256 * 1024;

export interface PluginUpgradeDeps extends Pick<HttpApiDeps, 'auth' | 'limiter' | 'clientAddress'> {
  routes(): readonly RegisteredWebSocketRoute[];
  originPolicy(): OriginPolicy;
  log: Logger;
}

/** The upgrade handler for plugin routes, and the closing of the sockets it accepted. */
export interface PluginUpgrade {
  /** Handles (accepts or refuses) an upgrade to `/plugins/…`; false for any other path. */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes every plugin socket (the gateway is stopping). */
  close(): void;
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 415: 'Unsupported Media Type', 429: 'Too Many Requests' };

function refuse(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: text/plain\r\nConnection: close\r\n${extra}\r\n${message}\n`);
}

/** The upgrade request as a plugin sees it (no credentials: the gateway has checked them). */
function pluginRequest(req: IncomingMessage, path: string, mount: string): PluginHttpRequest {
  const url = new URL(req.url ?? '/', 'http://gateway.invalid');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'authorization' && k !== 'cookie') headers[k] = v;
  return { method: 'GET', path: path.slice(mount.length) || '/', query: Object.fromEntries(url.searchParams), headers, body: '' };
}

function asPluginSocket(ws: WebSocket): PluginWebSocket {
  return {
    get open() {
      return ws.readyState === ws.OPEN;
    },
    send(text) {
      if (ws.readyState === ws.OPEN) ws.send(text);
    },
    close: (code = 1000, reason = '') => ws.close(code, reason),
    onMessage: (handler) => void ws.on('message', (data, isBinary) => !isBinary && handler(String(data))),
    onClose: (handler) => void ws.on('close', (code) => handler(code)),
  };
}

export function createPluginUpgrade(deps: PluginUpgradeDeps): PluginUpgrade {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PLUGIN_FRAME_BYTES, perMessageDeflate: false });
  const handle = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const path = new URL(req.url ?? '/', 'http://gateway.invalid').pathname;
    if (!path.startsWith('/plugins/')) return false;
    const route = deps.routes().find((r) => r.path === path);
    if (!route) {
      refuse(socket, 404, `no WebSocket route ${path}`);
      return true;
    }
    if (!route.public) {
      const refusal = checkRequestSource(req, deps.originPolicy());
      if (refusal) {
        deps.log.warn(`refused a plugin WebSocket: ${refusal.message}`, { plugin: route.pluginId, host: req.headers.host, origin: req.headers.origin });
        refuse(socket, refusal.status, refusal.message);
        return true;
      }
      try {
        authorize(req, deps);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        refuse(socket, err.status, err.message, err.headers);
        return true;
      }
    }
    const request = pluginRequest(req, path, `/plugins/${route.pluginId}`);
    void route.verify(request).then((ok) => {
      if (!ok) {
        deps.log.warn('a plugin refused a WebSocket that did not verify', { plugin: route.pluginId, path, remote: req.socket.remoteAddress });
        return refuse(socket, 403, 'not verified');
      }
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => route.connect(asPluginSocket(ws), request));
    });
    return true;
  };
  return {
    handle,
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
