/**
 * Validation against JSON Schemas that plugins bring (config, tool params,
 * method params). TypeBox validates only schemas built with TypeBox, so
 * plugin-provided documents go through Ajv. Each schema object is compiled
 * once and cached; Ajv instances are created on first use, so a gateway
 * without plugins never pays for them.
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ConfigPathSegment } from '../../src-shared/domain/config-path.js';
import type { JsonSchema } from '../../src-shared/plugin/api.js';

/** One problem in a value, located by path segments relative to the validated value. */
export interface SchemaIssue {
  segments: ConfigPathSegment[];
  message: string;
}

/** A compiled schema. */
export interface CompiledSchema {
  /** Problems in `value`; empty when valid. At most one per path. */
  validate(value: unknown): SchemaIssue[];
}

/** The schema itself is not valid JSON Schema. */
export class InvalidJsonSchemaError extends Error {
  override readonly name = 'InvalidJsonSchemaError';
}

// Formats are not checked (no format vocabulary is bundled); unknown keywords are
// tolerated because plugin schemas carry UI hints such as `uiHints` or `x-*`.
const OPTIONS: Options = { allErrors: true, strict: false, validateFormats: false, logger: false };
const instances = new Map<string, Ajv>();
const cache = new WeakMap<object, CompiledSchema>();

/** Compiles (or returns the cached) validator; throws `InvalidJsonSchemaError` for a malformed schema. */
export function compileJsonSchema(schema: JsonSchema): CompiledSchema {
  const hit = cache.get(schema);
  if (hit) return hit;
  let fn: ValidateFunction;
  try {
    fn = ajvFor(schema).compile(schema);
  } catch (err) {
    throw new InvalidJsonSchemaError((err as Error).message);
  }
  const compiled: CompiledSchema = {
    validate(value) {
      if (fn(value)) return [];
      return toIssues(fn.errors ?? [], value);
    },
  };
  cache.set(schema, compiled);
  return compiled;
}

/** `a.b: message; c: message` for one-line errors (tool and method params). */
export function formatSchemaIssues(issues: readonly SchemaIssue[]): string {
  return issues
    .slice(0, 8)
    .map((i) => `${i.segments.length ? i.segments.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

function ajvFor(schema: JsonSchema): Ajv {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const key = dialect.includes('2020-12') ? '2020' : dialect.includes('2019-09') ? '2019' : '07';
  let ajv = instances.get(key);
  if (!ajv) {
    ajv = key === '2020' ? new Ajv2020(OPTIONS) : key === '2019' ? new Ajv2019(OPTIONS) : new Ajv(OPTIONS);
    instances.set(key, ajv);
  }
  return ajv;
}

function toIssues(errors: readonly ErrorObject[], root: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // `if`/`anyOf` wrappers only repeat what their branches said.
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const segments = pointerSegments(e.instancePath);
    const params = e.params as Record<string, unknown>;
    let message: string;
    if (e.keyword === 'required') {
      segments.push(String(params.missingProperty));
      message = 'required';
    } else if (e.keyword === 'additionalProperties') {
      segments.push(String(params.additionalProperty));
      message = 'unknown key';
    } else if (e.keyword === 'type') {
      // Never echo the value: it may be a secret.
      message = `expected ${String(params.type)}, got ${typeName(valueAt(root, segments))}`;
    } else if (e.keyword === 'enum') {
      message = `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'const') {
      message = `expected ${JSON.stringify(params.allowedValue)}`;
    } else {
      message = e.message ?? `fails ${e.keyword}`;
    }
    const key = segments.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ segments, message });
  }
  return issues;
}

function pointerSegments(pointer: string): ConfigPathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(root: unknown, segments: readonly ConfigPathSegment[]): unknown {
  let v: unknown = root;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s as string];
  }
  return v;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}
