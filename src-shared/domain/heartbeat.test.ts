import { describe, expect, it } from 'vitest';
import { DEFAULT_HEARTBEAT_PROMPT, isHeartbeatAck, isHeartbeatFileEmpty, isWithinActiveHours, parseHeartbeatEvery, resolveHeartbeats } from './heartbeat.js';

describe('isHeartbeatAck', () => {
  it.each([
    ['HEARTBEAT_OK', true],
    ['  HEARTBEAT_OK \n', true],
    ['HEARTBEAT_OK.', true],
    ['**HEARTBEAT_OK**', true],
    ['<b>HEARTBEAT_OK</b>', true],
    ['All quiet. HEARTBEAT_OK', true],
    ['HEARTBEAT_OK nothing new in the inbox', true],
    ['', true],
    ['Your flight leaves in two hours.', false],
    ['I checked and HEARTBEAT_OK is what I would say, but the server is down.', false],
  ])('%j → %s', (reply, ack) => {
    expect(isHeartbeatAck(reply)).toBe(ack);
  });

  it('counts only up to ackMaxChars of other text as an acknowledgement', () => {
    const long = `HEARTBEAT_OK ${'x'.repeat(301)}`;
    expect(isHeartbeatAck(long)).toBe(false);
    expect(isHeartbeatAck(long, 400)).toBe(true);
    expect(isHeartbeatAck('HEARTBEAT_OK fine', 0)).toBe(false);
  });
});

describe('isHeartbeatFileEmpty', () => {
  it('sees headings, comments, fences and empty list items as nothing to do', () => {
    expect(isHeartbeatFileEmpty('# Heartbeat\n\n<!-- add tasks -->\n- [ ]\n* \n```\n```\n')).toBe(true);
    expect(isHeartbeatFileEmpty('')).toBe(true);
  });
  it('sees any real line as something to do', () => {
    expect(isHeartbeatFileEmpty('# Heartbeat\n- check the build\n')).toBe(false);
    expect(isHeartbeatFileEmpty('<!-- x -->water the plants')).toBe(false);
  });
});

describe('parseHeartbeatEvery', () => {
  it('reads durations, bare numbers as minutes, and zero as off', () => {
    expect(parseHeartbeatEvery('30m')).toBe(1_800_000);
    expect(parseHeartbeatEvery('1h30m')).toBe(5_400_000);
    expect(parseHeartbeatEvery('15')).toBe(900_000);
    expect(parseHeartbeatEvery('500ms')).toBe(500);
    expect(parseHeartbeatEvery('0')).toBeNull();
    expect(parseHeartbeatEvery('0m')).toBeNull();
    expect(parseHeartbeatEvery(undefined)).toBeNull();
    expect(parseHeartbeatEvery('soon')).toBeNull();
  });
});

describe('resolveHeartbeats', () => {
  it('is off for every agent without any heartbeat block', () => {
    expect(resolveHeartbeats({ entries: { main: {} } })).toEqual([
      { agentId: 'main', enabled: false, every: 'disabled', everyMs: null, prompt: DEFAULT_HEARTBEAT_PROMPT, defaultPrompt: true, target: 'last', ackMaxChars: 300 },
    ]);
  });
  it('applies the defaults to every agent when no agent has its own block', () => {
    const r = resolveHeartbeats({ defaults: { heartbeat: { every: '30m', target: 'none' } }, entries: { main: {}, ops: {} } });
    expect(r.map((b) => [b.agentId, b.everyMs, b.target])).toEqual([
      ['main', 1_800_000, 'none'],
      ['ops', 1_800_000, 'none'],
    ]);
  });
  it('runs only the agents with their own block, merged over the defaults', () => {
    const r = resolveHeartbeats({ defaults: { heartbeat: { every: '30m', target: 'none' } }, entries: { main: {}, ops: { heartbeat: { every: '1h', prompt: ' Check the queue. ' } } } });
    expect(r[0]).toMatchObject({ agentId: 'main', enabled: false, every: 'disabled' });
    expect(r[1]).toMatchObject({ agentId: 'ops', enabled: true, every: '1h', everyMs: 3_600_000, target: 'none', prompt: 'Check the queue.', defaultPrompt: false });
  });
});

describe('isWithinActiveHours', () => {
  const at = (iso: string) => Date.parse(iso);
  it('checks the window in its time zone', () => {
    const w = { start: '09:00', end: '17:00', timezone: 'UTC' };
    expect(isWithinActiveHours(w, at('2026-12-06T09:00:00Z'))).toBe(true);
    expect(isWithinActiveHours(w, at('2026-12-06T16:59:00Z'))).toBe(true);
    expect(isWithinActiveHours(w, at('2026-12-06T17:00:00Z'))).toBe(false);
    expect(isWithinActiveHours({ ...w, timezone: 'America/New_York' }, at('2026-12-06T12:00:00Z'))).toBe(false);
  });
  it('wraps midnight, treats 24:00 as the end of the day, and an empty or unknown-zone window as closed', () => {
    expect(isWithinActiveHours({ start: '22:00', end: '06:00', timezone: 'UTC' }, at('2026-12-06T23:30:00Z'))).toBe(true);
    expect(isWithinActiveHours({ start: '22:00', end: '06:00', timezone: 'UTC' }, at('2026-12-06T12:00:00Z'))).toBe(false);
    expect(isWithinActiveHours({ start: '00:00', end: '24:00', timezone: 'UTC' }, at('2026-12-06T23:59:00Z'))).toBe(true);
    expect(isWithinActiveHours({ start: '08:00', end: '08:00', timezone: 'UTC' }, at('2026-12-06T08:00:00Z'))).toBe(false);
    expect(isWithinActiveHours({ start: '00:00', end: '24:00', timezone: 'Mars/Olympus' }, at('2026-12-06T08:00:00Z'))).toBe(false);
  });
});
