/** The slice of JSON Schema that `config.schema` uses (TypeBox output). */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
}

export type FieldKind = 'object' | 'enum' | 'boolean' | 'integer' | 'number' | 'string' | 'json';

/** How a schema node is edited: fixed objects become fieldsets; records, arrays and mixed unions are edited as JSON. */
export function fieldKind(s: SchemaNode): FieldKind {
  if (s.enum && s.enum.every((v) => typeof v === 'string')) return 'enum';
  if (s.anyOf && s.anyOf.length > 0 && s.anyOf.every((o) => typeof o.const === 'string')) return 'enum';
  if (s.type === 'object' && s.properties && !s.patternProperties) return 'object';
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'integer') return 'integer';
  if (s.type === 'number') return 'number';
  if (s.type === 'string') return 'string';
  return 'json';
}

export function enumValues(s: SchemaNode): string[] {
  if (s.enum) return s.enum.map(String);
  return (s.anyOf ?? []).map((o) => String(o.const));
}

export type Path = readonly string[];
export const pathKey = (p: Path) => p.join('.');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function getAt(obj: unknown, path: Path): unknown {
  let cur = obj;
  for (const seg of path) cur = isRecord(cur) ? cur[seg] : undefined;
  return cur;
}

/** A copy of `obj` with `path` set; `undefined` removes the key (and empty parents). */
export function setAt(obj: unknown, path: Path, value: unknown): Record<string, unknown> {
  const base = isRecord(obj) ? { ...obj } : {};
  if (path.length === 0) return isRecord(value) ? value : base;
  const [head, ...rest] = path;
  const next = rest.length === 0 ? value : setAt(base[head], rest, value);
  if (next === undefined || (rest.length > 0 && isRecord(next) && Object.keys(next).length === 0)) delete base[head];
  else base[head] = next;
  return base;
}

/** RFC 7396 merge patch that turns `before` into `after` (`null` deletes; arrays are replaced whole). */
export function mergePatchDiff(before: unknown, after: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const a = isRecord(before) ? before : {};
  const b = isRecord(after) ? after : {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!(key in b)) out[key] = null;
    else if (isRecord(a[key]) && isRecord(b[key])) {
      const sub = mergePatchDiff(a[key], b[key]);
      if (Object.keys(sub).length > 0) out[key] = sub;
    } else if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out[key] = b[key];
  }
  return out;
}

/** `/gateway/port`, `gateway.port`, `gateway["port"]` → `gateway.port`. */
export function normalizeIssuePath(path: string): string {
  return path
    .replace(/^\//, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\["([^"]*)"\]/g, '.$1')
    .replace(/\//g, '.')
    .replace(/^\./, '');
}

/** The form field an issue belongs to: the field itself, or the closest field above it; undefined if none. */
export function fieldForIssue(issuePath: string, fields: ReadonlySet<string>): string | undefined {
  const parts = normalizeIssuePath(issuePath).split('.').filter(Boolean);
  for (let n = parts.length; n > 0; n--) {
    const key = parts.slice(0, n).join('.');
    if (fields.has(key)) return key;
  }
  return undefined;
}

/** Every leaf field path the form renders for this schema (objects recurse; everything else is a field). */
export function collectFieldPaths(schema: SchemaNode, prefix: Path = []): string[] {
  if (fieldKind(schema) !== 'object') return prefix.length ? [pathKey(prefix)] : [];
  return Object.entries(schema.properties ?? {}).flatMap(([k, s]) => collectFieldPaths(s, [...prefix, k]));
}

/** Group issues by field; the rest (no matching field) are returned under `''`. */
export function issuesByField(issues: readonly { path: string; message: string }[], fields: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of issues) {
    const key = fieldForIssue(i.path, fields) ?? '';
    out.set(key, [...(out.get(key) ?? []), key === '' && i.path ? `${i.path}: ${i.message}` : i.message]);
  }
  return out;
}

/** The field issues a refused config write carries in `details.issues` (`CONFIG_INVALID`). */
export function refusalIssues(details: unknown): { path: string; message: string }[] {
  const issues = typeof details === 'object' && details !== null ? (details as { issues?: unknown }).issues : undefined;
  return Array.isArray(issues) ? issues.filter((i): i is { path: string; message: string } => typeof i?.path === 'string' && typeof i?.message === 'string') : [];
}

/** The schema node at a field path (undefined when the schema has no such field). */
export function nodeAt(schema: SchemaNode, path: Path): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema;
  for (const key of path) node = node?.properties?.[key];
  return node;
}

/**
 * Fields whose path or description contains every word of the query (case-insensitive), in form
 * order: `log level` finds `logging.level`, `port` finds `gateway.port` and `canvasHost.port`.
 */
export function searchFields(schema: SchemaNode, query: string): string[] {
  const words = query.toLowerCase().split(/[\s.]+/).filter(Boolean);
  if (!words.length) return [];
  return collectFieldPaths(schema).filter((path) => {
    const haystack = `${path} ${nodeAt(schema, path.split('.'))?.description ?? ''}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

/** The top-level section a field path belongs to. */
export const sectionOf = (path: string): string => path.split('.')[0] ?? '';
