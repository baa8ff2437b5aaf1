import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { TSchema } from '@sinclair/typebox';
import { OpenClawConfigSchema, isSecretPath, type OpenClawConfig } from '../../src-shared/domain/config-schema.js';
import { formatConfigPath } from '../../src-shared/domain/config-path.js';
import type { ConfigIssue } from './errors.js';

// Compiled once per process; the schema never changes at run time.
const compiled = TypeCompiler.Compile(OpenClawConfigSchema);

/** Checks a parsed config against the strict schema; issues name config paths (`gateway.port`). */
export function validateConfig(value: unknown): { ok: true; config: OpenClawConfig } | { ok: false; issues: ConfigIssue[] } {
  if (compiled.Check(value)) return { ok: true, config: value as OpenClawConfig };
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of compiled.Errors(value)) {
    const path = pointerToPath(error.path);
    // TypeBox may report one bad value several ways; the first is the clearest.
    if (seen.has(path)) continue;
    seen.add(path);
    issues.push({ path, message: describeError(error, isSecretPath(pointerSegments(error.path))) });
  }
  return { ok: false, issues };
}

function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function pointerToPath(pointer: string): string {
  return formatConfigPath(pointerSegments(pointer));
}

function describeError(error: ValueError, secret: boolean): string {
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return 'unknown key';
  if (error.value === undefined) return `required (${describeSchema(error.schema)})`;
  // Never echo what sits in a secret slot: these messages end up in logs.
  const got = secret ? typeof error.value : describeValue(error.value);
  return `expected ${describeSchema(error.schema)}, got ${got}`;
}

function describeSchema(schema: TSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) {
    const options = (schema.anyOf as TSchema[]).map(describeSchema);
    const allConst = (schema.anyOf as TSchema[]).every((s) => s.const !== undefined);
    return allConst ? `one of ${options.join(', ')}` : options.join(' or ');
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const { minimum: min, maximum: max } = schema as { minimum?: number; maximum?: number };
    if (min !== undefined && max !== undefined) return `${schema.type} ${min}..${max}`;
    if (min !== undefined) return `${schema.type} >= ${min}`;
    if (max !== undefined) return `${schema.type} <= ${max}`;
    return String(schema.type);
  }
  // A pattern says what it wants in its title (a regular expression is no help to a person).
  if (schema.type === 'string' && typeof schema.pattern === 'string') return typeof schema.title === 'string' ? schema.title : `string matching ${schema.pattern}`;
  if (schema.type === 'array') return 'array';
  if (schema.type === 'object') return 'object';
  return typeof schema.type === 'string' ? schema.type : 'a valid value';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
