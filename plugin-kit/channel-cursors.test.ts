import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelState } from '../src-shared/domain/channel.js';
import { ChannelCursors, type CursorFormat } from './channel-cursors.js';

const FORMAT: CursorFormat<number> = { file: 'x-cursors.json', field: 'lastAt', channelId: /^c\d+$/, isPosition: (v): v is number => typeof v === 'number', newer: (a, b) => a > b };
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'oc-cursors-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function memoryState(): ChannelState & { data: Record<string, string> } {
  const data: Record<string, string> = {};
  return { data, get: async (k) => data[k], set: async (entries) => void Object.assign(data, entries) } as ChannelState & { data: Record<string, string> };
}

describe('ChannelCursors', () => {
  it('keeps the newest position per channel, saved atomically in the file under its own field name', async () => {
    const dir = tempDir();
    const errors: unknown[] = [];
    const c = new ChannelCursors(FORMAT, dir, (e) => errors.push(e));
    await c.load();
    c.advance('c1', 10);
    c.advance('c1', 5); // older: ignored
    c.advance('c2', 7);
    await c.flush();
    const saved = JSON.parse(readFileSync(join(dir, 'x-cursors.json'), 'utf8')) as Record<string, { lastAt: number; seenAt: number }>;
    expect(saved.c1!.lastAt).toBe(10);
    expect(saved.c2!.lastAt).toBe(7);
    const again = new ChannelCursors(FORMAT, dir, (e) => errors.push(e));
    await again.load();
    expect(again.get('c1')?.position).toBe(10);
    expect(again.activeSince(0).map(([id]) => id).sort()).toEqual(['c1', 'c2']);
    expect(errors).toEqual([]);
  });

  it('reads a file from before the store once, then keeps its positions in the store', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x-cursors.json'), JSON.stringify({ c1: { lastAt: 3, seenAt: 1 } }));
    const state = memoryState();
    const c = new ChannelCursors(FORMAT, dir, () => undefined, state);
    await c.load();
    expect(c.get('c1')?.position).toBe(3);
    c.advance('c1', 4);
    await c.flush();
    expect(JSON.parse(state.data.cursors!)).toMatchObject({ c1: { lastAt: 4 } });
    // The store wins from now on; the old file is left as it was.
    const next = new ChannelCursors(FORMAT, dir, () => undefined, state);
    await next.load();
    expect(next.get('c1')?.position).toBe(4);
  });

  it('skips malformed entries and reports an unreadable file, keeping nothing from it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x-cursors.json'), JSON.stringify({ c1: { lastAt: 'x', seenAt: 1 }, nope: { lastAt: 1, seenAt: 1 }, c2: { lastAt: 2, seenAt: 1 } }));
    const c = new ChannelCursors(FORMAT, dir, () => undefined);
    await c.load();
    expect(c.activeSince(0).map(([id]) => id)).toEqual(['c2']);
    writeFileSync(join(dir, 'x-cursors.json'), '{not json');
    const errors: unknown[] = [];
    const broken = new ChannelCursors(FORMAT, dir, (e) => errors.push(e));
    await broken.load();
    expect(errors).toHaveLength(1);
    expect(broken.activeSince(0)).toEqual([]);
  });
});
