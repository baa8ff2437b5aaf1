import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import { htmlToText } from './html-text.js';
import { resolveVettedAddresses, systemResolver, type HostResolver } from './net-address.js';
import { ToolDeniedError, type AgentTool } from './types.js';

export const WEB_FETCH_MAX_REDIRECTS = 5;

export interface WebFetchDeps {
  /** Hostname resolver (default: `dns.promises.lookup` with `all: true`). */
  resolve?: HostResolver;
  /** Replaces the public-address rule; lets tests treat the loopback test server as public while other private addresses stay blocked. */
  isAddressAllowed?: (address: string) => boolean;
  /** Whole-request timeout per hop, ms (default 20 000). */
  timeoutMs?: number;
}

const WebFetchParams = Type.Object(
  {
    url: Type.String({ minLength: 1, description: 'http(s) URL to fetch.' }),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1, description: 'Maximum body bytes (capped by configuration).' })),
  },
  { additionalProperties: false },
);

interface HopResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

/** `web_fetch`: one GET with SSRF checks on every hop, the vetted address pinned for the connection. */
export function createWebFetchTool(deps: WebFetchDeps = {}): AgentTool<Static<typeof WebFetchParams>> {
  const resolve = deps.resolve ?? systemResolver;
  const timeoutMs = deps.timeoutMs ?? 20_000;
  return {
    name: 'web_fetch',
    description: 'Fetch an http(s) URL and return readable text (HTML converted to text, JSON pretty-printed). Private and local addresses are refused.',
    group: 'web',
    schema: WebFetchParams,
    async execute(params, ctx) {
      const maxBytes = Math.min(params.maxBytes ?? ctx.webMaxBytes, ctx.webMaxBytes);
      let url = parseHttpUrl(params.url);
      for (let hop = 0; ; hop++) {
        const [pinned] = await resolveVettedAddresses(url.hostname, { resolve, allowPrivate: ctx.webAllowPrivate, isAllowed: deps.isAddressAllowed });
        const res = await requestPinned(url, pinned, { maxBytes, timeoutMs, signal: ctx.signal });
        const location = res.headers.location;
        if (res.status >= 300 && res.status < 400 && location) {
          if (hop >= WEB_FETCH_MAX_REDIRECTS) throw new ToolDeniedError(`Too many redirects (more than ${WEB_FETCH_MAX_REDIRECTS}).`, 'TOO_MANY_REDIRECTS');
          url = parseHttpUrl(new URL(location, url).toString());
          continue;
        }
        const type = String(res.headers['content-type'] ?? '');
        const text = renderBody(res.body, type);
        const note = res.truncated ? `\n\n[truncated: body capped at ${maxBytes} bytes]` : '';
        const header = `URL: ${url.toString()}\nStatus: ${res.status}\nContent-Type: ${type || 'unknown'}\n\n`;
        return { content: header + text + note, isError: res.status >= 400, details: { url: url.toString(), status: res.status, contentType: type, bytes: res.body.length, truncated: res.truncated } };
      }
    },
  };
}

export const webFetchTool = createWebFetchTool();

/** http/https only; anything else is refused before any lookup. */
export function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolDeniedError(`Not a valid URL: ${raw}`, 'URL_INVALID');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ToolDeniedError(`Only http and https URLs are fetched, not ${url.protocol}`, 'URL_SCHEME');
  return url;
}

/** A `lookup` that always answers with the vetted address, whatever the hostname resolves to now. */
export function pinnedLookup(pinned: { address: string; family: number }): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as unknown as LookupFunction;
}

function requestPinned(url: URL, pinned: { address: string; family: number }, opts: { maxBytes: number; timeoutMs: number; signal: AbortSignal }): Promise<HopResponse> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'GET',
        // A fresh agent per hop: a pooled socket from another pin must never be reused.
        agent: false,
        lookup: pinnedLookup(pinned),
        headers: { 'user-agent': 'OpenClaw-Desktop/web_fetch', accept: 'text/html,application/json,text/plain;q=0.9,*/*;q=0.5', 'accept-encoding': 'gzip, deflate, br' },
        signal: opts.signal,
        timeout: opts.timeoutMs,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          resolve({ status, headers: res.headers, body: Buffer.alloc(0), truncated: false });
          return;
        }
        const stream = decoded(res, String(res.headers['content-encoding'] ?? ''));
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        stream.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = opts.maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size += room;
            truncated = true;
            res.destroy();
            done();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        let settled = false;
        const done = () => {
          if (settled) return;
          settled = true;
          clearTimeout(overall);
          resolve({ status, headers: res.headers, body: Buffer.concat(chunks), truncated });
        };
        stream.on('end', done);
        stream.on('error', (err) => (settled ? undefined : ((settled = true), clearTimeout(overall), reject(err))));
      },
    );
    // `timeout` above is idle time; this bounds the whole hop.
    const overall = setTimeout(() => req.destroy(new Error(`Timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`Timed out after ${opts.timeoutMs} ms`)));
    req.on('error', (err) => {
      clearTimeout(overall);
      reject(err);
    });
    req.end();
  });
}

function decoded(res: http.IncomingMessage, encoding: string): Readable {
  const enc = encoding.trim().toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return res.pipe(createGunzip());
  if (enc === 'deflate') return res.pipe(createInflate());
  if (enc === 'br') return res.pipe(createBrotliDecompress());
  return res;
}

function renderBody(body: Buffer, contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  const isText = type === '' || type.startsWith('text/') || /[+/](json|xml|javascript)$/.test(type) || type === 'application/xhtml+xml';
  if (!isText && body.includes(0)) return `[binary content (${type || 'unknown type'}, ${body.length} bytes) not shown]`;
  let text: string;
  try {
    text = new TextDecoder(charset).decode(body);
  } catch {
    text = body.toString('utf8');
  }
  if (type === 'text/html' || type === 'application/xhtml+xml') return htmlToText(text);
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }
  return text;
}
