/**
 * Surgical edits of JSON5 text: a changed value is replaced where it stands,
 * a new key is added after its siblings with their indentation, a removed key
 * takes its own line with it. Comments, blank lines, quoting and the order of
 * everything untouched stay as the person wrote them.
 */
import JSON5 from 'json5';

type Segment = string | number;

interface Span {
  start: number;
  end: number;
}
interface ObjectNode extends Span {
  kind: 'object';
  members: { key: string; keyStart: number; value: Node; commaEnd?: number }[];
}
interface ArrayNode extends Span {
  kind: 'array';
  items: { value: Node; commaEnd?: number }[];
}
type Node = ObjectNode | ArrayNode | (Span & { kind: 'scalar' });

/** The text is not JSON5 this editor can follow. */
class Json5EditError extends Error {
  override readonly name = 'Json5EditError';
}

const LINE_BREAK = /[\n\r\u2028\u2029]/;
const SPACE = /[\s\uFEFF]/;

/** Index after the whitespace and comments at `i`. */
function skipBlank(text: string, i: number): number {
  for (;;) {
    while (i < text.length && SPACE.test(text[i]!)) i++;
    if (text.startsWith('//', i)) {
      while (i < text.length && !LINE_BREAK.test(text[i]!)) i++;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new Json5EditError('unterminated comment');
      i = close + 2;
    } else return i;
  }
}

function stringEnd(text: string, i: number): number {
  const quote = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === quote) return j + 1;
  }
  throw new Json5EditError('unterminated string');
}

/** End of an unquoted token (number, literal, identifier key). */
function tokenEnd(text: string, i: number, stops: string): number {
  let j = i;
  while (j < text.length && !SPACE.test(text[j]!) && !stops.includes(text[j]!) && !text.startsWith('//', j) && !text.startsWith('/*', j)) j++;
  if (j === i) throw new Json5EditError(`unexpected ${JSON.stringify(text[i] ?? 'end of text')} at ${i}`);
  return j;
}

function parseValue(text: string, at: number): Node {
  const i = skipBlank(text, at);
  const c = text[i];
  if (c === '{') return parseObject(text, i);
  if (c === '[') return parseArray(text, i);
  if (c === '"' || c === "'") return { kind: 'scalar', start: i, end: stringEnd(text, i) };
  return { kind: 'scalar', start: i, end: tokenEnd(text, i, ',]}:') };
}

function parseObject(text: string, start: number): ObjectNode {
  const members: ObjectNode['members'] = [];
  let i = skipBlank(text, start + 1);
  while (text[i] !== '}') {
    const keyStart = i;
    const keyEnd = text[i] === '"' || text[i] === "'" ? stringEnd(text, i) : tokenEnd(text, i, ':');
    const raw = text.slice(keyStart, keyEnd);
    const key = Object.keys(JSON5.parse(`{${raw}:0}`) as object)[0]!;
    i = skipBlank(text, keyEnd);
    if (text[i] !== ':') throw new Json5EditError(`expected ":" at ${i}`);
    const value = parseValue(text, i + 1);
    i = skipBlank(text, value.end);
    const member: ObjectNode['members'][number] = { key, keyStart, value };
    members.push(member);
    if (text[i] === ',') {
      member.commaEnd = i + 1;
      i = skipBlank(text, i + 1);
    } else if (text[i] !== '}') throw new Json5EditError(`expected "," or "}" at ${i}`);
  }
  return { kind: 'object', start, end: i + 1, members };
}

function parseArray(text: string, start: number): ArrayNode {
  const items: ArrayNode['items'] = [];
  let i = skipBlank(text, start + 1);
  while (text[i] !== ']') {
    const value = parseValue(text, i);
    i = skipBlank(text, value.end);
    const item: ArrayNode['items'][number] = { value };
    items.push(item);
    if (text[i] === ',') {
      item.commaEnd = i + 1;
      i = skipBlank(text, i + 1);
    } else if (text[i] !== ']') throw new Json5EditError(`expected "," or "]" at ${i}`);
  }
  return { kind: 'array', start, end: i + 1, items };
}

/** How the file writes things, so additions look like their neighbours. */
interface Style {
  unit: string;
  quoteKeys: boolean;
}

