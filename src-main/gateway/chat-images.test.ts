import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../cli/gateway-client.js';
import { FakeAnthropicServer } from '../../test-support/fake-anthropic.js';
import type { ScriptRequest } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway, chatTurn } from '../../test-support/gateway.js';

// A real 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const PNG_ID = createHash('sha256').update(Buffer.from(PNG, 'base64')).digest('hex');
const PNG_BYTES = Buffer.from(PNG, 'base64').length;

let openai: FakeOpenAIServer;
let anthropic: FakeAnthropicServer;
let t: TestGateway;
let c: GatewayClient;
const seen: ScriptRequest[] = [];
let n = 0;

/** Send and wait for the run's last chat event. */
async function send(sessionKey: string, params: Record<string, unknown>): Promise<any> {
  return chatTurn(c, { sessionKey, idempotencyKey: `img-${++n}`, message: '', ...params });
}

const lastUser = (r: ScriptRequest) => [...r.messages].reverse().find((m: any) => m.role === 'user') as any;

beforeAll(async () => {
  const record = (r: ScriptRequest) => {
    seen.push(r);
    return { text: 'I see a tiny picture.' };
  };
  openai = new FakeOpenAIServer({ script: record });
  anthropic = new FakeAnthropicServer({ script: record });
  await openai.start();
  await anthropic.start();
  t = await startTestGateway({
    config: {
      gateway: { auth: { mode: 'token', token: 'chat-images-token' } },
      models: {
        providers: {
          local: {
            baseUrl: `${openai.baseUrl}/v1`,
            apiKey: 'sk-local',
            api: 'openai-completions',
            models: [
              { id: 'vision', input: ['text', 'image'] },
              { id: 'text-only', input: ['text'] },
            ],
          },
          resp: { baseUrl: `${openai.baseUrl}/v1`, apiKey: 'sk-resp', api: 'openai-responses' },
          anthropic: { baseUrl: anthropic.baseUrl, apiKey: 'sk-ant', api: 'anthropic-messages' },
        },
      },
      agents: {
        defaults: { model: { primary: 'local/vision' } },
        entries: { main: { default: true }, claude: { model: 'anthropic/claude-fake' }, resp: { model: 'resp/gpt-fake' }, plain: { model: 'local/text-only' } },
      },
    },
  });
  c = await t.operator();
}, 60_000);
afterAll(async () => {
  await t?.close();
  await openai?.close();
  await anthropic?.close();
});

