import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tailLogFile } from './logs.js';

const line = (i: number) => JSON.stringify({ level: 'info', msg: `line ${i}` });

describe('tailLogFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-logs-'));

  it('returns the last lines, then follows from the cursor with whole lines only', () => {
    const f = join(dir, 'a.log');
    writeFileSync(f, [1, 2, 3, 4].map(line).join('\n') + '\n');
    const first = tailLogFile(f, { limit: 2 });
    expect(first.lines.map((l) => JSON.parse(l).msg)).toEqual(['line 3', 'line 4']);
    appendFileSync(f, line(5) + '\n' + '{"partial":');
    const next = tailLogFile(f, { cursor: first.cursor });
    expect(next.lines.map((l) => JSON.parse(l).msg)).toEqual(['line 5']);
    appendFileSync(f, 'true}\n');
    expect(tailLogFile(f, { cursor: next.cursor }).lines).toEqual(['{"partial":true}']);
  });

  it('reports a reset when the file shrank (rotation)', () => {
    const f = join(dir, 'b.log');
    writeFileSync(f, line(1) + '\n');
    const r = tailLogFile(f, { cursor: 10_000 });
    expect(r.reset).toBe(true);
    expect(r.lines).toHaveLength(1);
  });

  it('pages with limit and marks truncated', () => {
    const f = join(dir, 'c.log');
    writeFileSync(f, Array.from({ length: 10 }, (_, i) => line(i)).join('\n') + '\n');
    const p1 = tailLogFile(f, { cursor: 0, limit: 4 });
    expect(p1.lines).toHaveLength(4);
    expect(p1.truncated).toBe(true);
    const p2 = tailLogFile(f, { cursor: p1.cursor, limit: 100 });
    expect(JSON.parse(p2.lines[0]!).msg).toBe('line 4');
    expect(p2.truncated).toBe(false);
  });

  it('answers an empty page for a missing file', () => {
    expect(tailLogFile(join(dir, 'none.log'), {})).toMatchObject({ lines: [], size: 0 });
  });
});
