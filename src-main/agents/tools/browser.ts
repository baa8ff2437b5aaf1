import { existsSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
// Loaded on first use: the browser driver is large and most turns never need it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeFileAtomic } from './fs-write.js';
import { resolveVettedAddresses, systemResolver, type HostResolver } from './net-address.js';
import { ToolDeniedError, type AgentTool, type ToolContext } from './types.js';
import { parseHttpUrl } from './web-fetch.js';
import { resolveWorkspacePath, toWorkspaceRelative } from './workspace-path.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SNAPSHOT_TEXT_CAP = 20_000;

export interface BrowserToolOptions {
  executablePath?: string;
  /** Close a session's context after this long without use (default 5 minutes). */
  idleMs?: number;
  resolve?: HostResolver;
  isAddressAllowed?: (address: string) => boolean;
}

interface SessionEntry {
  context: BrowserContext;
  page: Page;
  idle?: NodeJS.Timeout;
}

// One browser per process, launched on first use; one context per session key.
let browserPromise: Promise<Browser> | undefined;
const sessions = new Map<string, Promise<SessionEntry>>();

async function getBrowser(executablePath: string): Promise<Browser> {
  browserPromise ??= import('playwright-core').then(({ chromium }) => chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS })).catch((err: unknown) => {
    browserPromise = undefined;
    throw err;
  });
  return browserPromise;
}

/** Close every context and the browser (app shutdown, tests). */
export async function shutdownBrowser(): Promise<void> {
  const entries = [...sessions.values()];
  sessions.clear();
  await Promise.allSettled(entries.map(async (e) => (await e).context.close()));
  const b = browserPromise;
  browserPromise = undefined;
  if (b) await (await b).close().catch(() => undefined);
}

async function closeSession(key: string): Promise<void> {
  const entry = sessions.get(key);
  sessions.delete(key);
  if (entry) await (await entry).context.close().catch(() => undefined);
  if (sessions.size === 0) await shutdownBrowser();
}

/** In-page script: number interactive elements with stable `data-oc-ref` ids and describe them. */
const SNAPSHOT_SCRIPT = `(() => {
  const w = window;
  w.__ocRefNext = w.__ocRefNext || 1;
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const items = [];
  for (const el of document.querySelectorAll('a[href], button, input, textarea, select, [role=button], [role=link], [onclick]')) {
    if (!visible(el) || (el.tagName === 'INPUT' && el.type === 'hidden')) continue;
    if (!el.dataset.ocRef) el.dataset.ocRef = String(w.__ocRefNext++);
    const tag = el.tagName.toLowerCase();
    const kind = tag === 'a' || el.getAttribute('role') === 'link' ? 'link' : tag === 'button' || el.getAttribute('role') === 'button' ? 'button' : tag === 'input' ? 'input[' + (el.type || 'text') + ']' : tag;
    const label = (el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('placeholder') || el.getAttribute('name') || el.getAttribute('title') || '').trim().replace(/\\s+/g, ' ').slice(0, 80);
    items.push({ ref: el.dataset.ocRef, kind, label, href: tag === 'a' ? el.getAttribute('href') : undefined });
  }
  return { title: document.title, url: location.href, text: document.body ? document.body.innerText : '', items };
})()`;

interface SnapshotData {
  title: string;
  url: string;
  text: string;
  items: { ref: string; kind: string; label: string; href?: string }[];
}

const BrowserParams = Type.Object(
  {
    action: Type.Union([Type.Literal('open'), Type.Literal('snapshot'), Type.Literal('click'), Type.Literal('type'), Type.Literal('screenshot'), Type.Literal('close')]),
    url: Type.Optional(Type.String({ description: 'For open: http(s) URL.' })),
    ref: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: 'For click/type: element ref from the last snapshot.' })),
    text: Type.Optional(Type.String({ description: 'For type: text to enter.' })),
    path: Type.Optional(Type.String({ description: 'For screenshot: workspace-relative .png path (default screenshots/<time>.png).' })),
  },
  { additionalProperties: false },
);
type BrowserParams = Static<typeof BrowserParams>;

