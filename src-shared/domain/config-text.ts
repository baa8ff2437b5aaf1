/**
 * Secrets in the config file's text (JSON5, comments and layout kept), by the
 * same rule as the structured config: a string literal is redacted when
 * {@link isSecretValue} says so for its path, exactly as {@link redactConfig}
 * does for the parsed value. The text is scanned, not parsed, so a file that
 * does not parse is still redacted, and a duplicate key the parser would
 * shadow is redacted too.
 */
import JSON5 from 'json5';
import { getAtPath, parseConfigPath, type ConfigPathSegment } from './config-path.js';
import { REDACTED_SENTINEL, isSecretValue } from './config-schema.js';

/** A string literal in value position, with its path in the document. */
export interface Json5StringValue {
  start: number;
  end: number;
  path: ConfigPathSegment[];
  /** Decoded value; the literal's inner text when it does not decode (an unterminated string). */
  value: string;
}

export interface Json5TextScan {
  values: Json5StringValue[];
  comments: { start: number; end: number }[];
}

type Frame = { kind: 'object'; key?: string; expectKey: boolean } | { kind: 'array'; index: number };

const LINE_END = /[\n\r\u2028\u2029]/;
const BARE_END = /[\s,:{}[\]"'/]/;

function decodeString(literal: string): string {
  try {
    const v: unknown = JSON5.parse(literal);
    if (typeof v === 'string') return v;
  } catch {
    // Unterminated or malformed: fall back to the raw inner text.
  }
  return literal.slice(1, literal.endsWith(literal[0]!) && literal.length > 1 ? -1 : undefined);
}

/**
 * Finds every string value (with its path) and every comment in JSON5 text.
 * Lenient: broken text gives a best-effort scan, never an exception.
 */
export function scanJson5Text(text: string): Json5TextScan {
  const values: Json5StringValue[] = [];
  const comments: { start: number; end: number }[] = [];
  const stack: Frame[] = [];
  const path = (): ConfigPathSegment[] => stack.map((f) => (f.kind === 'object' ? (f.key ?? '') : f.index));
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (c === '/' && text[i + 1] === '/') {
      const m = LINE_END.exec(text.slice(i));
      const end = m ? i + m.index : n;
      comments.push({ start: i, end });
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      comments.push({ start: i, end });
      i = end;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') j += 2;
        else if (LINE_END.test(text[j]!)) break;
        else j++;
      }
      const end = Math.min(text[j] === c ? j + 1 : j, n);
      const value = decodeString(text.slice(i, end));
      if (top?.kind === 'object' && top.expectKey) top.key = value;
      else values.push({ start: i, end, path: path(), value });
      i = end;
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? { kind: 'object', expectKey: true } : { kind: 'array', index: 0 });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ':') {
      if (top?.kind === 'object') top.expectKey = false;
      i++;
    } else if (c === ',') {
      if (top?.kind === 'object') {
        top.expectKey = true;
        top.key = undefined;
      } else if (top?.kind === 'array') top.index++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      // A bare word: an unquoted key, a number, true/false/null, Infinity, NaN.
      let j = i + 1;
      while (j < n && !BARE_END.test(text[j]!)) j++;
      if (top?.kind === 'object' && top.expectKey) top.key = text.slice(i, j);
      i = j;
    }
  }
  return { values, comments };
}

/** Shortest secret scrubbed from comments: shorter ones would mangle ordinary words and protect nothing. */
const MIN_SCRUB_LENGTH = 4;

/**
 * `text` with every secret string literal replaced by `sentinel` (quotes,
 * comments and layout kept). Copies of those secrets elsewhere (in comments,
 * or at a path the parsed config moved) are replaced too, as are the
 * `alsoSecret` values (what {@link redactConfig} hid in the parsed config).
 */
export function redactConfigText(text: string, alsoSecret: Iterable<string> = [], sentinel: string = REDACTED_SENTINEL): string {
  const scan = scanJson5Text(text);
  const secrets = new Set(alsoSecret);
  for (const v of scan.values) if (isSecretValue(v.path, v.value)) secrets.add(v.value);
  const scrub = [...secrets].filter((s) => s.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const v of scan.values) {
    if (v.value !== sentinel && secrets.has(v.value)) edits.push({ start: v.start, end: v.end, text: JSON.stringify(sentinel) });
  }
  for (const c of scan.comments) {
    let body = text.slice(c.start, c.end);
    for (const s of scrub) body = body.split(s).join(sentinel);
    if (body !== text.slice(c.start, c.end)) edits.push({ start: c.start, end: c.end, text: body });
  }
  return applyEdits(text, edits);
}

/**
 * Puts back, in the text itself, each `sentinel` literal from the secret at
 * the same path in `current`, so a client's edited text keeps its comments.
 * Undefined when a sentinel has no value to come back to (the caller then
 * writes the structured {@link restoreRedacted} result instead).
 */
export function restoreRedactedText(text: string, current: unknown, sentinel: string = REDACTED_SENTINEL): string | undefined {
  const edits: { start: number; end: number; text: string }[] = [];
  for (const v of scanJson5Text(text).values) {
    if (v.value !== sentinel) continue;
    let existing: { found: boolean; value: unknown };
    try {
      existing = getAtPath(current, v.path);
    } catch {
      return undefined;
    }
    if (!existing.found || typeof existing.value !== 'string') return undefined;
    edits.push({ start: v.start, end: v.end, text: JSON.stringify(existing.value) });
  }
  return applyEdits(text, edits);
}

function applyEdits(text: string, edits: { start: number; end: number; text: string }[]): string {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

const ENV_REF = /(?<!\$)\$\{([A-Z_][A-Z0-9_]*)\}/g;

/**
 * Validation runs on the config after `${VAR}` substitution, and its messages
 * quote bad values (`expected …, got "…"`). Where the written value holds an
 * env reference, the message names the variable instead, so a substituted
 * value never reaches a client or a log. Idempotent.
 */
export function hideSubstitutedValues<I extends { path: string; message: string }>(issues: readonly I[], written: unknown): I[] {
  return issues.map((issue) => {
    let at: unknown;
    try {
      at = getAtPath(written, parseConfigPath(issue.path)).value;
    } catch {
      return issue;
    }
    const refs = typeof at === 'string' ? [...at.matchAll(ENV_REF)].map((m) => m[0]) : [];
    const quoted = /^(.*?), got /s.exec(issue.message);
    if (!refs.length || !quoted) return issue;
    return { ...issue, message: `${quoted[1]}, got the value of ${refs.join(', ')} (not shown)` };
  });
}
