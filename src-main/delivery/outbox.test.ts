import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelPermanentError, type ChannelCapabilities, type ChannelSend } from '../../src-shared/domain/channel.js';
import type { OutboundReply } from '../../src-shared/domain/inbound.js';
import { createLogger } from '../logging/index.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/types.js';
import { createDelivery } from './deliver.js';
import { OutboxWorker, outboxTargetKey } from './outbox.js';

const caps: ChannelCapabilities = { textLimit: 20, format: 'plain', media: false, threads: false, livenessMs: 1000 };
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A platform whose behaviour per send the test scripts; everything it accepted is recorded. */
function worker(store: Store, platform: (msg: ChannelSend) => void) {
  const accepted: ChannelSend[] = [];
  const deliver = createDelivery({
    target: {
      capabilities: async () => caps,
      send: async (_c, _a, msg) => {
        platform(msg);
        accepted.push(msg);
        return { messageId: `m${accepted.length}` };
      },
    },
    log: createLogger('test/outbox'),
    maxAttempts: 1,
  });
  const w = new OutboxWorker({ store, deliver, log: createLogger('test/outbox'), initialDelayMs: 10, maxDelayMs: 40 });
  cleanups.push(() => w.stop());
  return { w, accepted };
}

const reply = (to: string, text: string): OutboundReply => ({ channel: 'x', accountId: 'default', to: { kind: 'direct', id: to }, text });
const add = (store: Store, r: OutboundReply) => store.outbox.add({ targetKey: outboxTargetKey(r), reply: r, nowMs: Date.now() });

describe('OutboxWorker', () => {
  it('keeps replies across a restart: what was stored before a crash goes out on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openclaw-outbox-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'state.sqlite');
    const first = openSqliteStore(path);
    await add(first, reply('1', 'before the crash'));
    await first.close(); // the process died before the worker ran
    const store = openSqliteStore(path);
    cleanups.push(() => store.close());
    const { w, accepted } = worker(store, () => undefined);
    w.start();
    await w.idle();
    expect(accepted.map((a) => a.text)).toEqual(['before the crash']);
    expect(await store.outbox.counts()).toEqual({ pending: 0, failed: 0 });
  });

  it('a platform outage delays replies without reordering them; a half-sent reply resumes after the sent chunks', async () => {
    const store = openSqliteStore(':memory:');
    cleanups.push(() => store.close());
    let down = true;
    let sentWhileDown = 0;
    const { w, accepted } = worker(store, () => {
      // The first chunk of the first reply gets through, then the platform fails.
      if (down && sentWhileDown++ > 0) throw new Error('502 Bad Gateway');
    });
    await add(store, reply('1', 'first part.\n\nsecond part.'));
    await add(store, reply('1', 'next reply'));
    w.start();
    await w.idle();
    expect(accepted.map((a) => a.text)).toEqual(['first part.']);
    const head = (await store.outbox.heads(10))[0]!;
    expect(head).toMatchObject({ sentChunks: 1, attempts: 1, lastError: expect.stringMatching(/502/) });
    down = false;
    await new Promise<void>((resolve) => {
      const check = () => void store.outbox.counts().then((c) => (c.pending === 0 ? resolve() : setTimeout(check, 10)));
      check();
    });
    expect(accepted.map((a) => a.text)).toEqual(['first part.', 'second part.', 'next reply']);
  });

  it('chats do not wait for each other, and a permanent refusal gives up on that reply only', async () => {
    const store = openSqliteStore(':memory:');
    cleanups.push(() => store.close());
    const { w, accepted } = worker(store, (msg) => {
      if (msg.to.id === 'blocked') throw new ChannelPermanentError('bot was blocked by the user');
    });
    await add(store, reply('blocked', 'hello?'));
    await add(store, reply('2', 'for two'));
    w.start();
    await w.idle();
    expect(accepted.map((a) => a.to.id)).toEqual(['2']);
    expect(await store.outbox.counts()).toEqual({ pending: 0, failed: 1 });
  });
});