/** `browser`: a headless Chromium per session key. Every request the page makes passes the web_fetch address check. */
export function createBrowserTool(opts: BrowserToolOptions = {}): AgentTool<BrowserParams> {
  const executablePath = opts.executablePath ?? CHROMIUM_PATH;
  const idleMs = opts.idleMs ?? 5 * 60_000;
  const resolve = opts.resolve ?? systemResolver;
  const checkHost = (host: string, ctx: ToolContext) => resolveVettedAddresses(host, { resolve, allowPrivate: ctx.webAllowPrivate, isAllowed: opts.isAddressAllowed });

  async function session(ctx: ToolContext, create: boolean): Promise<SessionEntry | undefined> {
    let entry = sessions.get(ctx.sessionKey);
    if (!entry && create) {
      entry = (async () => {
        if (!existsSync(executablePath)) throw new Error(`Browser is not available: ${executablePath} is missing.`);
        const browser = await getBrowser(executablePath);
        const context = await browser.newContext({ acceptDownloads: false, serviceWorkers: 'block' });
        // Subresources, redirects and navigations the page starts itself are checked too.
        await context.route('**/*', async (route) => {
          const u = new URL(route.request().url());
          if (u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
          if (u.protocol !== 'http:' && u.protocol !== 'https:') return route.abort('blockedbyclient');
          try {
            await checkHost(u.hostname, ctx);
          } catch {
            return route.abort('blockedbyclient');
          }
          return route.continue();
        });
        const page = await context.newPage();
        return { context, page };
      })();
      sessions.set(ctx.sessionKey, entry);
      entry.catch(() => sessions.delete(ctx.sessionKey));
    }
    if (!entry) return undefined;
    const e = await entry;
    if (e.idle) clearTimeout(e.idle);
    e.idle = setTimeout(() => void closeSession(ctx.sessionKey), idleMs);
    e.idle.unref();
    return e;
  }

  return {
    name: 'browser',
    description:
      'Drive a headless browser. Actions: open {url}; snapshot (page text and numbered links/buttons/inputs); click {ref}; type {ref, text}; screenshot {path?} (PNG saved in the workspace); close.',
    group: 'ui',
    schema: BrowserParams,
    async execute(params, ctx) {
      if (params.action === 'close') {
        await closeSession(ctx.sessionKey);
        return { content: 'Browser session closed.' };
      }
      if (params.action === 'open') {
        if (!params.url) return { content: 'open needs a url.', isError: true };
        const url = parseHttpUrl(params.url);
        await checkHost(url.hostname, ctx);
        const s = (await session(ctx, true))!;
        const res = await s.page.goto(url.toString(), { waitUntil: 'domcontentloaded', timeout: 30_000 });
        return { content: `Opened ${s.page.url()} (status ${res?.status() ?? 'unknown'}): ${await s.page.title()}\nUse action "snapshot" to read it.`, details: { url: s.page.url(), status: res?.status() } };
      }
      const s = await session(ctx, false);
      if (!s) return { content: 'No page is open; use action "open" first.', isError: true };
      switch (params.action) {
        case 'snapshot': {
          const snap = (await s.page.evaluate(SNAPSHOT_SCRIPT)) as SnapshotData;
          return { content: formatSnapshot(snap), details: snap };
        }
        case 'click': {
          const el = await locate(s.page, params.ref);
          await el.click({ timeout: 10_000 });
          await s.page.waitForLoadState('domcontentloaded').catch(() => undefined);
          return { content: `Clicked [${params.ref}]. Now at ${s.page.url()}. Take a snapshot to see the result.` };
        }
        case 'type': {
          if (params.text === undefined) return { content: 'type needs text.', isError: true };
          const el = await locate(s.page, params.ref);
          await el.fill(params.text, { timeout: 10_000 });
          return { content: `Typed into [${params.ref}].` };
        }
        case 'screenshot': {
          const rel = params.path ?? `screenshots/${new Date().toISOString().replace(/[:.]/g, '-')}.png`;
          if (path.extname(rel).toLowerCase() !== '.png') return { content: 'Screenshot path must end in .png.', isError: true };
          const abs = await resolveWorkspacePath(ctx.workspace, rel, { forWrite: true });
          const png = await s.page.screenshot({ type: 'png' });
          await writeFileAtomic(abs, png);
          const out = toWorkspaceRelative(await resolveWorkspacePath(ctx.workspace, '.'), abs);
          return { content: `Screenshot saved to ${out}.`, details: { path: out, bytes: png.length } };
        }
      }
    },
  };
}

async function locate(page: Page, ref: string | undefined) {
  if (!ref) throw new ToolDeniedError('This action needs a ref from the last snapshot.', 'REF_REQUIRED');
  const el = page.locator(`[data-oc-ref="${ref}"]`);
  if ((await el.count()) === 0) throw new ToolDeniedError(`No element [${ref}] on the page; take a new snapshot.`, 'REF_UNKNOWN');
  return el.first();
}

function formatSnapshot(snap: SnapshotData): string {
  let text = snap.text.replace(/\n{3,}/g, '\n\n').trim();
  if (text.length > SNAPSHOT_TEXT_CAP) text = `${text.slice(0, SNAPSHOT_TEXT_CAP)}\n[text truncated]`;
  const items = snap.items.map((i) => `[${i.ref}] ${i.kind} "${i.label}"${i.href ? ` -> ${i.href}` : ''}`);
  return `Title: ${snap.title}\nURL: ${snap.url}\n\n${text}\n\nInteractive elements:\n${items.join('\n') || '(none)'}`;
}

export const browserTool = createBrowserTool();
