import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_ID, DEFAULT_AGENT_ID, DEFAULT_MAIN_KEY, normalizeAccountId, normalizeAgentId } from './agent-id.js';

describe('defaults', () => {
  it('match upstream', () => {
    expect([DEFAULT_AGENT_ID, DEFAULT_ACCOUNT_ID, DEFAULT_MAIN_KEY]).toEqual(['main', 'default', 'main']);
  });
});

describe('normalizeAgentId', () => {
  it.each<[string | null | undefined, string]>([
    ['main', 'main'],
    ['Work', 'work'],
    ['  ops  ', 'ops'],
    ['my_agent', 'my-agent'],
    ['My Agent!', 'my-agent'],
    ['a--b', 'a-b'],
    ['a . b', 'a-b'],
    ['--edge--', 'edge'],
    ['agent-2', 'agent-2'],
    ['ünïcode', 'n-code'],
    ['../etc/passwd', 'etc-passwd'],
    ['', 'main'],
    ['   ', 'main'],
    ['---', 'main'],
    ['!!!', 'main'],
    [undefined, 'main'],
    [null, 'main'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeAgentId(input)).toBe(expected);
  });

  it('caps at 64 characters', () => {
    expect(normalizeAgentId('x'.repeat(100))).toBe('x'.repeat(64));
  });

  it('does not leave a trailing dash after the cap', () => {
    expect(normalizeAgentId(`${'x'.repeat(63)}-yyy`)).toBe('x'.repeat(63));
  });

  it('is idempotent', () => {
    for (const id of ['My Agent!', 'a__b', 'x'.repeat(80), 'main']) {
      expect(normalizeAgentId(normalizeAgentId(id))).toBe(normalizeAgentId(id));
    }
  });
});

describe('normalizeAccountId', () => {
  it.each<[string | null | undefined, string]>([
    ['Work', 'work'],
    [' personal ', 'personal'],
    ['', 'default'],
    [undefined, 'default'],
    [null, 'default'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeAccountId(input)).toBe(expected);
  });
});
