// The Chat page with a long conversation, in Chromium against the real headless gateway:
//  - 1,000 turns (2,000 messages) are sent through chat.send to an instant fake OpenAI model first
//  - openToNewest: Chat opened from the sidebar until the newest page of messages is on screen
//  - loadAll: "Show earlier messages" until all 2,000 are in the conversation (time per page and total)
//  - scroll: the transcript scrolled from its end to its start, a step every animation frame, once with
//    the newest page and once with all 2,000 messages: frame times p50/p99/max and frames over 16.7 ms
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBenchFixtures } from './build-fixtures.mjs';
import { connect, freePort, median, percentile, spawnGateway, tempState } from './lib.mjs';
import { turnClient } from './pipeline.mjs';

const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const TURNS = 1000;
const SESSION = 'agent:main:main';
/** A reply of the usual kind: paragraphs, a list and a code block, so Markdown rendering is part of the cost. */
const REPLY = [
  'Here is what I found in **your workspace**:',
  '',
  '- `README.md` describes the project',
  '- `src/` holds the code, see [the docs](https://example.com/docs)',
  '',
  '```sh',
  'openclaw gateway --port 18789',
  '```',
  '',
  'Anything else you would like me to look at?',
].join('\n');

/** Scroll the transcript from the end to the start, one step per frame; the time between frames, in ms. */
function scrollFrames(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const el = globalThis.document.querySelector('[data-testid="chat-messages"]');
        el.scrollTop = el.scrollHeight;
        const step = Math.max(200, Math.ceil(el.scrollHeight / 600));
        const frames = [];
        let last;
        const tick = (t) => {
          if (last !== undefined) frames.push(t - last);
          last = t;
          if (el.scrollTop <= 0 || frames.length >= 1200) return resolve({ frames, scrollHeight: el.scrollHeight, step });
          el.scrollTop -= step;
          globalThis.requestAnimationFrame(tick);
        };
        globalThis.requestAnimationFrame(tick);
      }),
  );
}

function frameStats({ frames, scrollHeight, step }) {
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    frames: frames.length,
    scrollHeightPx: scrollHeight,
    stepPx: step,
    p50FrameMs: round(percentile(sorted, 50)),
    p99FrameMs: round(percentile(sorted, 99)),
    maxFrameMs: round(sorted.at(-1) ?? 0),
    framesOver16_7Ms: frames.filter((f) => f > 16.7).length,
  };
}

/** Seed the conversation, then measure the page; `loginOnce` is the UI bench's fresh-context login. */
export async function runChatPageBench(browser, loginOnce, { quick = false } = {}) {
  const runs = quick ? 3 : 5;
  const { fake } = await buildBenchFixtures();
  const model = new fake.FakeOpenAIServer({ script: () => ({ text: REPLY }), chunkDelayMs: 0 });
  await model.start();
  const s = tempState();
  writeFileSync(
    join(s.stateDir, 'openclaw.json'),
    JSON.stringify({
      gateway: { auth: { mode: 'token', token: s.token } },
      logging: { file: join(s.dir, 'gateway.log'), level: 'warn' },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'instant', contextWindow: 128000, maxTokens: 256 }] } } },
      // Trim instead of summarising: the conversation is the subject here, not compaction.
      agents: { defaults: { model: { primary: 'fake/instant' }, compaction: { mode: 'trim' } } },
    }),
  );
  const port = await freePort();
  const child = spawnGateway(s.env, port);
  const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 });
  const out = { messages: TURNS * 2, runs };
  try {
    const turn = turnClient(c);
    const t0 = performance.now();
    for (let i = 0; i < TURNS; i++) await turn(SESSION, `Question ${i + 1}: what is in file number ${i + 1} of my workspace?`);
    out.seedMs = round(performance.now() - t0);

    const { page, context } = await loginOnce(browser, `http://127.0.0.1:${port}/`, s.token);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    const messages = page.getByTestId('transcript-message');
    const open = [];
    for (let i = 0; i < runs; i++) {
      await nav.getByRole('link', { name: 'Overview', exact: true }).click();
      await page.getByTestId('health-ok').waitFor();
      const o0 = performance.now();
      await nav.getByRole('link', { name: 'Chat', exact: true }).click();
      await page.getByText(`Question ${TURNS}:`, { exact: false }).waitFor();
      open.push(performance.now() - o0);
    }
    out.openToNewest = { medianMs: round(median(open)), maxMs: round(Math.max(...open)), messagesShown: await messages.count() };
    out.scrollNewestPage = frameStats(await scrollFrames(page));

    const pages = [];
    const l0 = performance.now();
    const older = page.getByRole('button', { name: 'Show earlier messages' });
    while (await older.count()) {
      const before = await messages.count();
      const p0 = performance.now();
      await older.click();
      await page.waitForFunction((n) => globalThis.document.querySelectorAll('[data-testid="transcript-message"]').length > n, before);
      pages.push(performance.now() - p0);
    }
    const shown = await messages.count();
    if (shown !== TURNS * 2) throw new Error(`expected ${TURNS * 2} messages on the page, found ${shown}`);
    const sortedPages = [...pages].sort((a, b) => a - b);
    out.loadAll = { pages: pages.length, totalMs: round(performance.now() - l0), p50PageMs: round(percentile(sortedPages, 50)), p99PageMs: round(percentile(sortedPages, 99)), messagesShown: shown };
    out.scrollAll = frameStats(await scrollFrames(page));
    await context.close();
  } finally {
    c.close();
    child.kill('SIGTERM');
    await once(child, 'exit');
    s.cleanup();
    await model.close();
  }
  return out;
}
