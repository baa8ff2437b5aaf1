// Control UI figures, in Debian's Chromium through playwright-core against the real headless gateway:
//  - bundle: the JS and CSS the browser downloads for out/renderer, raw and gzip -9
//  - timeToInteractive: fresh browser context → page load → login form → token entered →
//    Overview interactive (scopes granted, health shown); median of the runs
//  - sessionsPage: 10,000 sessions seeded into the store, then Sessions opened from the sidebar until the
//    virtualised list shows its first rows and the count reads 10000; plus a search that narrows it
//  - chatPage: a 2,000-message conversation: open, load every page, scroll frame times (bench/chat-page.mjs)
import { once } from 'node:events';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildBenchFixtures } from './build-fixtures.mjs';
import { runChatPageBench } from './chat-page.mjs';
import { ROOT, connect, freePort, median, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SESSIONS = 10_000;

function bundleSize() {
  const dir = join(ROOT, 'out', 'renderer');
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => ['.js', '.css', '.html'].includes(extname(f)) && statSync(join(dir, f)).isFile());
  const of = (ext) => {
    const list = files.filter((f) => extname(f) === ext);
    const bufs = list.map((f) => readFileSync(join(dir, f)));
    return { files: list.length, rawKiB: round(bufs.reduce((a, b) => a + b.length, 0) / 1024), gzipKiB: round(bufs.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0) / 1024) };
  };
  return { js: of('.js'), css: of('.css'), html: of('.html') };
}

async function startGateway(s) {
  const port = await freePort();
  const child = spawnGateway(s.env, port);
  (await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 })).close();
  return { child, url: `http://127.0.0.1:${port}/` };
}

async function stopGateway(g, s) {
  g.child.kill('SIGTERM');
  await once(g.child, 'exit');
  s.cleanup();
}

/** Fresh context (no stored token or device), load, log in, wait until the Overview answers. */
async function loginOnce(browser, url, token) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(url);
  await page.getByLabel('Gateway token').waitFor();
  const formMs = performance.now() - t0;
  await page.getByLabel('Gateway token').fill(token);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByTestId('health-ok').waitFor();
  await page.waitForFunction(() => globalThis.document.querySelector('[data-testid="granted-scopes"]')?.textContent?.includes('operator.read'));
  const interactiveMs = performance.now() - t0;
  // The browser's own view of the load, for comparison with the end-to-end figure.
  const nav = await page.evaluate(() => {
    const e = performance.getEntriesByType('navigation')[0];
    return e ? { domContentLoadedMs: e.domContentLoadedEventEnd, loadMs: e.loadEventEnd } : undefined;
  });
  return { page, context, formMs, interactiveMs, nav };
}

function seedSessions(storeMod, stateDir) {
  const st = storeMod.openSqliteStore(join(stateDir, 'state', 'openclaw.sqlite'));
  const now = Date.now();
  const t0 = performance.now();
  st.transaction(() => {
    for (let i = 0; i < SESSIONS; i++) {
      const key = `agent:main:telegram:direct:${100000 + i}`;
      st.sessions.ensure(key, 'main', now - i * 60_000, () => `bench-session-${i}`);
      st.sessions.addUsage(key, { messages: 2 + (i % 7), inputTokens: 100 + i, outputTokens: 20 + (i % 50), costUsd: 0.001 * (i % 13), nowMs: now - i * 60_000, preview: `Message ${i} from a bench user asking about the weather` });
    }
  });
  const seedMs = performance.now() - t0;
  st.close();
  return seedMs;
}

export async function runUiBench({ quick = false } = {}) {
  const runs = quick ? 3 : 10;
  const out = { benchmark: 'ui', when: new Date().toISOString(), quick, browser: 'Debian Chromium (headless, playwright-core)', bundle: bundleSize() };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    // Time to interactive on an empty gateway.
    {
      const s = tempState();
      const g = await startGateway(s);
      const form = [];
      const tti = [];
      let nav;
      // One warm-up, so the first figure does not include Chromium's own start-up.
      await (await loginOnce(browser, g.url, s.token)).context.close();
      for (let i = 0; i < runs; i++) {
        const r = await loginOnce(browser, g.url, s.token);
        form.push(r.formMs);
        tti.push(r.interactiveMs);
        nav = r.nav;
        await r.context.close();
      }
      out.timeToInteractive = {
        runs,
        loginFormMedianMs: round(median(form)),
        loginToInteractiveMedianMs: round(median(tti)),
        minMs: round(Math.min(...tti)),
        maxMs: round(Math.max(...tti)),
        lastNavigation: nav && { domContentLoadedMs: round(nav.domContentLoadedMs), loadMs: round(nav.loadMs) },
      };
      await stopGateway(g, s);
    }

    // Sessions page with 10,000 sessions.
    {
      const { store: storeMod } = await buildBenchFixtures();
      const s = tempState();
      const seedMs = seedSessions(storeMod, s.stateDir);
      const g = await startGateway(s);
      const { page, context } = await loginOnce(browser, g.url, s.token);
      const nav = page.getByRole('navigation', { name: 'Pages' });
      const render = [];
      const search = [];
      let rowsInDom = 0;
      for (let i = 0; i < runs; i++) {
        await nav.getByRole('link', { name: 'Overview', exact: true }).click();
        await page.getByTestId('health-ok').waitFor();
        const t0 = performance.now();
        await nav.getByRole('link', { name: 'Sessions', exact: true }).click();
        await page.getByTestId('session-row').first().waitFor();
        await page.waitForFunction((n) => globalThis.document.querySelector('[data-testid="sessions-count"]')?.textContent === `${n} of ${n}`, SESSIONS);
        render.push(performance.now() - t0);
        rowsInDom = await page.getByTestId('session-row').count();
        const s0 = performance.now();
        await page.getByLabel('Search sessions').fill(`${100000 + 4321 + i}`);
        await page.waitForFunction(() => globalThis.document.querySelector('[data-testid="sessions-count"]')?.textContent?.startsWith('1 of '));
        search.push(performance.now() - s0);
        await page.getByLabel('Search sessions').fill('');
      }
      out.sessionsPage = {
        sessions: SESSIONS,
        seedMs: round(seedMs),
        runs,
        openToRenderedMedianMs: round(median(render)),
        openMaxMs: round(Math.max(...render)),
        searchMedianMs: round(median(search)),
        rowsInDom,
      };
      await context.close();
      await stopGateway(g, s);
    }

    out.chatPage = await runChatPageBench(browser, loginOnce, { quick });
  } finally {
    await browser.close();
  }
  return out;
}
