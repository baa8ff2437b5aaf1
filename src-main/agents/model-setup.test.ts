import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { echoScript } from '../../test-support/fake-model-script.js';
import { REPO_ROOT, startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { waitForLogLine } from '../../test-support/log-wait.js';
import { loadConfigFromText } from '../config/load.js';
import { describeModelSetup } from './model-setup.js';

/** The config example under "Agents and models" in the README, as a reader copies it. */
function readmeExample(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Agents and models'));
  return /```jsonc\n([\s\S]*?)```/.exec(section)![1]!;
}

/** Model ids the Anthropic SDK warns about on every call (its own deprecation table, read as text: the SDK does not export it). */
function sdkDeprecatedModels(): string[] {
  const text = readFileSync(join(REPO_ROOT, 'node_modules', '@anthropic-ai', 'sdk', 'internal', 'data', 'deprecated-models.js'), 'utf8');
  return [...text.matchAll(/'(claude-[^']+)':/g)].map((m) => m[1]!);
}

describe("the README's config example", () => {
  it('loads without ANTHROPIC_API_KEY: the anthropic provider is reported and skipped, the local model answers', () => {
    const loaded = loadConfigFromText(readmeExample(), '/tmp/example/openclaw.json', { HOME: '/tmp/example' });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const setup = describeModelSetup(loaded.resolved, '/tmp/example/state');
    expect(setup.agents.find((a) => a.agentId === 'main')).toMatchObject({ models: ['anthropic/claude-sonnet-5-5', 'local/qwen3'], usable: ['local/qwen3'] });
    expect(setup.problems).toEqual([expect.stringMatching(/provider "anthropic" skipped: .*ANTHROPIC_API_KEY, which is not set/)]);
    expect(setup.ok).toBe(true);
  });

  it('with the key set, the anthropic model is usable again', () => {
    const loaded = loadConfigFromText(readmeExample(), '/tmp/example/openclaw.json', { HOME: '/tmp/example', ANTHROPIC_API_KEY: 'sk-ant-x' });
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(describeModelSetup(loaded.resolved, '/tmp/example/state')).toMatchObject({ ok: true, problems: [] });
  });

  it('names no model id the SDK reports as deprecated', () => {
    const deprecated = sdkDeprecatedModels();
    expect(deprecated.length).toBeGreaterThan(0);
    const ids = [...readmeExample().matchAll(/"anthropic\/([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(deprecated).not.toContain(id);
  });
});

describe('fallback to the next model', () => {
  let down: FakeOpenAIServer;
  let up: FakeOpenAIServer;
  let t: TestGateway;
  beforeAll(async () => {
    down = new FakeOpenAIServer({ script: () => ({ error: { status: 503, retryAfterMs: 1 } }) });
    up = new FakeOpenAIServer({ script: echoScript });
    await down.start();
    await up.start();
    const provider = (url: string) => ({ baseUrl: `${url}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] });
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: 'fallback-token-0123456789' } },
        models: { providers: { down: provider(down.baseUrl), up: provider(up.baseUrl) } },
        agents: { defaults: { model: { primary: 'down/m', fallbacks: ['up/m'] } }, entries: { main: { default: true } } },
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await down.close();
    await up.close();
  });

  it('is logged once per fallback, naming both models and the reason', async () => {
    const c = await t.operator();
    const final = new Promise<{ state: string }>((resolve) => c.on((event, p) => event === 'chat' && (p as { state: string }).state !== 'delta' && resolve(p as { state: string })));
    await c.call('chat.send', { sessionKey: 'agent:main:main', message: 'hello', idempotencyKey: 'fallback-1' });
    expect((await final).state).toBe('final');
    const line = await waitForLogLine(t.state.logFile, /falling back/);
    expect(line).toMatchObject({ from: 'down/m', to: 'up/m', kind: 'server' });
    const lines = readFileSync(t.state.logFile, 'utf8').split('\n').filter((l) => l.includes('falling back'));
    expect(lines).toHaveLength(1);
  });
});
