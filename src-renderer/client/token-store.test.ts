import { describe, expect, it } from 'vitest';
import { createTokenStore } from './token-store.js';

describe('createTokenStore', () => {
  it('round-trips and forgets', () => {
    const data = new Map<string, string>();
    const s = createTokenStore({ getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) });
    expect(s.load()).toBeUndefined();
    s.rememberAccepted('abc');
    expect(s.load()).toBe('abc');
    s.forget();
    expect(s.load()).toBeUndefined();
  });

  it('survives missing or throwing storage', () => {
    expect(createTokenStore(undefined).load()).toBeUndefined();
    const throwing = createTokenStore({
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceeded');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    });
    expect(throwing.load()).toBeUndefined();
    expect(() => throwing.rememberAccepted('x')).not.toThrow();
    expect(() => throwing.forget()).not.toThrow();
  });
});
