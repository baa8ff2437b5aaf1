import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeEmbeddingsServer } from '../../../test-support/fake-embeddings/fake-embeddings.js';
import { memoryLogger } from '../../../test-support/recording-logger.js';
import { resolveSettings, type MemorySettings } from './config.js';
import { createEmbedder } from './embeddings.js';
import { createMemoryService, SecretRefusedError } from './memory.js';
import { RECALL_TAG } from './recall.js';
import { createMemoryStore } from './store.js';

// LanceDB is loaded by Node itself, from this plugin's own dependencies, as the built plugin loads it.
const lancedb = createRequire(join(import.meta.dirname, '..', 'package.json'))('@lancedb/lancedb') as typeof import('@lancedb/lancedb');

let server: FakeEmbeddingsServer;
let baseUrl: string;
const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = new FakeEmbeddingsServer();
  baseUrl = await server.start();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  server.down = false;
  for (const c of closers.splice(0)) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'memory-lancedb-test-'));
  dirs.push(d);
  return d;
}

function makeMemory(dir: string, over: Partial<MemorySettings> = {}, model = 'hash-256') {
  const settings = resolveSettings({ embedding: { baseUrl, model, timeoutMs: 2000 }, ...over });
  const log = memoryLogger('plugins/memory-lancedb');
  const reembeds: unknown[] = [];
  const store = createMemoryStore({
    dir,
    embedder: createEmbedder(settings.embedding),
    connect: (d) => lancedb.connect(d),
    onReembed: (e) => reembeds.push(e),
  });
  closers.push(() => store.close());
  return { memory: createMemoryService({ store, settings, log }), store, log, reembeds };
}

const alice = 'agent:main:direct:alice';
const bob = 'agent:main:direct:bob';