function detectStyle(text: string, root: Node): Style {
  const indents = text.split(/\r?\n/).map((l) => /^[ \t]+(?=\S)/.exec(l)?.[0] ?? '').filter(Boolean);
  const unit = indents.some((s) => s.startsWith('\t')) ? '\t' : ' '.repeat(Math.min(...indents.map((s) => s.length), 2) || 2);
  // New keys are quoted like most existing ones (always in a plain JSON file).
  let quoted = 0;
  let bare = 0;
  const visit = (n: Node): void => {
    if (n.kind === 'object')
      for (const m of n.members) {
        if (text[m.keyStart] === '"' || text[m.keyStart] === "'") quoted++;
        else bare++;
        visit(m.value);
      }
    else if (n.kind === 'array') for (const it of n.items) visit(it.value);
  };
  visit(root);
  return { unit, quoteKeys: quoted >= bare };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const keyText = (k: string, style: Style) => (style.quoteKeys || !IDENTIFIER.test(k) ? JSON.stringify(k) : k);

/** Multi-line value at `indent`, in the file's style. */
function serialize(v: unknown, indent: string, style: Style): string {
  const inner = indent + style.unit;
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => inner + serialize(x, inner, style)).join(',\n')}\n${indent}]` : '[]';
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return entries.length ? `{\n${entries.map(([k, x]) => `${inner}${keyText(k, style)}: ${serialize(x, inner, style)}`).join(',\n')}\n${indent}}` : '{}';
  }
  return JSON.stringify(v) ?? 'null';
}

/** One-line value, for objects and arrays written on one line. */
function serializeInline(v: unknown, style: Style): string {
  if (Array.isArray(v)) return `[${v.map((x) => serializeInline(x, style)).join(', ')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return entries.length ? `{ ${entries.map(([k, x]) => `${keyText(k, style)}: ${serializeInline(x, style)}`).join(', ')} }` : '{}';
  }
  return JSON.stringify(v) ?? 'null';
}

const lineStart = (text: string, i: number) => Math.max(text.lastIndexOf('\n', i - 1) + 1, 0);
const indentAt = (text: string, i: number) => /^[ \t]*/.exec(text.slice(lineStart(text, i)))![0];
/** Only whitespace between the start of the line and `i`. */
const startsLine = (text: string, i: number) => text.slice(lineStart(text, i), i).trim() === '';

/** `i`'s line end when the rest of the line is blank or a `//` comment, else undefined. */
function restOfLineEnd(text: string, i: number): number | undefined {
  let j = i;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  if (text.startsWith('//', j)) while (j < text.length && !LINE_BREAK.test(text[j]!)) j++;
  if (j < text.length && !LINE_BREAK.test(text[j]!)) return undefined;
  return j;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function nest(path: Segment[], value: unknown): unknown {
  return path.reduceRight<unknown>((v, seg) => (typeof seg === 'number' ? Object.assign([], { [seg]: v }) : { [seg]: v }), value);
}

/** Adds `entry` (already written, e.g. `key: value`) as the last element of a container. */
function append(text: string, node: ObjectNode | ArrayNode, unit: string, entry: (indent: string) => string, inlineEntry: string): string {
  const list = node.kind === 'object' ? node.members : node.items;
  const last = list.at(-1);
  if (!last) {
    const indent = indentAt(text, node.start);
    const inner = indent + unit;
    return splice(text, node.start, node.end, `${text[node.start]}\n${inner}${entry(inner)}\n${indent}${text[node.end - 1]}`);
  }
  const firstStart = node.kind === 'object' ? node.members[0]!.keyStart : node.items[0]!.value.start;
  const lastEnd = last.commaEnd ?? last.value.end;
  if (!startsLine(text, firstStart)) {
    // One-line container: `{ a: 1 }` → `{ a: 1, b: 2 }`.
    return splice(text, lastEnd, lastEnd, `${last.commaEnd ? ' ' : ', '}${inlineEntry}${last.commaEnd ? ',' : ''}`);
  }
  const indent = indentAt(text, firstStart);
  const lineEnd = restOfLineEnd(text, lastEnd);
  const added = `${entry(indent)}${last.commaEnd ? ',' : ''}`;
  if (lineEnd === undefined) return splice(text, lastEnd, lastEnd, `${last.commaEnd ? '' : ','}\n${indent}${added}`);
  // After the last entry's own line (its trailing comment stays with it); its comma goes right after its value.
  const withEntry = splice(text, lineEnd, lineEnd, `\n${indent}${added}`);
  return last.commaEnd ? withEntry : splice(withEntry, last.value.end, last.value.end, ',');
}

/** Sets `path` to `value`: replaced where it stands, or added after its siblings. */
export function setInJson5(text: string, path: Segment[], value: unknown): string {
  const root = parseValue(text, 0);
  const style = detectStyle(text, root);
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const rest = nest(path.slice(i + 1), value);
    if (node.kind === 'object' && typeof seg === 'string') {
      const member = node.members.filter((m) => m.key === seg).at(-1);
      if (member) {
        node = member.value;
        continue;
      }
      return append(text, node, style.unit, (indent) => `${keyText(seg, style)}: ${serialize(rest, indent, style)}`, `${keyText(seg, style)}: ${serializeInline(rest, style)}`);
    }
    if (node.kind === 'array' && typeof seg === 'number') {
      if (seg < node.items.length) {
        node = node.items[seg]!.value;
        continue;
      }
      if (seg === node.items.length) return append(text, node, style.unit, (indent) => serialize(rest, indent, style), serializeInline(rest, style));
    }
    throw new Json5EditError(`cannot follow ${JSON.stringify(seg)} here`);
  }
  const multiLine = text.slice(node.start, node.end).includes('\n') || node.kind === 'scalar' || startsLine(text, node.start);
  const written = multiLine ? serialize(value, indentAt(text, node.start), style) : serializeInline(value, style);
  return splice(text, node.start, node.end, written);
}

