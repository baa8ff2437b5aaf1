/**
 * memory-lancedb in its own process (`isolation: "process"`): the gateway reaches the memory slot's
 * `countOwner`/`forgetOwner` across the JSON-RPC boundary. In a plugin process Node's permission model
 * refuses native addons, so LanceDB cannot open there: that is reported, not hidden. Counting becomes
 * a plain note (a client then offers nothing), and asking to forget fails the whole delete with the
 * plugin's error, so nothing is deleted while the person's memories could not be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES } from '../../../src-shared/protocol/index.js';
import { GatewayClient } from '../../../src-main/cli/gateway-client.js';
import { FakeEmbeddingsServer } from '../../../test-support/fake-embeddings/fake-embeddings.js';
import { generateDeviceKeys, spawnGatewayWithState, stopGatewayWithState, type SpawnedGateway } from '../../../test-support/gateway.js';
import type { TempState } from '../../../test-support/state-dir.js';

const token = 'memory-isolated-token-0123456789';
let embeddings: FakeEmbeddingsServer;
let s: TempState;
let g: SpawnedGateway;
let c: GatewayClient;

beforeAll(async () => {
  embeddings = new FakeEmbeddingsServer();
  const url = await embeddings.start();
  ({ s, g } = await spawnGatewayWithState({
    gateway: { auth: { mode: 'token', token } },
    plugins: { slots: { memory: 'memory-lancedb' }, entries: { 'memory-lancedb': { isolation: 'process', config: { embedding: { baseUrl: url, model: 'hash-256', timeoutMs: 2000 } } } } },
  }));
  c = await GatewayClient.connect({ url: `ws://127.0.0.1:${g.port}`, token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
});
afterAll(async () => {
  c?.close();
  await stopGatewayWithState(g, s);
  await embeddings.close();
});

describe('memory-lancedb in a plugin process', () => {
  it('the per-person calls cross the process boundary; a plugin that cannot answer is a note, and forgetting fails clearly', async () => {
    // Asking waits for the memory plugin to finish loading, right after the start.
    const counted = await c.call('sessions.memories', { key: 'agent:main:direct:alice' });
    expect(counted).toMatchObject({ key: 'agent:main:direct:alice', available: false, note: expect.stringMatching(/memory-lancedb.*countOwner.*restricted/) });
    const plugin = ((await c.call('plugins.list', {})) as { plugins: { id: string; state: string; isolation: string }[] }).plugins.find((x) => x.id === 'memory-lancedb');
    expect(plugin).toMatchObject({ state: 'loaded', isolation: 'process' });

    await expect(c.call('sessions.delete', { key: 'agent:main:direct:alice', forgetMemories: true })).rejects.toThrow(/memory-lancedb.*forgetOwner/);
    // Unasked, memory is not involved at all.
    expect(await c.call('sessions.delete', { key: 'agent:main:direct:alice' })).toEqual({ ok: true, key: 'agent:main:direct:alice', deleted: false });
  });
});
