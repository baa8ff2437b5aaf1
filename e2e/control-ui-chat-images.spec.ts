import { expect, test, type Page } from '@playwright/test';
import type { ScriptRequest } from '../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../test-support/fake-openai.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { login, open, shot } from './ui.js';

// Images attached in the Chat composer reach the model (the fake OpenAI server stands in for the
// provider's HTTP API), show in the transcript, come back after a reload by reference, and a model
// that takes no images is refused with the way out.

// A real 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

let gateway: GatewayProcess;
let model: FakeOpenAIServer;
const seen: ScriptRequest[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  model = new FakeOpenAIServer({
    script: (req) => {
      seen.push(req);
      return { text: 'A single pixel.' };
    },
    chunkDelayMs: 0,
  });
  await model.start();
  gateway = await startGatewayProcess({
    config: {
      models: {
        providers: {
          fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'sk-test', api: 'openai-completions', models: [{ id: 'vision', input: ['text', 'image'] }, { id: 'text', name: 'Text only', input: ['text'] }] },
        },
      },
      agents: { defaults: { model: { primary: 'fake/vision' } } },
    },
  });
});

test.afterAll(async () => {
  await gateway?.stop();
  await model?.close();
});

const composer = (page: Page) => page.getByLabel('Message', { exact: true });
const transcript = (page: Page) => page.getByTestId('chat-messages');
const attach = (page: Page, name: string, mimeType: string, buffer: Buffer) => page.getByTestId('chat-attach-input').setInputFiles({ name, mimeType, buffer });

test('an attached image reaches the model, shows in the conversation, and is still there after a reload', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Chat');
  await expect(page.getByRole('button', { name: 'Attach image' })).toBeVisible();

  // Not an image: said at once, nothing attached.
  await attach(page, 'notes.txt', 'text/plain', Buffer.from('hello'));
  await expect(page.getByTestId('composer-problem')).toHaveText('notes.txt is not a PNG, JPEG, GIF or WebP image.');
  await expect(page.getByTestId('composer-image')).toHaveCount(0);

  await attach(page, 'pixel.png', 'image/png', Buffer.from(PNG, 'base64'));
  await expect(page.getByTestId('composer-image')).toHaveCount(1);
  await expect(page.getByTestId('composer-image').locator('img')).toHaveAttribute('alt', 'pixel.png');
  await composer(page).fill('what is in this picture?');
  await shot(page, 'chat-image-attached');
  seen.length = 0;
  await composer(page).press('Enter');

  await expect(transcript(page).getByText('A single pixel.')).toBeVisible();
  await expect(page.getByTestId('composer-image')).toHaveCount(0);
  const user = [...seen[0]!.messages].reverse().find((m: any) => m.role === 'user') as any;
  expect(user.content).toEqual([
    { type: 'text', text: 'what is in this picture?' },
    { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
  ]);
  const shown = transcript(page).getByTestId('message-image');
  await expect(shown).toHaveCount(1);
  await expect(shown.locator('img')).toHaveAttribute('src', `data:image/png;base64,${PNG}`);
  await expect(shown).toContainText('pixel.png');

  // After a reload the transcript holds a reference; the picture is fetched by it.
  await page.reload();
  await open(page, 'Chat');
  const again = transcript(page).getByTestId('message-image');
  await expect(again).toHaveAttribute('data-media', /^[0-9a-f]{64}$/);
  await expect(again.locator('img')).toHaveAttribute('src', `data:image/png;base64,${PNG}`);
  await shot(page, 'chat-image-sent');
});

test('a model that takes no images: the message is refused with the way out', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Chat');
  await page.getByLabel('Model').selectOption('fake/text');
  await expect(page.getByLabel('Model')).toHaveValue('fake/text');
  seen.length = 0;
  await attach(page, 'pixel.png', 'image/png', Buffer.from(PNG, 'base64'));
  await composer(page).fill('and this one?');
  await composer(page).press('Enter');
  await expect(transcript(page).getByTestId('chat-live').last()).toContainText('fake/text cannot take images');
  expect(seen).toEqual([]);
  await page.getByLabel('Model').selectOption('');
});