/** Removes the key at `path` (with its own line, trailing comment and comma); a missing key leaves the text as is. */
export function removeFromJson5(text: string, path: Segment[]): string {
  if (!path.length) throw new Json5EditError('cannot remove the whole file');
  let node = parseValue(text, 0);
  for (const seg of path.slice(0, -1)) {
    const next = node.kind === 'object' ? node.members.filter((m) => m.key === seg).at(-1)?.value : node.kind === 'array' && typeof seg === 'number' ? node.items[seg]?.value : undefined;
    if (!next) return text;
    node = next;
  }
  if (node.kind !== 'object') throw new Json5EditError('only object keys can be removed');
  const key = path.at(-1);
  const index = node.members.findLastIndex((m) => m.key === key);
  if (index < 0) return text;
  const member = node.members[index]!;
  const prev = node.members[index - 1];
  let end = member.commaEnd ?? member.value.end;
  let start = member.keyStart;
  if (startsLine(text, start)) {
    const lineEnd = restOfLineEnd(text, end);
    if (lineEnd !== undefined) {
      start = lineStart(text, start);
      end = text.startsWith('\r\n', lineEnd) ? lineEnd + 2 : lineEnd + (lineEnd < text.length ? 1 : 0);
    }
  } else if (member.commaEnd) {
    end = skipSpaces(text, end);
  } else if (prev) start = prev.value.end; // `{ a: 1, b: 2 }` → `{ a: 1 }`
  let out = splice(text, start, end, '');
  // The last key went: its predecessor's comma would now trail, which plain JSON does not allow.
  if (!member.commaEnd && prev?.commaEnd && start !== prev.value.end) out = splice(out, prev.commaEnd - 1, prev.commaEnd, '');
  return out;
}

const skipSpaces = (text: string, i: number) => {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
};

type Op = { op: 'set'; path: Segment[]; value: unknown } | { op: 'remove'; path: Segment[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return Number.isNaN(a) && Number.isNaN(b);
}

/** The smallest set of key-level changes from `before` to `after` (arrays and scalars are replaced whole). */
function diff(before: unknown, after: unknown, path: Segment[] = []): Op[] {
  if (!isPlainObject(before) || !isPlainObject(after)) return deepEqual(before, after) ? [] : [{ op: 'set', path, value: after }];
  const ops: Op[] = [];
  for (const k of Object.keys(before)) if (after[k] === undefined && before[k] !== undefined) ops.push({ op: 'remove', path: [...path, k] });
  for (const [k, v] of Object.entries(after)) {
    if (v === undefined) continue;
    ops.push(...(before[k] === undefined ? [{ op: 'set' as const, path: [...path, k], value: v }] : diff(before[k], v, [...path, k])));
  }
  return ops;
}

/**
 * `text` edited so that it parses to `after`, changing only what differs. Returns
 * undefined when that cannot be done surgically (the caller writes the file anew).
 */
export function editJson5Text(text: string, after: unknown): string | undefined {
  try {
    const before: unknown = JSON5.parse(text.replace(/^\uFEFF/, ''));
    let out = text;
    for (const op of diff(before, after)) {
      if (!op.path.length) return undefined;
      out = op.op === 'set' ? setInJson5(out, op.path, op.value) : removeFromJson5(out, op.path);
    }
    return deepEqual(JSON5.parse(out.replace(/^\uFEFF/, '')), JSON.parse(JSON.stringify(after))) ? out : undefined;
  } catch {
    return undefined;
  }
}
