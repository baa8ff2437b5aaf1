/**
 * Removing a paired sender, with the real access gate and store: memories are forgotten only when
 * asked, only with `operator.write`, never when the sender's DMs are the owner's own conversation, and
 * a failing memory plugin leaves the sender on the list. The memory slot here is a small in-memory
 * memory (the slot interface a plugin implements); the real plugin is tested in
 * `extensions/memory-lancedb/src/gateway.test.ts`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../../src-shared/domain/config-schema.js';
import type { MemoryOwnerQuery } from '../../../src-shared/plugin/api.js';
import { OperatorScopes } from '../../../src-shared/protocol/index.js';
import { resolveConfig } from '../../config/resolve.js';
import { createLogger } from '../../logging/index.js';
import type { RegisteredMemory } from '../../plugins/contributions.js';
import { createChannelAccess } from '../../routing/channel-access.js';
import { openSqliteStore } from '../../store/sqlite-store.js';
import type { CallContext } from '../dispatcher.js';
import { NO_MEMORY_NOTE, createPersonMemories } from '../person-memories.js';
import { SHARES_MAIN_NOTE, pairingAllowlistHandlers } from './pairing-allowlist.js';

const stores: ReturnType<typeof openSqliteStore>[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** Memories by owner, where the owner is the session key's last two parts (as a plugin might file them). */
function inMemorySlot(owners: Record<string, number>, opts: { failForget?: boolean } = {}) {
  const asked: MemoryOwnerQuery[] = [];
  const ownerOf = (q: MemoryOwnerQuery) => q.sessionKey.split(':').slice(-2).join(':');
  const memory: RegisteredMemory = {
    pluginId: 'memory-test',
    search: async () => [],
    get: async () => undefined,
    add: async () => ({ id: 'x' }),
    remove: async () => undefined,
    countOwner: async (q) => ({ owner: ownerOf(q), count: owners[ownerOf(q)] ?? 0 }),
    forgetOwner: async (q) => {
      asked.push(q);
      if (opts.failForget) throw new Error('the memory store is locked');
      const owner = ownerOf(q);
      const removed = owners[owner] ?? 0;
      delete owners[owner];
      return { owner, removed };
    },
  };
  return { memory, asked, owners };
}

async function setup(o: { session?: OpenClawConfig['session']; memory?: RegisteredMemory } = {}) {
  const store = openSqliteStore(':memory:');
  stores.push(store);
  const cfg = resolveConfig({ channels: { telegram: { botToken: '1:x' } }, ...(o.session ? { session: o.session } : {}) } as OpenClawConfig, {});
  const events: unknown[] = [];
  const access = createChannelAccess({
    store,
    config: () => cfg,
    log: createLogger('test/access'),
    notify: async () => undefined,
    emit: (_e, p) => events.push(p),
    reingest: () => undefined,
    channelInfo: () => ({ label: 'Telegram', personalNumber: false }),
  });
  await store.channelPairing.allow({ channel: 'telegram', accountId: 'default', senderId: '4242', senderName: 'Carol', approvedAtMs: 1 });
  const handlers = pairingAllowlistHandlers({
    access,
    config: () => cfg,
    known: (p) => p,
    ...(o.memory !== undefined ? { memories: createPersonMemories(async () => o.memory) } : { memories: createPersonMemories(async () => undefined) }),
  });
  const ctx = (scopes: string[]): CallContext => ({ connId: 'c', role: 'operator', clientId: 'test', scopes });
  const allowed = async () => (await handlers['channels.pairing.allowed']!({}, ctx([OperatorScopes.PAIRING]))).senders;
  return { handlers, ctx, allowed, events };
}

