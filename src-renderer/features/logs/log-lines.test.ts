import { describe, expect, it } from 'vitest';
import { appendCapped, atLeast, parseLogLine } from './log-lines.js';

describe('log lines', () => {
  it('parses the gateway JSON lines, string or numeric levels', () => {
    expect(parseLogLine('{"time":"2026-01-01T00:00:00.000Z","level":"warn","subsystem":"gateway/ws","message":"slow","connId":"c1"}', 1)).toEqual({
      id: 1,
      time: '2026-01-01T00:00:00.000Z',
      level: 'warn',
      subsystem: 'gateway/ws',
      message: 'slow',
      extra: 'connId=c1',
    });
    expect(parseLogLine('{"level":50,"msg":"boom"}', 2)).toMatchObject({ level: 'error', message: 'boom' });
    expect(parseLogLine('not json', 3)).toEqual({ id: 3, message: 'not json', extra: '' });
  });

  it('filters by minimum level and caps the buffer', () => {
    const entries = ['debug', 'info', 'error'].map((level, i) => parseLogLine(JSON.stringify({ level, message: level }), i));
    expect(atLeast(entries, 'info').map((e) => e.message)).toEqual(['info', 'error']);
    expect(appendCapped(entries, entries, 4)).toHaveLength(4);
  });
});
