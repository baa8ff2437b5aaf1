/**
 * The one rule for handing out operator scopes: nobody grants a scope they do
 * not hold. Every path that gives a device scopes (approving a pairing
 * request, rotating a token, approving node commands, minting a setup code)
 * and every path that acts on a more privileged device asks this module.
 */
import { OperatorScopes, hasScope } from '../protocol/scopes.js';

/**
 * The scopes in `requested` that `held` does not cover, in request order and
 * without duplicates. `operator.admin` covers every scope; otherwise the usual
 * implications apply (write ⇒ read, talk).
 */
export function missingGrantScopes(held: readonly string[], requested: readonly string[]): string[] {
  if (held.includes(OperatorScopes.ADMIN)) return [];
  return [...new Set(requested.filter((s) => !hasScope(held, s)))];
}

/** Whether a caller holding `held` may grant every scope in `requested`. */
export function canGrant(held: readonly string[], requested: readonly string[]): boolean {
  return missingGrantScopes(held, requested).length === 0;
}

/** The part of `wanted` a caller holding `held` may pass on: a grant never ends up wider than its grantor. */
export function grantableScopes(held: readonly string[], wanted: readonly string[]): string[] {
  return [...new Set(wanted.filter((s) => canGrant(held, [s])))];
}

/**
 * A refused grant: `action` names what was attempted ("approve device abc… for
 * operator.admin"), `missingScopes` what the caller lacks, `requiredScopes`
 * everything the action needs.
 */
export class ScopeGrantError extends Error {
  override readonly name = 'ScopeGrantError';
  constructor(
    readonly action: string,
    readonly missingScopes: readonly string[],
    readonly requiredScopes: readonly string[],
  ) {
    // Old clients parse the leading "missing scope: <scope>".
    super(`missing scope: ${missingScopes.join(', ')} (to ${action}; nobody grants or manages scopes they do not hold)`);
  }
}

/** Throws {@link ScopeGrantError} unless `held` covers every scope in `requested`. */
export function assertCanGrant(held: readonly string[], requested: readonly string[], action: string, alsoRequired: readonly string[] = []): void {
  const missing = missingGrantScopes(held, requested);
  if (missing.length) throw new ScopeGrantError(action, missing, [...new Set([...alsoRequired, ...requested])]);
}
