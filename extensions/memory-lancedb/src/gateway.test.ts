/**
 * memory-lancedb inside a real gateway process (the built plugin, the native LanceDB addon, a local
 * embeddings server, a fake OpenAI-compatible model): the user says a fact in one conversation, and a
 * later conversation of the same person gets it before the turn; another person does not; the
 * operator searches, lists and forgets it with `openclaw memory`; with the embeddings server gone
 * turns still answer and the outage is logged once. Deleting a session or removing a paired sender
 * forgets that person's memories only when asked, and nobody else's.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES } from '../../../src-shared/protocol/index.js';
import { GatewayClient } from '../../../src-main/cli/gateway-client.js';
import { FakeEmbeddingsServer } from '../../../test-support/fake-embeddings/fake-embeddings.js';
import { echoScript } from '../../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { generateDeviceKeys, runCli, spawnGateway, stopGatewayWithState, type SpawnedGateway } from '../../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../../test-support/state-dir.js';
import { openSqliteStore } from '../../../src-main/store/sqlite-store.js';

const token = 'memory-e2e-token-0123456789';
let openai: FakeOpenAIServer;
let embeddings: FakeEmbeddingsServer;
let s: TempState;
let g: SpawnedGateway;
let c: GatewayClient;
let cliEnv: NodeJS.ProcessEnv;
let n = 0;

/** Sends one message and resolves when its run has ended, with the final event. */
async function say(sessionKey: string, message: string): Promise<{ state: string }> {
  const idempotencyKey = `memory-e2e-${++n}`;
  const done = new Promise<{ state: string }>((resolve) => {
    const off = c.on((event, payload) => {
      const p = payload as { runId?: string; state?: string };
      if (event !== 'chat' || p.runId !== idempotencyKey || p.state === 'delta') return;
      off();
      resolve(p as { state: string });
    });
  });
  await c.call('chat.send', { sessionKey, message, idempotencyKey });
  return done;
}

/** The text of everything the model was sent in its latest call. */
function lastModelInput(): string {
  const body = openai.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)?.body as { messages: unknown[] };
  return JSON.stringify(body.messages);
}

