import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { runCli, spawnGateway, type SpawnedGateway } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';

describe('openclaw agent and sessions', () => {
  let fake: FakeOpenAIServer;
  let s: TempState;
  let g: SpawnedGateway;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    fake = new FakeOpenAIServer({ script: () => ({ chunks: ['Your ', 'workspace ', 'is ', 'empty.'] }) });
    await fake.start();
    s = makeTempState({
      models: { providers: { local: { baseUrl: `${fake.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'qwen3', contextWindow: 32_768, maxTokens: 4096 }, { id: 'qwen-vl', input: ['text', 'image'] }] } } },
      agents: { defaults: { model: { primary: 'local/qwen3' } }, entries: { main: { default: true }, work: {}, eyes: { model: 'local/qwen-vl' } } },
    });
    g = await spawnGateway(s.env, ['--port', '0']);
    env = { ...s.env, OPENCLAW_GATEWAY_PORT: String(g.port) };
  });
  afterAll(async () => {
    g.child.kill('SIGTERM');
    await g.exited;
    await fake.close();
    s.cleanup();
  });

  it('streams the reply to stdout and records the session', async () => {
    const r = await runCli(['agent', '--message', 'what is in my workspace?'], env);
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ code: 0, stdout: 'Your workspace is empty.\n' });
    const j = await runCli(['agent', '--agent', 'work', '--message', 'hi', '--json'], env);
    expect(JSON.parse(j.stdout)).toMatchObject({ status: 'ok', sessionKey: 'agent:work:main', text: 'Your workspace is empty.' });
    const list = await runCli(['sessions', '--json'], env);
    expect(JSON.parse(list.stdout).sessions.map((x: { key: string }) => x.key).sort()).toEqual(['agent:main:main', 'agent:work:main']);
    const table = await runCli(['sessions'], env);
    expect(table.stdout).toMatch(/^SESSION\s+AGENT\s+MSGS/);
    expect(table.stdout).toContain('agent:main:main');
  });

  it('an unknown agent is one clear error line', async () => {
    const r = await runCli(['agent', '--agent', 'nobody', '--message', 'x'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown agent "nobody"/);
  });

  it('gateway call chat.history returns the turn', async () => {
    const r = await runCli(['gateway', 'call', 'chat.history', '--params', '{"sessionKey":"agent:main:main","limit":20}'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
  });

  it('--image attaches a picture; a model without images refuses it; a file that is not there or not an image is a clear error', async () => {
    const png = join(s.dir, 'dot.png');
    writeFileSync(png, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
    fake.reset();
    const ok = await runCli(['agent', '--agent', 'eyes', '--message', 'what is this?', '--image', png], env);
    expect(ok).toMatchObject({ code: 0, stdout: 'Your workspace is empty.\n' });
    const sent = fake.requests.map((r) => r.body as { messages?: { role: string; content: unknown }[] }).find((b) => b.messages)!;
    expect(sent.messages!.at(-1)!.content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${readFileSync(png).toString('base64')}` } },
    ]);

    const refused = await runCli(['agent', '--message', 'and this?', '--image', png], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('local/qwen3 cannot take images');

    const missing = await runCli(['agent', '--agent', 'eyes', '--message', 'x', '--image', join(s.dir, 'nope.png')], env);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain(`cannot read --image ${join(s.dir, 'nope.png')}: ENOENT`);
    const text = join(s.dir, 'notes.txt');
    writeFileSync(text, 'hello');
    const notImage = await runCli(['agent', '--agent', 'eyes', '--message', 'x', '--image', text], env);
    expect(notImage.code).toBe(1);
    expect(notImage.stderr).toContain('attachment 1 (notes.txt) is not a PNG, JPEG, GIF or WebP image');
  });
});
