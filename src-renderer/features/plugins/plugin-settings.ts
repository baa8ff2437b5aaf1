/**
 * A plugin's settings form: checking values against the plugin's own JSON Schema before anything is
 * sent, the merge patch that writes them to `plugins.entries.<id>.config`, and refusals from the
 * gateway mapped back to the fields.
 *
 * The check runs in the page, where the Control UI's content policy forbids compiling validators
 * at run time, so it is a small interpreter of the keywords settings schemas use (types, enums,
 * lengths, patterns, ranges, required and unknown keys, items, anyOf). Anything else is left to the
 * gateway, which checks the full schema when it loads the plugin.
 */
import { fieldKind, getAt, mergePatchDiff, normalizeIssuePath, type SchemaNode } from '../config/config-form.js';

/** The JSON Schema keywords the settings check understands (the form itself needs only {@link SchemaNode}). */
export interface SettingsSchema extends Omit<SchemaNode, 'properties' | 'patternProperties' | 'additionalProperties' | 'items' | 'anyOf'> {
  properties?: Record<string, SettingsSchema>;
  patternProperties?: Record<string, SettingsSchema>;
  additionalProperties?: boolean | SettingsSchema;
  items?: SettingsSchema;
  anyOf?: SettingsSchema[];
  required?: string[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
}

/** A problem with one value; `path` is dotted, relative to the plugin's settings (`''` for the whole). */
export interface SettingsIssue {
  path: string;
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether the settings schema can be shown as a form (an object with named fields). */
export const isFormSchema = (schema: unknown): schema is SettingsSchema => isRecord(schema) && fieldKind(schema as SchemaNode) === 'object';

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a group of settings',
  null: 'empty (null)',
};

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isRecord(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

function matches(pattern: string, text: string): boolean | undefined {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(pattern, flags).test(text);
    } catch {
      // Not valid with this flag set; try the next, and give the question to the gateway if none work.
    }
  }
  return undefined;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Every problem in `value` by the keywords above; empty when it passes. */
export function checkSettings(schema: SettingsSchema, value: unknown, path = ''): SettingsIssue[] {
  const issue = (message: string): SettingsIssue[] => [{ path, message }];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((t) => hasType(value, t))) return issue(`must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`);
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return issue(`must be one of: ${schema.enum.map(show).join(', ')}`);
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) return issue(`must be ${show(schema.const)}`);
  if (schema.anyOf && schema.anyOf.length > 0 && !schema.anyOf.some((s) => checkSettings(s, value, path).length === 0)) {
    const consts = schema.anyOf.filter((s) => s.const !== undefined);
    return issue(consts.length === schema.anyOf.length ? `must be one of: ${consts.map((s) => show(s.const)).join(', ')}` : 'does not match any of the allowed forms');
  }

  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) return issue(schema.minLength === 1 ? 'must not be empty' : `must be at least ${plural(schema.minLength, 'character')} long`);
    if (schema.maxLength !== undefined && length > schema.maxLength) return issue(`must be at most ${plural(schema.maxLength, 'character')} long`);
    if (schema.pattern !== undefined && matches(schema.pattern, value) === false) return issue(`must match the pattern ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return issue(`must be ${schema.minimum} or more`);
    if (schema.maximum !== undefined && value > schema.maximum) return issue(`must be ${schema.maximum} or less`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return issue(`must be more than ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return issue(`must be less than ${schema.exclusiveMaximum}`);
    if (schema.multipleOf !== undefined && schema.multipleOf > 0 && !Number.isInteger(Number((value / schema.multipleOf).toFixed(9)))) return issue(`must be a multiple of ${schema.multipleOf}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return issue(`must have at least ${plural(schema.minItems, 'item')}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return issue(`must have at most ${plural(schema.maxItems, 'item')}`);
    const items = schema.items;
    if (items) return value.flatMap((v, i) => checkSettings(items, v, join(path, i)));
  }
  if (isRecord(value)) return checkObject(schema, value, path);
  return [];
}

function checkObject(schema: SettingsSchema, value: Record<string, unknown>, path: string): SettingsIssue[] {
  const out: SettingsIssue[] = [];
  for (const key of schema.required ?? []) if (value[key] === undefined) out.push({ path: join(path, key), message: 'is required' });
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const declared = schema.properties?.[key];
    if (declared) {
      out.push(...checkSettings(declared, v, join(path, key)));
      continue;
    }
    const byPattern = Object.entries(schema.patternProperties ?? {}).filter(([p]) => matches(p, key));
    if (byPattern.length > 0) {
      for (const [, s] of byPattern) out.push(...checkSettings(s, v, join(path, key)));
      continue;
    }
    if (schema.additionalProperties === false) out.push({ path: join(path, key), message: 'is not a setting this plugin knows' });
    else if (isRecord(schema.additionalProperties)) out.push(...checkSettings(schema.additionalProperties, v, join(path, key)));
  }
  return out;
}

/**
 * The issues worth showing before a save: a value the gateway gave this page and the user left alone
 * (secrets come back as a placeholder) is its business, not a reason to refuse the save.
 */
export function issuesToShow(issues: readonly SettingsIssue[], loaded: unknown, draft: unknown): SettingsIssue[] {
  return issues.filter((i) => {
    const path = i.path ? i.path.split('.') : [];
    const now = getAt(draft, path);
    return now === undefined || JSON.stringify(now) !== JSON.stringify(getAt(loaded, path));
  });
}

/** The `config.patch` body that turns the plugin's settings from `before` into `after`; undefined when nothing changed. */
export function settingsPatch(pluginId: string, before: unknown, after: unknown): Record<string, unknown> | undefined {
  const diff = mergePatchDiff(before ?? {}, after ?? {});
  if (Object.keys(diff).length === 0) return undefined;
  return { plugins: { entries: { [pluginId]: { config: diff } } } };
}

/** Where a plugin's settings live in the config. */
export const settingsPath = (pluginId: string): string[] => ['plugins', 'entries', pluginId, 'config'];

/**
 * Refusal issues from the gateway (config paths) made relative to the plugin's settings, so they land
 * on the form's fields; issues elsewhere in the config keep their full path.
 */
export function relativeIssues(pluginId: string, issues: readonly { path: string; message: string }[]): SettingsIssue[] {
  const prefix = settingsPath(pluginId).join('.');
  return issues.map((i) => {
    const path = normalizeIssuePath(i.path);
    if (path === prefix) return { path: '', message: i.message };
    if (path.startsWith(`${prefix}.`)) return { path: path.slice(prefix.length + 1), message: i.message };
    return { path: '', message: path ? `${path}: ${i.message}` : i.message };
  });
}

export { refusalIssues } from '../config/config-form.js';
