import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';

/** A schema compiled once, checked many times. */
export interface Validator<T> {
  check(value: unknown): value is T;
  /** Human-readable list of problems, `path: message` joined by `; `. Empty when valid. */
  explain(value: unknown): string;
}

/**
 * Compile a schema. Falls back to the interpreter where code generation is not
 * allowed (a renderer under a CSP without 'unsafe-eval').
 */
export function compile<S extends TSchema>(schema: S): Validator<Static<S>> {
  let check: (v: unknown) => boolean;
  try {
    const compiled = TypeCompiler.Compile(schema);
    check = (v) => compiled.Check(v);
  } catch {
    check = (v) => Value.Check(schema, v);
  }
  return {
    check: (value: unknown): value is Static<S> => check(value),
    explain(value: unknown): string {
      const parts: string[] = [];
      for (const e of Value.Errors(schema, value)) {
        parts.push(`${e.path || '/'}: ${e.message}`);
        if (parts.length >= 8) break;
      }
      return parts.join('; ');
    },
  };
}
