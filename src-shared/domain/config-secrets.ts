/**
 * Which config values are secrets, and how they are hidden from clients and put back on write: one rule for
 * the structured config and the raw file text alike.
 */
import { getAtPath, type ConfigPathSegment } from './config-path.js';

/** Placeholder returned instead of a secret; sending it back keeps the stored value. */
export const REDACTED_SENTINEL = '__OPENCLAW_REDACTED__';
// Channel credentials: these names anywhere under a channel, besides every key named like a credential
// (`botToken`, `appToken`, `webhookSecret`, `private_key`: see CREDENTIAL_KEY), which covers every channel's own keys.
const CHANNEL_SECRET_KEYS = ['secret', 'password', 'signingSecret', 'token'];

/**
 * Where credentials live, as patterns: `*` is one segment, `**` any number
 * (including none). Besides these, every provider header and every key named
 * like a credential is a secret (see {@link isSecretPath}).
 */
export const SECRET_PATHS: readonly string[] = [
  'gateway.auth.token',
  'gateway.auth.password',
  'gateway.remote.token',
  'models.providers.*.apiKey',
  // Every header value: headers carry keys under any name ("X-Custom-Auth", "Cookie"), and telling them apart is guesswork.
  'models.providers.*.headers.*',
  ...CHANNEL_SECRET_KEYS.map((key) => `channels.*.**.${key}`),
];
const SECRET_PATTERNS = SECRET_PATHS.map((pattern) => pattern.split('.'));
// Key names that say "credential" wherever they appear (camelCase, snake_case or kebab-case), so a new field is covered before anyone lists it.
const CREDENTIAL_KEY = /(?:token|secret|password|passwd|api[-_]?key|private[-_]?key)$/i;
// Query parameters that carry credentials in a URL.
const CREDENTIAL_PARAM = /^(?:key|api[-_]?key|token|access[-_]?token|auth|secret|sig|signature|password)$/i;
// A value made only of `${VAR}` references names where the secret comes from; it holds none.
const ENV_REFERENCES_ONLY = /^(?:\$\{[A-Z_][A-Z0-9_]*\})+$/;

function matchesPattern(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') return rest.length === 0 || path.some((_, i) => matchesPattern(rest, path.slice(i))) || matchesPattern(rest, []);
  if (path.length === 0) return false;
  return (head === '*' || head === path[0]) && matchesPattern(rest, path.slice(1));
}

/** True when the value at `path` is a credential: see {@link SECRET_PATHS}, plus any key named like one (`botToken`, `client_secret`, `x-api-key`). */
export function isSecretPath(path: readonly ConfigPathSegment[]): boolean {
  const p = path.map(String);
  const last = path[path.length - 1];
  if (typeof last === 'string' && CREDENTIAL_KEY.test(last)) return true;
  return SECRET_PATTERNS.some((pattern) => matchesPattern(pattern, p));
}

/** True for a URL with a user name, password or credential-like query parameter (`https://user:pass@host`, `…?key=…`). */
export function hasUrlCredentials(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.username !== '' || url.password !== '' || [...url.searchParams.keys()].some((k) => CREDENTIAL_PARAM.test(k));
}

/**
 * The one redaction rule: a non-empty string at a secret path, or a URL
 * carrying credentials anywhere. A value that is only `${VAR}` references
 * stays visible (it names the variable; the substituted value never leaves
 * the gateway).
 */
export function isSecretValue(path: readonly ConfigPathSegment[], value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || ENV_REFERENCES_ONLY.test(value)) return false;
  return isSecretPath(path) || hasUrlCredentials(value);
}

function mapLeaves(value: unknown, path: ConfigPathSegment[], fn: (leaf: unknown, path: ConfigPathSegment[]) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item, i) => mapLeaves(item, [...path, i], fn));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const mapped = mapLeaves(child, [...path, key], fn);
      if (mapped !== undefined) out[key] = mapped;
    }
    return out;
  }
  return fn(value, path);
}

/** Deep copy of `config` with every secret string ({@link isSecretValue}) replaced by `sentinel`. */
export function redactConfig<T>(config: T, sentinel: string = REDACTED_SENTINEL): T {
  return mapLeaves(config, [], (leaf, path) => (isSecretValue(path, leaf) ? sentinel : leaf)) as T;
}

/** The secret strings {@link redactConfig} would replace, for scrubbing text that holds copies of them. */
export function collectSecretValues(config: unknown): string[] {
  const out = new Set<string>();
  mapLeaves(config, [], (leaf, path) => {
    if (isSecretValue(path, leaf)) out.add(leaf);
    return leaf;
  });
  return [...out];
}

/**
 * Undoes {@link redactConfig} on a config coming back from a client: every
 * `sentinel` is replaced by the value at the same path in `current`, or dropped
 * when `current` has none (so the placeholder is never stored as a secret).
 */
export function restoreRedacted<T>(next: T, current: unknown, sentinel: string = REDACTED_SENTINEL): T {
  return mapLeaves(next, [], (leaf, path) => {
    if (leaf !== sentinel) return leaf;
    const existing = getAtPath(current, path);
    return existing.found ? existing.value : undefined;
  }) as T;
}