describe('image attachments in chat', () => {
  it('OpenAI chat completions: the image reaches the model as an image_url part; the transcript keeps a reference, and later turns send it again', async () => {
    seen.length = 0;
    const final = await send('agent:main:main', { message: 'what is this?', attachments: [{ type: 'image', mimeType: 'image/png', content: PNG, fileName: 'dot.png' }] });
    expect(final).toMatchObject({ state: 'final' });
    expect(lastUser(seen[0]!).content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
    ]);

    const h = await c.call<any>('chat.history', { sessionKey: 'agent:main:main', limit: 10 });
    const user = h.messages.find((m: any) => m.role === 'user');
    expect(user.content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image', mediaId: PNG_ID, mimeType: 'image/png', name: 'dot.png', sizeBytes: PNG_BYTES },
    ]);
    expect(JSON.stringify(h)).not.toContain(PNG.slice(0, 40));
    // The image itself comes on request, by its reference.
    await expect(c.call('chat.media', { mediaId: PNG_ID })).resolves.toEqual({ mediaId: PNG_ID, mimeType: 'image/png', sizeBytes: PNG_BYTES, content: PNG });
    await expect(c.call('chat.media', { mediaId: 'f'.repeat(64) })).rejects.toMatchObject({ error: { details: { code: 'MEDIA_NOT_FOUND' } } });
    await expect(c.call('chat.media', { mediaId: '../../etc/passwd' })).rejects.toMatchObject({ error: { code: 'INVALID_REQUEST' } });

    // The next turn carries the earlier image from the media folder, as part of the history.
    seen.length = 0;
    await send('agent:main:main', { message: 'and what colour is it?' });
    const first = seen[0]!.messages.find((m: any) => m.role === 'user') as any;
    expect(first.content).toContainEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } });
    expect(lastUser(seen[0]!).content).toBe('and what colour is it?');
  });

  it('a data: URL works as well; Anthropic gets a base64 image block', async () => {
    seen.length = 0;
    await send('agent:claude:main', { message: 'describe', attachments: [{ url: `data:image/png;base64,${PNG}` }] });
    expect(seen[0]!.api).toBe('anthropic-messages');
    expect(lastUser(seen[0]!).content).toEqual([
      { type: 'text', text: 'describe' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
    ]);
  });

  it('OpenAI Responses gets input_text and input_image', async () => {
    seen.length = 0;
    await send('agent:resp:main', { message: 'look', attachments: [{ type: 'image', mimeType: 'image/png', content: PNG }] });
    expect(seen[0]!.api).toBe('openai-responses');
    expect(lastUser(seen[0]!).content).toEqual([
      { type: 'input_text', text: 'look' },
      { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' },
    ]);
  });

  it('a model that takes no images: refused with the way out, before the transcript and without calling the model', async () => {
    seen.length = 0;
    const r = await send('agent:plain:main', { message: 'see this', attachments: [{ type: 'image', mimeType: 'image/png', content: PNG }] });
    expect(r).toMatchObject({ state: 'error', errorKind: 'images_not_supported' });
    expect(r.errorMessage).toContain('local/text-only cannot take images');
    expect(r.errorMessage).toContain('models.providers.local.models with input ["text", "image"]');
    expect(seen).toEqual([]);
    const h = await c.call<any>('chat.history', { sessionKey: 'agent:plain:main', limit: 10 });
    expect(h.messages).toEqual([]);
  });

  it('a conversation switched to a model without images is refused, not quietly moved to one with them', async () => {
    await send('agent:main:switched', { message: 'hello' });
    await c.call('sessions.patch', { key: 'agent:main:switched', model: 'local/text-only' });
    seen.length = 0;
    const r = await send('agent:main:switched', { message: 'see this', attachments: [{ type: 'image', mimeType: 'image/png', content: PNG }] });
    expect(r).toMatchObject({ state: 'error', errorKind: 'images_not_supported', errorMessage: expect.stringContaining('local/text-only cannot take images') });
    expect(seen).toEqual([]);
  });

  it('bad attachments are refused with the reason', async () => {
    const bad = (attachments: Record<string, unknown>[]) => c.call('chat.send', { sessionKey: 'agent:main:main', message: 'x', idempotencyKey: `bad-${++n}`, attachments });
    await expect(bad([{ type: 'file', mimeType: 'application/pdf', content: 'JVBERi0=' }])).rejects.toMatchObject({ error: { message: 'only images can be attached; attachment 1 is application/pdf', details: { code: 'INVALID_ATTACHMENT' } } });
    await expect(bad([{ url: 'https://example.com/cat.png' }])).rejects.toMatchObject({ error: { message: expect.stringContaining('the gateway does not fetch links') } });
    await expect(bad([{ type: 'image', content: Buffer.from('just text').toString('base64'), name: 'cat.png' }])).rejects.toMatchObject({ error: { message: 'attachment 1 (cat.png) is not a PNG, JPEG, GIF or WebP image' } });
    await expect(bad([{ type: 'image', content: 'not base64!' }])).rejects.toMatchObject({ error: { message: 'attachment 1 is not valid base64' } });
    await expect(bad([{ type: 'image' }])).rejects.toMatchObject({ error: { message: expect.stringContaining('has no image data') } });
    const big = Buffer.alloc(5 * 1024 * 1024 + 10);
    Buffer.from(PNG, 'base64').copy(big);
    await expect(bad([{ type: 'image', content: big.toString('base64') }])).rejects.toMatchObject({ error: { message: expect.stringContaining('an image may be at most 5.0 MB') } });
  });
});
