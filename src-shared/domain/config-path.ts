/**
 * Pure operations on config paths such as `gateway.port`, `agents.list[0].id`
 * or `channels["my.bot"].token`. Used by the CLI (`config get/set/unset`), the
 * gateway (`config.*` RPCs), the loader's issue messages and the renderer, so
 * nothing here touches Node or the DOM.
 */

/** One step of a config path: an object key or an array index. */
export type ConfigPathSegment = string | number;

/**
 * Segments that would reach `Object.prototype` through plain property access.
 * Config paths come from users and from the wire, so they are refused outright.
 */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws when a segment could be used for prototype pollution. */
export function assertSafeSegment(segment: ConfigPathSegment, path?: string): void {
  if (typeof segment === 'string' && FORBIDDEN_SEGMENTS.has(segment)) {
    const where = path === undefined ? '' : ` in path "${path}"`;
    throw new Error(`forbidden path segment "${segment}"${where}`);
  }
}

/**
 * Parses dot and bracket notation into segments.
 * `a.b[0]["c.d"]['e']` → `['a', 'b', 0, 'c.d', 'e']`.
 * Bracketed digits become numbers; quoted keys stay strings (so `a["0"]` is the key "0").
 * @throws Error with a message naming the path on malformed input.
 */
export function parseConfigPath(path: string): ConfigPathSegment[] {
  const fail = (why: string): never => {
    throw new Error(`${why} in path "${path}"`);
  };
  if (path.trim() === '') fail('empty path');
  const segments: ConfigPathSegment[] = [];
  let i = 0;
  // `expectKey` is true at the start and after a dot: a bare key must follow.
  let expectKey = true;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '[') {
      if (expectKey && segments.length > 0) fail(`unexpected "[" after "."`);
      const close = readBracket(path, i, fail);
      segments.push(close.segment);
      i = close.end;
      expectKey = false;
    } else if (ch === '.') {
      if (expectKey) fail('empty segment');
      i += 1;
      expectKey = true;
      if (i === path.length) fail('empty segment');
    } else if (ch === ']') {
      fail('unexpected "]"');
    } else {
      if (!expectKey) fail(`expected "." or "[" at position ${i}`);
      let end = i;
      while (end < path.length && !'.[]'.includes(path[end])) end += 1;
      segments.push(path.slice(i, end));
      i = end;
      expectKey = false;
    }
  }
  for (const segment of segments) assertSafeSegment(segment, path);
  return segments;
}

function readBracket(
  path: string,
  start: number,
  fail: (why: string) => never,
): { segment: ConfigPathSegment; end: number } {
  const quote = path[start + 1];
  if (quote === '"' || quote === "'") {
    let value = '';
    let i = start + 2;
    while (i < path.length && path[i] !== quote) {
      // A backslash escapes the next character so keys may contain quotes.
      if (path[i] === '\\' && i + 1 < path.length) i += 1;
      value += path[i];
      i += 1;
    }
    if (i >= path.length) fail('unterminated quoted key');
    if (path[i + 1] !== ']') fail('unterminated bracket');
    return { segment: value, end: i + 2 };
  }
  const close = path.indexOf(']', start);
  if (close < 0) fail('unterminated bracket');
  const inner = path.slice(start + 1, close);
  if (!/^\d+$/.test(inner)) fail(`expected an index or a quoted key inside "[${inner}]"`);
  return { segment: Number(inner), end: close + 1 };
}

/**
 * Formats segments back into a path that {@link parseConfigPath} accepts:
 * identifiers use dots, indexes use `[n]`, anything else is `["quoted"]`.
 */
export function formatConfigPath(segments: readonly ConfigPathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_$-]+$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a child, treating numeric strings as indexes on arrays and numbers as keys on objects. */
function readChild(container: unknown, segment: ConfigPathSegment): { found: boolean; value: unknown } {
  if (Array.isArray(container)) {
    const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
    if (index >= 0 && index < container.length) return { found: true, value: container[index] };
    return { found: false, value: undefined };
  }
  if (isRecord(container)) {
    const key = String(segment);
    if (Object.hasOwn(container, key)) return { found: true, value: container[key] };
  }
  return { found: false, value: undefined };
}

/** Reads the value at `segments`; `found` distinguishes "unset" from a stored `undefined`. */
export function getAtPath(obj: unknown, segments: readonly ConfigPathSegment[]): { found: boolean; value: unknown } {
  let current: unknown = obj;
  for (const segment of segments) {
    assertSafeSegment(segment);
    const next = readChild(current, segment);
    if (!next.found) return { found: false, value: undefined };
    current = next.value;
  }
  return { found: true, value: current };
}

/**
 * Returns a copy of `obj` with `value` stored at `segments`. Containers along
 * the path are shallow-copied (the input is never mutated); missing ones are
 * created as arrays when the next segment is a number, objects otherwise.
 * @throws Error when the path crosses a scalar or an array index is past the end.
 */
export function setAtPath<T>(obj: T, segments: readonly ConfigPathSegment[], value: unknown): T {
  if (segments.length === 0) return value as T;
  return setIn(obj, segments, 0, value) as T;
}

function setIn(container: unknown, segments: readonly ConfigPathSegment[], depth: number, value: unknown): unknown {
  const segment = segments[depth];
  assertSafeSegment(segment);
  const last = depth === segments.length - 1;
  const childOf = (current: unknown): unknown =>
    last ? value : setIn(current ?? (typeof segments[depth + 1] === 'number' ? [] : {}), segments, depth + 1, value);

  if (Array.isArray(container)) {
    const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
    if (index < 0) throw new Error(`cannot use key "${segment}" on an array at "${formatConfigPath(segments.slice(0, depth))}"`);
    // Holes would serialise as null, so only overwrite or append.
    if (index > container.length) {
      throw new Error(`index ${index} is past the end of "${formatConfigPath(segments.slice(0, depth))}" (length ${container.length})`);
    }
    const copy = container.slice();
    copy[index] = childOf(container[index]);
    return copy;
  }
  if (isRecord(container)) {
    const key = String(segment);
    return { ...container, [key]: childOf(Object.hasOwn(container, key) ? container[key] : undefined) };
  }
  const where = formatConfigPath(segments.slice(0, depth)) || '<root>';
  throw new Error(`cannot set "${formatConfigPath(segments)}": "${where}" is ${container === null ? 'null' : typeof container}`);
}

/**
 * Returns a copy of `obj` without the value at `segments` (array elements are
 * spliced out). Parents left empty are kept: pruning is the caller's choice.
 */
export function unsetAtPath<T>(obj: T, segments: readonly ConfigPathSegment[]): { changed: boolean; value: T } {
  for (const segment of segments) assertSafeSegment(segment);
  if (segments.length === 0 || !getAtPath(obj, segments).found) return { changed: false, value: obj };
  return { changed: true, value: unsetIn(obj, segments, 0) as T };
}

function unsetIn(container: unknown, segments: readonly ConfigPathSegment[], depth: number): unknown {
  const segment = segments[depth];
  const last = depth === segments.length - 1;
  if (Array.isArray(container)) {
    const index = Number(segment);
    const copy = container.slice();
    if (last) copy.splice(index, 1);
    else copy[index] = unsetIn(container[index], segments, depth + 1);
    return copy;
  }
  const record = container as Record<string, unknown>;
  const key = String(segment);
  const copy = { ...record };
  if (last) delete copy[key];
  else copy[key] = unsetIn(record[key], segments, depth + 1);
  return copy;
}
