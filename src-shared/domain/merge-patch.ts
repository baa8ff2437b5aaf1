/**
 * RFC 7396 JSON Merge Patch, used by `config.patch` and `config set --merge`.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies `patch` to `target` per RFC 7396 and returns the result without
 * mutating either input: a non-object patch replaces the target, `null`
 * deletes a key, arrays replace wholesale, objects merge recursively.
 * Arrays and scalars from the patch are shared with the result, not copied.
 * @throws Error on a `__proto__` key, which would otherwise set the prototype of the result.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '__proto__') throw new Error('refusing to merge the key "__proto__"');
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value);
  }
  return result;
}