beforeAll(async () => {
  openai = new FakeOpenAIServer({ script: echoScript });
  await openai.start();
  embeddings = new FakeEmbeddingsServer();
  const embeddingsUrl = await embeddings.start();
  s = makeTempState(
    {
      gateway: { auth: { mode: 'token', token } },
      models: { providers: { local: { baseUrl: `${openai.baseUrl}/v1`, apiKey: 'sk-local-test', api: 'openai-completions', models: [{ id: 'fake', contextWindow: 32_000, maxTokens: 1000 }] } } },
      agents: { defaults: { model: { primary: 'local/fake' } } },
      plugins: { slots: { memory: 'memory-lancedb' }, entries: { 'memory-lancedb': { config: { embedding: { baseUrl: embeddingsUrl, model: 'hash-256', timeoutMs: 2000 }, autoCapture: true } } } },
    },
  );
  s.writeConfig({ ...JSON.parse(readFileSync(s.configPath, 'utf8')), logging: { file: s.logFile } });
  // Two Telegram senders approved through pairing before this start.
  mkdirSync(join(s.stateDir, 'state'), { recursive: true });
  const seed = openSqliteStore(join(s.stateDir, 'state', 'openclaw.sqlite'));
  await seed.channelPairing.allow({ channel: 'telegram', accountId: 'default', senderId: '4242', senderName: 'Carol', approvedAtMs: Date.now() });
  await seed.channelPairing.allow({ channel: 'telegram', accountId: 'default', senderId: '777', senderName: 'Dave', approvedAtMs: Date.now() });
  await seed.close();
  g = await spawnGateway(s.env, ['--port', '0']);
  cliEnv = { ...s.env, OPENCLAW_GATEWAY_PORT: String(g.port) };
  c = await GatewayClient.connect({ url: `ws://127.0.0.1:${g.port}`, token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
});
afterAll(async () => {
  c?.close();
  await stopGatewayWithState(g, s);
  await openai.close();
  await embeddings.close();
});

describe('memory-lancedb in the gateway', () => {
  it('remembers what a person says and recalls it in their later conversation, never in another person’s', async () => {
    expect((await say('agent:main:direct:alice', 'I park on level 3 of the north garage at work')).state).toBe('final');
    expect(lastModelInput()).not.toContain('recalled-memories');

    // A new conversation of the same person (another thread): recalled, marked as untrusted notes.
    expect((await say('agent:main:direct:alice:thread:t2', 'where do I park at work?')).state).toBe('final');
    const input = lastModelInput();
    expect(input).toContain('<recalled-memories trust=\\"untrusted\\">');
    expect(input).toContain('north garage');

    // Another person asking the same thing gets nothing of Alice's.
    expect((await say('agent:main:direct:bob', 'where do I park at work?')).state).toBe('final');
    expect(lastModelInput()).not.toContain('north garage');
  });

  it('openclaw memory search, list, stats and forget', async () => {
    const search = await runCli(['memory', 'search', 'where do I park at work', '--json'], cliEnv);
    expect(search.code, search.stderr).toBe(0);
    const results = (JSON.parse(search.stdout) as { results: { id: string; text: string; owner: string; score: number }[] }).results;
    expect(results[0]).toMatchObject({ text: 'I park on level 3 of the north garage at work', owner: 'direct:alice' });
    expect(results[0]!.score).toBeGreaterThan(0.3);

    const text = await runCli(['memory', 'search', 'where do I park at work'], cliEnv);
    expect(text.stdout).toMatch(/^#\s+SCORE\s+ID\s+OWNER/m);
    expect(text.stdout).toMatch(/1\s+0\.\d{3}\s+\S+\s+direct:alice/);

    const list = await runCli(['memory', 'list', '--agent', 'main'], cliEnv);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('north garage');

    const stats = JSON.parse((await runCli(['memory', 'stats', '--json'], cliEnv)).stdout) as { agents: { agentId: string; count: number; model: string; dimensions: number }[]; provider: { ok: boolean } };
    expect(stats.agents[0]).toMatchObject({ agentId: 'main', model: 'hash-256', dimensions: 256 });
    expect(stats.provider.ok).toBe(true);

    const forget = await runCli(['memory', 'forget', results[0]!.id], cliEnv);
    expect(forget.code, forget.stderr).toBe(0);
    const after = JSON.parse((await runCli(['memory', 'search', 'where do I park at work', '--json'], cliEnv)).stdout) as { results: { id: string }[] };
    expect(after.results.map((r) => r.id)).not.toContain(results[0]!.id);
    const again = await runCli(['memory', 'forget', results[0]!.id], cliEnv);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/no memory has id/);
  });

  it('with the embeddings server gone, turns still answer and the outage is logged once', async () => {
    embeddings.down = true;
    try {
      for (let i = 0; i < 3; i++) expect((await say('agent:main:direct:alice', `what should I cook tonight, take ${i}?`)).state).toBe('final');
      expect(embeddings.dropped).toBeGreaterThanOrEqual(3);
      const log = readFileSync(s.logFile, 'utf8');
      expect(log.match(/memory is unavailable/g)).toHaveLength(1);
      const stats = JSON.parse((await runCli(['memory', 'stats', '--json'], cliEnv)).stdout) as { provider: { ok: boolean; lastError: string } };
      expect(stats.provider).toMatchObject({ ok: false, lastError: expect.stringMatching(/cannot be reached/) });
    } finally {
      embeddings.down = false;
    }
  });

  it('deleting a session offers to forget its person’s memories, and forgets them only when asked', async () => {
    const carlos = 'agent:main:direct:carlos';
    const erin = 'agent:main:direct:erin';
    expect((await say(carlos, 'I prefer tea over coffee')).state).toBe('final');
    expect((await say(`${carlos}:thread:t2`, 'My favourite city is Lisbon')).state).toBe('final');
    expect((await say(erin, 'I prefer the window seat')).state).toBe('final');
    expect(await c.call('sessions.memories', { key: carlos })).toEqual({ key: carlos, available: true, owner: 'direct:carlos', count: 2 });

    // Unasked, the session goes and the memories stay.
    expect(await c.call('sessions.delete', { key: `${carlos}:thread:t2` })).toEqual({ ok: true, key: `${carlos}:thread:t2`, deleted: true });
    expect(await c.call('sessions.memories', { key: carlos })).toMatchObject({ count: 2 });

    // Asked, through the CLI: exactly this person's go; Erin's stay.
    const del = await runCli(['sessions', 'delete', carlos, '--forget-memories'], cliEnv);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toMatch(/deleted .*agent:main:direct:carlos/i);
    expect(del.stdout).toMatch(/Forgot 2 memories of direct:carlos\./);
    expect(await c.call('sessions.memories', { key: carlos })).toMatchObject({ available: true, count: 0 });
    expect(await c.call('sessions.memories', { key: erin })).toMatchObject({ count: 1 });
    const people = (await c.call('memory-lancedb.people', { agentId: 'main' })) as { people: { owner: string }[] };
    expect(people.people.map((p) => p.owner)).not.toContain('direct:carlos');

    // Deleted without the flag, the CLI says what stays and how to forget it too.
    const kept = await runCli(['sessions', 'delete', erin], cliEnv);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain(`Deleted session ${erin}.\nThe assistant keeps 1 memory of direct:erin; they stay. To forget them too: openclaw sessions delete ${erin} --forget-memories\n`);
    expect(await c.call('sessions.memories', { key: erin })).toMatchObject({ count: 1 });
  });

  it('removing a paired sender offers to forget their memories, with every agent, only when asked', async () => {
    // Their DMs go to per-channel sessions by default: that is the person memory files them under.
    expect((await say('agent:main:telegram:direct:4242', 'My favourite tea is genmaicha')).state).toBe('final');
    expect((await say('agent:main:telegram:direct:777', 'My favourite tea is sencha')).state).toBe('final');
    const listed = (await c.call('channels.pairing.allowed', { channel: 'telegram' })) as { senders: { id: string; name?: string; memories?: { count?: number; owner?: string } }[] };
    expect(listed.senders.map((x) => [x.id, x.name, x.memories?.count, x.memories?.owner])).toEqual([
      ['4242', 'Carol', 1, 'direct:telegram:4242'],
      ['777', 'Dave', 1, 'direct:telegram:777'],
    ]);

    const table = await runCli(['pairing', 'allowed', 'telegram'], cliEnv);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^CHANNEL\s+ACCOUNT\s+SENDER\s+NAME\s+APPROVED \(UTC\)\s+MEMORIES$/m);
    expect(table.stdout).toMatch(/^telegram\s+default\s+4242\s+Carol\s+\S+ \S+\s+1$/m);

    // Unasked: off the list, memories kept.
    expect(await c.call('channels.pairing.revoke', { channel: 'telegram', id: '777' })).toEqual({ channel: 'telegram', accountId: 'default', id: '777', revoked: true });
    expect(await c.call('memory-lancedb.list', { owner: 'direct:telegram:777' })).toMatchObject({ total: 1 });

    // Asked, through the CLI.
    const r = await runCli(['pairing', 'remove', 'telegram', '4242', '--forget-memories'], cliEnv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed 4242 from the telegram pairing allowlist/i);
    expect(r.stdout).toMatch(/Forgot 1 memory of direct:telegram:4242\./);
    expect(await c.call('memory-lancedb.list', { owner: 'direct:telegram:4242' })).toMatchObject({ total: 0 });
    expect(await c.call('memory-lancedb.list', { owner: 'direct:telegram:777' })).toMatchObject({ total: 1 });
    expect(((await c.call('channels.pairing.allowed', {})) as { senders: unknown[] }).senders).toEqual([]);

    // An unknown channel is an error, not a silent no-op.
    await expect(c.call('channels.pairing.revoke', { channel: 'telegramm', id: '1' })).rejects.toThrow(/unknown channel "telegramm"/);
  });

  it('the operator can forget one person with every agent (openclaw memory forget-owner)', async () => {
    const r = await runCli(['memory', 'forget-owner', 'direct:telegram:777'], cliEnv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Forgot 1 memory of direct:telegram:777 (1 with main).\n');
    expect(await c.call('memory-lancedb.forgetOwner', { owner: 'direct:telegram:777' })).toEqual({ owner: 'direct:telegram:777', removed: 0, agents: [] });
  });
});