describe('channels.pairing.allowed and channels.pairing.revoke', () => {
  it('lists a paired sender with their memories, and keeps the memories unless asked', async () => {
    const slot = inMemorySlot({ 'direct:4242': 3 });
    const { handlers, ctx, allowed, events } = await setup({ memory: slot.memory });
    expect(await allowed()).toEqual([
      { channel: 'telegram', accountId: 'default', id: '4242', name: 'Carol', approvedAt: new Date(1).toISOString(), memories: { available: true, owner: 'direct:4242', count: 3 } },
    ]);
    const r = await handlers['channels.pairing.revoke']!({ channel: 'telegram', id: '4242' }, ctx([OperatorScopes.PAIRING]));
    expect(r).toEqual({ channel: 'telegram', accountId: 'default', id: '4242', revoked: true });
    expect(slot.asked).toEqual([]);
    expect(slot.owners).toEqual({ 'direct:4242': 3 });
    expect(await allowed()).toEqual([]);
    expect(events).toContainEqual({ type: 'revoked', channel: 'telegram', accountId: 'default', id: '4242' });
    // Not on the list any more: said so, not an error.
    expect(await handlers['channels.pairing.revoke']!({ channel: 'telegram', id: '4242' }, ctx([OperatorScopes.PAIRING]))).toMatchObject({ revoked: false });
  });

  it('forgets with every agent when asked, and only with operator.write', async () => {
    const slot = inMemorySlot({ 'direct:4242': 3 });
    const { handlers, ctx, allowed } = await setup({ memory: slot.memory });
    await expect(handlers['channels.pairing.revoke']!({ channel: 'telegram', id: '4242', forgetMemories: true }, ctx([OperatorScopes.PAIRING]))).rejects.toThrow(/missing scope: operator.write/);
    expect(await allowed()).toHaveLength(1);
    expect(slot.owners).toEqual({ 'direct:4242': 3 });

    const r = await handlers['channels.pairing.revoke']!({ channel: 'telegram', id: '4242', forgetMemories: true }, ctx([OperatorScopes.PAIRING, OperatorScopes.WRITE]));
    expect(r).toMatchObject({ revoked: true, memories: { removed: 3, owner: 'direct:4242' } });
    // The conversation a DM from them goes to now (per-channel-peer by default), with no agent: every agent.
    expect(slot.asked).toEqual([{ sessionKey: 'agent:main:telegram:direct:4242' }]);
  });

  it('a failing memory plugin fails the call and the sender stays on the list', async () => {
    const slot = inMemorySlot({ 'direct:4242': 3 }, { failForget: true });
    const { handlers, ctx, allowed } = await setup({ memory: slot.memory });
    await expect(handlers['channels.pairing.revoke']!({ channel: 'telegram', id: '4242', forgetMemories: true }, ctx([OperatorScopes.PAIRING, OperatorScopes.WRITE]))).rejects.toThrow(/locked/);
    expect(await allowed()).toHaveLength(1);
  });

  it("offers nothing when the sender's DMs are the owner's own conversation, or no memory plugin runs", async () => {
    const slot = inMemorySlot({ main: 5 });
    const shared = await setup({ session: { dmScope: 'main' }, memory: slot.memory });
    expect((await shared.allowed())[0]!.memories).toEqual({ available: false, note: SHARES_MAIN_NOTE });
    const r = await shared.handlers['channels.pairing.revoke']!({ channel: 'telegram', id: '4242', forgetMemories: true }, shared.ctx([OperatorScopes.PAIRING, OperatorScopes.WRITE]));
    expect(r).toMatchObject({ revoked: true, memories: { removed: 0, note: SHARES_MAIN_NOTE } });
    expect(slot.owners).toEqual({ main: 5 });

    const none = await setup();
    expect((await none.allowed())[0]!.memories).toEqual({ available: false, note: NO_MEMORY_NOTE });
    const r2 = await none.handlers['channels.pairing.revoke']!({ channel: 'telegram', id: '4242', forgetMemories: true }, none.ctx([OperatorScopes.PAIRING, OperatorScopes.WRITE]));
    expect(r2).toMatchObject({ revoked: true, memories: { removed: 0, note: NO_MEMORY_NOTE } });
  });

  it('a memory plugin without per-person forgetting is named, and its count failing is a note', async () => {
    const slot = inMemorySlot({});
    const { countOwner: _c, forgetOwner: _f, ...plain } = slot.memory;
    const old = await setup({ memory: plain });
    expect((await old.allowed())[0]!.memories).toEqual({ available: false, note: `the memory plugin "memory-test" cannot forget one person's memories` });
    const broken = await setup({ memory: { ...slot.memory, countOwner: () => Promise.reject(new Error('table is corrupt')) } });
    expect((await broken.allowed())[0]!.memories).toEqual({ available: false, note: 'memories could not be counted: table is corrupt' });
  });
});
