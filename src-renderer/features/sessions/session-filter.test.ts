import { describe, expect, it } from 'vitest';
import { distinctValues, filterSessions, type SessionRow } from './session-filter.js';

const row = (key: string, extra: Partial<SessionRow> = {}): SessionRow => ({
  key,
  sessionId: `id-${key}`,
  agentId: 'main',
  kind: 'direct',
  createdAt: 0,
  updatedAt: 0,
  messageCount: 0,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  running: false,
  ...extra,
});

describe('filterSessions', () => {
  const rows = [row('agent:main:main', { preview: 'Hello there' }), row('agent:ops:telegram:group:1', { agentId: 'ops', kind: 'group', label: 'Team' })];

  it('searches key, label and preview, case-insensitively', () => {
    expect(filterSessions(rows, { search: 'HELLO', agent: '', kind: '' }).map((r) => r.key)).toEqual(['agent:main:main']);
    expect(filterSessions(rows, { search: 'team', agent: '', kind: '' }).map((r) => r.key)).toEqual(['agent:ops:telegram:group:1']);
  });

  it('filters by agent and kind', () => {
    expect(filterSessions(rows, { search: '', agent: 'ops', kind: '' })).toHaveLength(1);
    expect(filterSessions(rows, { search: '', agent: '', kind: 'direct' })).toHaveLength(1);
    expect(filterSessions(rows, { search: '', agent: 'ops', kind: 'direct' })).toHaveLength(0);
  });

  it('lists distinct agents and kinds', () => {
    expect(distinctValues(rows, 'agentId')).toEqual(['main', 'ops']);
    expect(distinctValues(rows, 'kind')).toEqual(['direct', 'group']);
  });

  it('filters 10,000 rows quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => row(`agent:main:s${i}`, { preview: `message ${i}` }));
    const t = performance.now();
    expect(filterSessions(many, { search: 'message 99', agent: 'main', kind: '' })).toHaveLength(111);
    expect(performance.now() - t).toBeLessThan(100);
  });
});
