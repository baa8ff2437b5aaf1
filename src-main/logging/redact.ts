/**
 * Redaction applied at every log sink (file, console, listeners), so a secret
 * that reaches a log call by accident never reaches disk or a screen.
 */

/** Placeholder written instead of a secret. */
export const REDACTED = '[REDACTED]';

/** Field names whose values are secrets whatever they contain. */
export const SENSITIVE_KEY_RE = /token|password|passwd|secret|api[-_]?key|authorization|cookie|private[-_]?key/i;

const MAX_DEPTH = 8;

type Rule = { re: RegExp; replace: string | ((match: string, ...groups: string[]) => string) };

// Order matters: whole-structure patterns (PEM, JSON pairs) run before the
// token-shape patterns so those never see half a redacted value.
const RULES: Rule[] = [
  {
    re: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: `-----BEGIN $1PRIVATE KEY-----${REDACTED}-----END $1PRIVATE KEY-----`,
  },
  // "token": "abc" inside JSON text (request bodies, config dumps).
  {
    re: /("[^"\\]*(?:token|password|passwd|secret|api[-_]?key|authorization|cookie|private[-_]?key)[^"\\]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    replace: `$1"${REDACTED}"`,
  },
  { re: /\b(authorization\s*[:=]\s*)(?:(?:Basic|Bearer|Token)\s+)?[^\s,;"']+/gi, replace: `$1${REDACTED}` },
  { re: /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, replace: `Bearer ${REDACTED}` },
  // token=..., password=..., api_key=... in URLs and key=value text. The \b
  // keeps `sessionKey=` (an identifier, not a secret) out.
  {
    re: /\b((?:access_|refresh_|id_|auth_|bot_|api[-_]?)?(?:token|key|password|passwd|pwd|secret|signature|sig))=([^&\s"'#<>;,]+)/gi,
    replace: `$1=${REDACTED}`,
  },
  // Telegram: https://api.telegram.org/bot123456:ABC.../getUpdates
  { re: /\bbot\d{5,}:[A-Za-z0-9_-]{20,}/g, replace: `bot${REDACTED}` },
  // A bare Telegram bot token (config dumps, error text).
  { re: /\b\d{6,}:AA[A-Za-z0-9_-]{30,}/g, replace: REDACTED },
  { re: /\b(sk-(?:ant-|proj-)?)[A-Za-z0-9_-]{16,}/g, replace: `$1${REDACTED}` },
  { re: /\b(xox[abposr]-|xapp-)[A-Za-z0-9-]{10,}/g, replace: `$1${REDACTED}` },
  { re: /\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}/g, replace: `$1${REDACTED}` },
  // E.164 phone numbers keep their last four digits, enough to tell contacts apart.
  {
    re: /(?<![\w+])\+(\d{8,15})(?!\d)/g,
    replace: (_m: string, digits: string) => `+${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`,
  },
];

/** Replaces secrets and phone numbers inside free text. */
export function redactText(s: string): string {
  // Nothing shorter can hold any pattern (the shortest is `pwd=x`); skips most field values.
  if (s.length < 5) return s;
  let out = s;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    out = out.replace(rule.re, rule.replace as string);
  }
  return out;
}

/**
 * Returns a JSON-safe copy of `v` with secrets removed: values under sensitive
 * keys become `[REDACTED]`, strings are passed through {@link redactText},
 * Errors become `{name, message, stack}`, cycles become `[Circular]`.
 */
export function redactValue(v: unknown): unknown {
  return redactInner(v, new WeakSet(), 0);
}

function redactInner(v: unknown, seen: WeakSet<object>, depth: number): unknown {
  switch (typeof v) {
    case 'string':
      return redactText(v);
    case 'number':
    case 'boolean':
    case 'undefined':
      return v;
    case 'bigint':
      return v.toString();
    case 'symbol':
      return v.toString();
    case 'function':
      return `[Function ${v.name || 'anonymous'}]`;
  }
  if (v === null) return null;
  const obj = v as object;
  if (seen.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(obj);
  try {
    if (obj instanceof Error) return redactError(obj, seen, depth);
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
    if (Buffer.isBuffer(obj)) return `[Buffer ${obj.length} bytes]`;
    if (Array.isArray(obj)) return obj.map((item) => redactInner(item, seen, depth + 1));
    if (obj instanceof Map) return redactEntries([...obj.entries()].map(([k, val]) => [String(k), val]), seen, depth);
    if (obj instanceof Set) return [...obj].map((item) => redactInner(item, seen, depth + 1));
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return redactInner(toJSON.call(obj), seen, depth + 1);
    return redactEntries(Object.entries(obj), seen, depth);
  } finally {
    seen.delete(obj);
  }
}

function redactEntries(entries: [string, unknown][], seen: WeakSet<object>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    out[key] = SENSITIVE_KEY_RE.test(key) && isSecretShaped(value) ? REDACTED : redactInner(value, seen, depth + 1);
  }
  return out;
}

// Numbers and booleans under a "token" key are counts and flags (inputTokens,
// tokenRequired), not secrets; keeping them keeps usage logs useful.
function isSecretShaped(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== 'number' && typeof value !== 'boolean';
}

function redactError(err: Error, seen: WeakSet<object>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: redactText(err.message) };
  if (err.stack) out.stack = redactText(err.stack);
  const extra = err as Error & { code?: unknown; cause?: unknown };
  if (extra.code !== undefined) out.code = redactInner(extra.code, seen, depth + 1);
  if (extra.cause !== undefined) out.cause = redactInner(extra.cause, seen, depth + 1);
  return out;
}
