import { describe, expect, it } from 'vitest';
import { ScopeGrantError, assertCanGrant, canGrant, grantableScopes, missingGrantScopes } from './scope-grant.js';

describe('missingGrantScopes / canGrant', () => {
  it.each([
    [['operator.pairing'], ['operator.admin'], ['operator.admin']],
    [['operator.pairing'], ['operator.admin', 'operator.read', 'operator.admin'], ['operator.admin', 'operator.read']],
    [['operator.pairing'], ['operator.pairing'], []],
    [['operator.pairing'], [], []],
    // admin covers everything, even scopes it does not imply for method calls
    [['operator.admin'], ['operator.pairing', 'operator.talk.secrets', 'operator.approvals'], []],
    // the usual implications: write ⇒ read, talk
    [['operator.write'], ['operator.read', 'operator.talk'], []],
    [['operator.read'], ['operator.write'], ['operator.write']],
    [[], ['operator.read'], ['operator.read']],
  ])('%j granting %j lacks %j', (held, requested, missing) => {
    expect(missingGrantScopes(held, requested)).toEqual(missing);
    expect(canGrant(held, requested)).toBe(missing.length === 0);
  });
});

describe('grantableScopes', () => {
  it('keeps only what the grantor holds', () => {
    expect(grantableScopes(['operator.pairing', 'operator.write'], ['operator.admin', 'operator.read', 'operator.pairing'])).toEqual(['operator.read', 'operator.pairing']);
    expect(grantableScopes(['operator.admin'], ['operator.admin', 'operator.pairing'])).toEqual(['operator.admin', 'operator.pairing']);
  });
});

describe('assertCanGrant', () => {
  it('names the action, what is missing and everything required', () => {
    let err: unknown;
    try {
      assertCanGrant(['operator.pairing'], ['operator.admin', 'operator.read'], 'approve device "d1"', ['operator.pairing']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScopeGrantError);
    expect(err).toMatchObject({
      message: expect.stringMatching(/^missing scope: operator\.admin, operator\.read \(to approve device "d1"/),
      missingScopes: ['operator.admin', 'operator.read'],
      requiredScopes: ['operator.pairing', 'operator.admin', 'operator.read'],
    });
    expect(() => assertCanGrant(['operator.admin'], ['operator.read'], 'x')).not.toThrow();
  });
});
