import { expect, test, type Page } from '@playwright/test';
import { lastUserText, type ScriptRequest } from '../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../test-support/fake-openai.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { layoutProblems, VIEWPORTS } from './layout-checks.js';
import { login, open, shot } from './ui.js';

// The Chat page against the real gateway and the fake OpenAI server (which stands in only for the
// provider's HTTP API). What the model answers depends on what the user wrote.

const MARKDOWN_REPLY = [
  'Here is **bold** text and a [safe link](https://example.com/docs).',
  '',
  'Hostile bits: <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> [click](javascript:window.pwned=3)',
  '',
  '```sh',
  'openclaw gateway --port 18789',
  '```',
].join('\n');
const LONG_REPLY = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long answer that fills the transcript.`).join('\n\n');

function reply(req: ScriptRequest) {
  const text = lastUserText(req);
  if (text.includes('markdown')) return { text: MARKDOWN_REPLY };
  if (text.includes('slowly')) return { text: Array.from({ length: 200 }, (_, i) => `word${i}`).join(' '), chunkDelayMs: 50 };
  if (text.includes('long')) return { text: LONG_REPLY };
  return { text: `You said: ${text.replace(/\s+/g, ' ')}` };
}

let gateway: GatewayProcess;
let model: FakeOpenAIServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  model = new FakeOpenAIServer({ script: reply, chunkDelayMs: 0 });
  await model.start();
  gateway = await startGatewayProcess({
    config: {
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'sk-test', api: 'openai-completions', models: [{ id: 'small' }, { id: 'large', name: 'Large' }] } } },
      agents: { defaults: { model: { primary: 'fake/small' } } },
    },
  });
});

test.afterAll(async () => {
  await gateway?.stop();
  await model?.close();
});

const composer = (page: Page) => page.getByLabel('Message', { exact: true });
const transcript = (page: Page) => page.getByTestId('chat-messages');

test('Enter sends, Shift+Enter breaks the line; the reply is Markdown with nothing hostile let through', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await login(page, gateway);
  await open(page, 'Chat');

  await composer(page).fill('first line');
  await composer(page).press('Shift+Enter');
  await composer(page).pressSequentially('second line');
  await expect(composer(page)).toHaveValue('first line\nsecond line');
  await composer(page).press('Enter');
  await expect(composer(page)).toHaveValue('');
  await expect(transcript(page).locator('[data-role="user"]').last()).toContainText('first line\nsecond line', { useInnerText: true });
  await expect(transcript(page).getByText('You said: first line second line')).toBeVisible();

  await composer(page).fill('show me markdown');
  await composer(page).press('Enter');
  const answer = transcript(page).locator('[data-role="assistant"]').last();
  await expect(answer.locator('strong', { hasText: 'bold' })).toBeVisible();
  const link = answer.getByRole('link', { name: 'safe link' });
  await expect(link).toHaveAttribute('href', 'https://example.com/docs');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  // Raw HTML shows as text; the javascript: link is not a link; no script ran.
  await expect(answer).toContainText('<img src=x onerror="window.pwned=1">');
  await expect(answer.locator('img, script, iframe')).toHaveCount(0);
  await expect(answer.getByRole('link', { name: 'click' })).toHaveCount(0);
  expect(await page.evaluate(() => (globalThis as any).pwned)).toBeUndefined();

  const code = answer.getByTestId('code-block');
  await expect(code).toContainText('openclaw gateway --port 18789');
  await code.getByRole('button', { name: /Copy/ }).click();
  await expect(code.getByRole('button', { name: /Copied/ })).toBeVisible();
  expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe('openclaw gateway --port 18789');
  await shot(page, 'chat-markdown');
});

for (const vp of VIEWPORTS) {
  test(`the composer stays at the bottom while a long transcript scrolls (${vp.width}×${vp.height})`, async ({ page }) => {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await login(page, gateway);
    await open(page, 'Chat');
    await composer(page).fill(`a long answer please (${vp.name})`);
    await composer(page).press('Enter');
    await expect(transcript(page).locator('[data-role="assistant"]').last().getByText('Line 40 of a long answer')).toBeInViewport();
    await expect(page.getByTestId('chat-live')).toHaveCount(0);

    const box = await composer(page).boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height);
    const sizes = await transcript(page).evaluate((el: any) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    // The transcript scrolls, not the page.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollHeight)).toBeLessThanOrEqual(vp.height + 1);
    await transcript(page).evaluate((el: any) => (el.scrollTop = 0));
    await expect(composer(page)).toBeInViewport();
    expect(await layoutProblems(page)).toEqual([]);
    await shot(page, `chat-long-${vp.width}`);
  });
}

test('conversations: New chat starts an empty one that joins the list; earlier ones open again', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Chat');
  const list = page.getByRole('navigation', { name: 'Conversations' });
  await expect(list.locator('[data-key="agent:main:main"]')).toHaveAttribute('aria-current', 'true');
  await expect(transcript(page).getByText('You said: first line second line')).toBeVisible();

  await list.getByRole('button', { name: 'New chat' }).click();
  await expect(transcript(page).getByText('No messages in this conversation yet.')).toBeVisible();
  await composer(page).fill('plan a trip to Lisbon');
  await composer(page).press('Enter');
  await expect(transcript(page).getByText('You said: plan a trip to Lisbon')).toBeVisible();
  const created = list.getByTestId('conversation').filter({ hasText: /Lisbon/ });
  await expect(created).toHaveAttribute('aria-current', 'true');
  expect(await created.getAttribute('data-key')).toMatch(/^agent:main:chat-\d{8}-\d{6}-[a-z0-9]+$/);

  await list.locator('[data-key="agent:main:main"]').click();
  await expect(transcript(page).getByText('You said: first line second line')).toBeVisible();
  await expect(transcript(page).getByText('You said: plan a trip to Lisbon')).toHaveCount(0);
  await created.click();
  await expect(transcript(page).getByText('You said: plan a trip to Lisbon')).toBeVisible();
});

test('the model picker sets the conversation model, and the next turn uses it', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Chat');
  const picker = page.getByLabel('Model');
  await expect(picker).toHaveValue('');
  await picker.selectOption('fake/large');
  await expect(picker).toHaveValue('fake/large');
  model.reset();
  await composer(page).fill('which model?');
  await composer(page).press('Enter');
  await expect(transcript(page).getByText('You said: which model?')).toBeVisible();
  expect(model.requests.map((r) => (r.body as { model?: string } | undefined)?.model)).toContain('large');
  // It sticks: the page reads it back from the gateway.
  await page.reload();
  await open(page, 'Chat');
  await expect(page.getByLabel('Model')).toHaveValue('fake/large');
  await page.getByLabel('Model').selectOption('');
});

test('Stop ends a streaming reply', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Chat');
  await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
  await composer(page).fill('talk slowly');
  await composer(page).press('Enter');
  await expect(page.locator('[data-testid="chat-live"][data-state="streaming"]')).toBeVisible();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('[data-testid="chat-live"][data-state="aborted"]')).toContainText('stopped');
  await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
});