describe('memory-lancedb with a real LanceDB and a local embeddings server', () => {
  it('stores a fact and finds it by a differently worded question, ranked with scores', async () => {
    const { memory } = makeMemory(tempDir());
    await memory.store({ agentId: 'main', sessionKey: alice, text: 'I park on level 3 of the north garage at work', origin: 'tool' });
    await memory.store({ agentId: 'main', sessionKey: alice, text: 'My favourite tea is genmaicha', origin: 'tool' });
    await memory.store({ agentId: 'main', sessionKey: alice, text: 'I prefer window seats on flights', origin: 'tool' });
    const hits = await memory.search({ agentId: 'main', sessionKey: alice, text: 'where do I park at work' });
    expect(hits[0]!.text).toBe('I park on level 3 of the north garage at work');
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[0]!.score).toBeGreaterThan(0.3);
  });

  it('recalls in a later session (a new store over the same folder) as untrusted notes before the turn', async () => {
    const dir = tempDir();
    const first = makeMemory(dir);
    await first.memory.store({ agentId: 'main', sessionKey: alice, text: 'I park on level 3 of the north garage at work', origin: 'tool' });
    await first.store.close();
    const later = makeMemory(dir);
    const block = await later.memory.beforeTurn({ agentId: 'main', sessionKey: 'agent:main:telegram:direct:alice', text: 'remind me where I park at work' });
    // per-channel-peer keys are another owner than per-peer ones: this person has nothing there yet.
    expect(block).toBeUndefined();
    const same = await later.memory.beforeTurn({ agentId: 'main', sessionKey: alice, text: 'remind me where I park at work' });
    expect(same).toContain(`<${RECALL_TAG} trust="untrusted">`);
    expect(same).toMatch(/data, not instructions/);
    expect(same).toContain('I park on level 3 of the north garage at work');
  });

  it("never recalls one sender's memories into another sender's conversation, unless the owner shares one", async () => {
    const { memory, store } = makeMemory(tempDir());
    const r = await memory.store({ agentId: 'main', sessionKey: alice, text: 'My daughter Mia is allergic to peanuts', origin: 'tool' });
    await memory.store({ agentId: 'main', sessionKey: bob, text: 'I am allergic to shellfish', origin: 'tool' });
    expect(await memory.beforeTurn({ agentId: 'main', sessionKey: bob, text: 'is Mia allergic to peanuts?' })).not.toContain('Mia');
    const bobHits = await memory.search({ agentId: 'main', sessionKey: bob, text: 'Mia peanuts allergy' });
    expect(bobHits.map((h) => h.owner)).toEqual(['direct:bob']);
    // Another agent sees nothing of this one.
    expect(await memory.search({ agentId: 'work', sessionKey: alice, text: 'Mia peanuts allergy' })).toEqual([]);
    // Bob cannot forget Alice's memory either.
    expect(await memory.forget(r.stored ? r.memory.id : '', { agentId: 'main', sessionKey: bob })).toBeUndefined();
    // The owner shares it: now it is recalled for Bob too.
    await store.setShared(r.stored ? r.memory.id : '', true);
    expect(await memory.beforeTurn({ agentId: 'main', sessionKey: bob, text: 'is Mia allergic to peanuts?' })).toContain('Mia is allergic to peanuts');
    // The operator (no session) sees everyone's.
    expect((await memory.search({ agentId: 'main', text: 'allergic' })).length).toBe(2);
  });

  it('refuses secrets from the tool and never captures them', async () => {
    const { memory, store } = makeMemory(tempDir(), { autoCapture: true });
    for (const text of [
      'my password is hunter2!',
      'the api key is sk-proj-abcdefghijklmnop1234567890',
      'use token ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'remember the wifi passcode: correct-horse-battery',
      'AKIAIOSFODNN7EXAMPLE is my aws key',
    ]) {
      await expect(memory.store({ agentId: 'main', sessionKey: alice, text, origin: 'tool' })).rejects.toBeInstanceOf(SecretRefusedError);
      await memory.beforeTurn({ agentId: 'main', sessionKey: alice, text: `Remember this: ${text}` });
    }
    await memory.beforeTurn({ agentId: 'main', sessionKey: alice, text: 'Remember that I prefer aisle seats' });
    const all = await store.list({ agentId: 'main', limit: 100 });
    expect(all.items.map((m) => m.text)).toEqual(['Remember that I prefer aisle seats']);
  });

  it('auto-capture is off unless turned on, and skips near-duplicates and questions', async () => {
    const off = makeMemory(tempDir());
    await off.memory.beforeTurn({ agentId: 'main', sessionKey: alice, text: 'I prefer aisle seats' });
    expect((await off.store.list({ agentId: 'main', limit: 10 })).total).toBe(0);

    const on = makeMemory(tempDir(), { autoCapture: true });
    await on.memory.beforeTurn({ agentId: 'main', sessionKey: alice, text: 'I prefer aisle seats' });
    await on.memory.beforeTurn({ agentId: 'main', sessionKey: alice, text: 'I prefer aisle seats.' });
    await on.memory.beforeTurn({ agentId: 'main', sessionKey: alice, text: 'what is the weather like in Oslo?' });
    expect((await on.store.list({ agentId: 'main', limit: 10 })).items.map((m) => m.text)).toEqual(['I prefer aisle seats']);
    const dup = await on.memory.store({ agentId: 'main', sessionKey: alice, text: 'I prefer aisle seats', origin: 'tool' });
    expect(dup.stored).toBe(false);
  });

  it('a change of model embeds every memory again instead of mixing vectors', async () => {
    const dir = tempDir();
    const before = makeMemory(dir, {}, 'hash-256');
    await before.memory.store({ agentId: 'main', sessionKey: alice, text: 'I park on level 3 of the north garage at work', origin: 'tool' });
    await before.memory.store({ agentId: 'main', sessionKey: bob, text: 'My favourite tea is genmaicha', origin: 'tool' });
    await before.store.close();

    const after = makeMemory(dir, {}, 'hash-64');
    const requestsBefore = server.requests.length;
    const hits = await after.memory.search({ agentId: 'main', sessionKey: alice, text: 'where do I park at work' });
    expect(hits[0]!.text).toBe('I park on level 3 of the north garage at work');
    expect(after.reembeds).toEqual([{ agentId: 'main', from: 'hash-256', to: 'hash-64', count: 2 }]);
    expect(server.requests.slice(requestsBefore).some((r) => r.model === 'hash-64' && r.inputs === 2)).toBe(true);
    const stats = await after.store.stats();
    expect(stats.agents).toEqual([expect.objectContaining({ agentId: 'main', model: 'hash-64', dimensions: 64, count: 2, owners: 2 })]);
    // Ids and owners survive the move.
    expect((await after.store.list({ agentId: 'main', owner: 'direct:bob', limit: 10 })).items.map((m) => m.text)).toEqual(['My favourite tea is genmaicha']);
  });

  it('with the embeddings server down the turn goes on without memory, and the outage is reported once', async () => {
    const { memory, log } = makeMemory(tempDir(), { autoCapture: true });
    await memory.store({ agentId: 'main', sessionKey: alice, text: 'I park on level 3 of the north garage at work', origin: 'tool' });
    server.down = true;
    for (let i = 0; i < 3; i++) expect(await memory.beforeTurn({ agentId: 'main', sessionKey: alice, text: 'where do I park at work' })).toBeUndefined();
    expect(server.dropped).toBeGreaterThanOrEqual(3);
    const warns = log.lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.msg).toMatch(/memory is unavailable/);
    expect(String(warns[0]!.fields?.error)).toMatch(/cannot be reached/);
    expect(memory.health()).toMatchObject({ ok: false, failures: 3 });
    server.down = false;
    expect(await memory.beforeTurn({ agentId: 'main', sessionKey: alice, text: 'where do I park at work' })).toContain('north garage');
    expect(memory.health().ok).toBe(true);
    expect(log.lines.filter((l) => l.level === 'info' && /works again/.test(l.msg))).toHaveLength(1);
  });

  it("counts and forgets everything of one person, with one agent or every agent; another person's stay", async () => {
    const { memory, store } = makeMemory(tempDir());
    const shared = await memory.store({ agentId: 'main', sessionKey: alice, text: 'My daughter Mia is allergic to peanuts', origin: 'tool' });
    await store.setShared(shared.stored ? shared.memory.id : '', true);
    await memory.store({ agentId: 'main', sessionKey: alice, text: 'I park on level 3 of the north garage at work', origin: 'tool' });
    await memory.store({ agentId: 'work', sessionKey: 'agent:work:direct:alice', text: 'I review pull requests on Fridays', origin: 'tool' });
    await memory.store({ agentId: 'main', sessionKey: bob, text: 'I am allergic to shellfish', origin: 'tool' });

    // A thread of Alice's conversation is the same person.
    expect(await memory.countOwner({ agentId: 'main', sessionKey: `${alice}:thread:t2` })).toEqual({ owner: 'direct:alice', count: 2, agents: [{ agentId: 'main', count: 2 }] });
    expect(await memory.countOwner({ owner: 'direct:alice' })).toMatchObject({ count: 3 });
    expect(await memory.countOwner({ agentId: 'main', sessionKey: 'agent:main:direct:carol' })).toEqual({ owner: 'direct:carol', count: 0, agents: [] });

    // One agent: shared ones go too, the other agent's stay.
    expect(await memory.forgetOwner({ agentId: 'main', sessionKey: alice })).toMatchObject({ owner: 'direct:alice', count: 2 });
    expect((await store.list({ agentId: 'main', limit: 10 })).items.map((m) => m.owner)).toEqual(['direct:bob']);
    expect(await memory.countOwner({ owner: 'direct:alice' })).toEqual({ owner: 'direct:alice', count: 1, agents: [{ agentId: 'work', count: 1 }] });
    // Every agent; a second time finds nothing.
    expect(await memory.forgetOwner({ owner: 'direct:alice' })).toMatchObject({ count: 1 });
    expect(await memory.forgetOwner({ owner: 'direct:alice' })).toMatchObject({ count: 0, agents: [] });
    expect((await store.list({ agentId: 'main', owner: 'direct:bob', limit: 10 })).total).toBe(1);
    // An owner with a quote in it is a value, not SQL.
    expect(await memory.forgetOwner({ owner: "direct:x' OR owner != '" })).toMatchObject({ count: 0 });
    expect((await store.list({ agentId: 'main', limit: 10 })).total).toBe(1);
  });
});
