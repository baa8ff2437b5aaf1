import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResolver } from './net-address.js';
import { runTool } from './registry.js';
import { makeToolFixture } from '../../../test-support/tool-context.js';
import type { AgentTool } from './types.js';
import { createWebFetchTool } from './web-fetch.js';

const fx = makeToolFixture();
let server: http.Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host} ${req.url}`);
    const url = req.url ?? '/';
    if (url === '/html') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<html><head><title>T &amp; T</title><style>.x{}</style><script>alert(1)</script></head><body><h1>Hello&nbsp;there</h1><p>a &lt;b&gt; &#169; &#x263A;</p></body></html>');
    } else if (url === '/json') {
      res.setHeader('content-type', 'application/json');
      res.end('{"a":1,"b":[true]}');
    } else if (url === '/gzip') {
      res.setHeader('content-type', 'text/plain');
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync('zipped text'));
    } else if (url === '/big') {
      res.setHeader('content-type', 'text/plain');
      res.end('y'.repeat(100_000));
    } else if (url.startsWith('/redirect-to?')) {
      res.statusCode = 302;
      res.setHeader('location', decodeURIComponent(url.slice('/redirect-to?'.length)));
      res.end();
    } else if (url.startsWith('/loop/')) {
      const n = Number(url.slice(6));
      res.statusCode = 301;
      res.setHeader('location', `/loop/${n + 1}`);
      res.end();
    } else if (url === '/slow') {
      setTimeout(() => res.end('late'), 2000);
    } else {
      res.setHeader('content-type', 'text/plain');
      res.end(`plain ${url}`);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fx.cleanup();
});

const fakeResolver =
  (map: Record<string, string[]>): HostResolver =>
  async (host) => {
    const list = map[host];
    if (!list) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
// Nothing here may touch the network: unknown names fail in the fake resolver.
const resolver = fakeResolver({
  'loopback.test': ['127.0.0.1'],
  'mixed.test': ['93.184.216.34', '10.0.0.7'],
  'public.test': ['127.0.0.1'],
  'private.test': ['192.168.1.20'],
});

async function fetchWith(url: string, opts: { allowPrivate?: boolean; treatLoopbackAsPublic?: boolean; maxBytes?: number; resolve?: HostResolver } = {}) {
  const tool = createWebFetchTool({
    resolve: opts.resolve ?? resolver,
    timeoutMs: 1000,
    // Lets a redirect test run locally: the test server on 127.0.0.1 plays a public host; every other rule stays.
    isAddressAllowed: opts.treatLoopbackAsPublic ? (ip) => ip === '127.0.0.1' : undefined,
  });
  return runTool(tool as AgentTool, { url, ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) }, fx.ctx({ webAllowPrivate: opts.allowPrivate ?? false }));
}

describe('web_fetch refuses non-public targets (S10)', () => {
  it.each([
    'http://127.0.0.1/',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://loopback.test/',
    'http://mixed.test/',
  ])('%s', async (url) => {
    const before = hits.length;
    const res = await fetchWith(url);
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/Denied: Blocked/);
    expect(hits.length).toBe(before);
  });

  it('refuses other schemes', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.test/', 'gopher://x/']) {
      expect((await fetchWith(url)).content).toMatch(/Only http and https/);
    }
  });

  it('re-checks every redirect hop: allowed host redirecting to a private address is refused', async () => {
    for (const target of ['http://169.254.169.254/latest/meta-data/', 'http://private.test/', 'http://10.1.2.3/']) {
      const before = hits.length;
      const res = await fetchWith(`http://public.test:${port}/redirect-to?${encodeURIComponent(target)}`, { treatLoopbackAsPublic: true });
      expect(res.content).toMatch(/Denied: Blocked/);
      expect(hits.length).toBe(before + 1); // the first hop only
    }
  });

  it('follows allowed redirects and stops after 5', async () => {
    const ok = await fetchWith(`http://public.test:${port}/redirect-to?${encodeURIComponent('/final')}`, { treatLoopbackAsPublic: true });
    expect(ok.content).toContain('plain /final');
    const loop = await fetchWith(`http://public.test:${port}/loop/0`, { treatLoopbackAsPublic: true });
    expect(loop.content).toMatch(/Too many redirects/);
  });

  it('connects to the vetted address even if DNS changes afterwards (rebinding)', async () => {
    let calls = 0;
    // First answer passes the check; any later lookup would point elsewhere. The pinned connection must not ask again.
    const rebinding: HostResolver = async () => (calls++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }]);
    const res = await fetchWith(`http://rebind.test:${port}/pinned`, { resolve: rebinding, treatLoopbackAsPublic: true });
    expect(res.content).toContain('plain /pinned');
    expect(calls).toBe(1);
    expect(hits.at(-1)).toBe(`rebind.test:${port} /pinned`);
  });
});

describe('web_fetch content', () => {
  it('allows the local test server when webAllowPrivate is true', async () => {
    const res = await fetchWith(`http://127.0.0.1:${port}/hello`, { allowPrivate: true });
    expect(res.isError).toBeFalsy();
    expect(res.content).toContain('plain /hello');
  });
  it('converts HTML to readable text', async () => {
    const res = await fetchWith(`http://127.0.0.1:${port}/html`, { allowPrivate: true });
    expect(res.content).toContain('T & T');
    expect(res.content).toContain('Hello there');
    expect(res.content).toContain('a <b> © ☺');
    expect(res.content).not.toMatch(/alert|<h1>|\.x\{\}/);
  });
  it('pretty-prints JSON and decodes gzip', async () => {
    expect((await fetchWith(`http://127.0.0.1:${port}/json`, { allowPrivate: true })).content).toContain('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}');
    expect((await fetchWith(`http://127.0.0.1:${port}/gzip`, { allowPrivate: true })).content).toContain('zipped text');
  });
  it('caps the body', async () => {
    const res = await fetchWith(`http://127.0.0.1:${port}/big`, { allowPrivate: true, maxBytes: 1000 });
    expect(res.content).toMatch(/truncated: body capped at 1000 bytes/);
    expect((res.details as { bytes: number }).bytes).toBe(1000);
  });
  it('times out', async () => {
    const res = await fetchWith(`http://127.0.0.1:${port}/slow`, { allowPrivate: true });
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/Timed out/);
  });
});
