import type { Static, TSchema } from '@sinclair/typebox';

/** Who may call a method: a scope for operators (null = any authenticated operator), and which roles. */
export interface MethodSpec<P extends TSchema = TSchema, R extends TSchema = TSchema> {
  /** Params schema; validated by the dispatcher before the handler runs. */
  params: P;
  /** Result schema; documents the payload and is checked in tests. */
  result: R;
  /** Operator scope required, or null when any authenticated operator may call it. */
  scope: string | null;
  /** Roles allowed to call. Operators by default. */
  roles?: readonly string[];
  /** One line for docs and the UI. */
  description: string;
}

/** Identity helper that keeps the literal schema types. */
export function defineMethod<P extends TSchema, R extends TSchema>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}

export type ParamsOfSpec<S> = S extends MethodSpec<infer P, TSchema> ? Static<P> : never;
export type ResultOfSpec<S> = S extends MethodSpec<TSchema, infer R> ? Static<R> : never;
