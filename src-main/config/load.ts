import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import JSON5 from 'json5';
import type { OpenClawConfig } from '../../src-shared/domain/config-schema.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { substituteEnvVars } from './env-substitute.js';
import { migrateLegacyConfig } from './migrate.js';
import { checkConfigEnv, resolveConfig, type ResolvedConfig } from './resolve.js';
import { validateConfig } from './validate.js';
import { checkPluginSettings, type PluginSettingsInput } from './channel-check.js';
import { hideSubstitutedValues } from '../../src-shared/domain/config-text.js';

/** A config that loaded; `config` is as written after migrations and `${VAR}` substitution. */
export interface LoadedConfig {
  ok: true;
  config: OpenClawConfig;
  /** Defaults and environment overrides applied. */
  resolved: ResolvedConfig;
  /** File text, or null when no file exists. */
  raw: string | null;
  /** sha256 hex of `raw` (of '' when missing); pass it back as the base hash of an edit. */
  hash: string;
  exists: boolean;
  /** The file actually read: the config path, or the legacy path when that was used. */
  sourcePath: string;
  /** Applied migrations and other non-fatal notes, one sentence each. */
  warnings: string[];
}

/** Outcome of loading a config file; never thrown. */
export type LoadResult = LoadedConfig | { ok: false; error: ConfigError };

// Hashes go to read-only clients (config.get, health): keyed per process, so nobody can test guesses at a
// weak secret in the file against them offline. They only need to compare equal within one gateway run.
const HASH_KEY = randomBytes(32);

/** Keyed SHA-256 (hex) of the file text; '' stands for a missing file. Stable within this process only. */
export function hashConfigText(raw: string | null): string {
  return createHmac('sha256', HASH_KEY).update(raw ?? '', 'utf8').digest('hex');
}

/** Reads a file as UTF-8; null when it does not exist. Other errors propagate. */
export function readConfigText(filePath: string): string | null {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Parses JSON5 text and applies legacy migrations, before `${VAR}`
 * substitution: this is the shape edits operate on and write back, so env
 * references survive a round trip.
 */
export function parseConfigText(raw: string | null): { ok: true; value: Record<string, unknown>; warnings: string[] } | { ok: false; issues: ConfigIssue[] } {
  const warnings: string[] = [];
  if (raw === null) return { ok: true, value: {}, warnings };
  if (raw.trim() === '') return { ok: true, value: {}, warnings: ['config file is empty; using defaults'] };
  let parsed: unknown;
  try {
    parsed = JSON5.parse(raw.replace(/^\uFEFF/, ''));
  } catch (err) {
    const e = err as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const where = e.lineNumber === undefined ? '' : `line ${e.lineNumber}, column ${e.columnNumber}: `;
    return { ok: false, issues: [{ path: '', message: `syntax error at ${where}${e.message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '')}` }] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, issues: [{ path: '', message: 'expected an object at the top level' }] };
  }
  const migrated = migrateLegacyConfig(parsed as Record<string, unknown>);
  if (migrated.issues.length > 0) return { ok: false, issues: migrated.issues };
  return { ok: true, value: migrated.config, warnings: [...warnings, ...migrated.warnings] };
}

/** Substitutes env references, validates, and resolves a parsed (and migrated) config. */
export function finalizeConfig(value: unknown, env: NodeJS.ProcessEnv, opts: { forWrite?: boolean } = {}): { ok: true; config: OpenClawConfig; resolved: ResolvedConfig } | { ok: false; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const substituted = substituteEnvVars(value, env, issues);
  const validated = validateConfig(substituted);
  if (!validated.ok) issues.push(...validated.issues);
  else issues.push(...checkPluginSettings(validated.config as PluginSettingsInput, { forWrite: opts.forWrite === true }).issues);
  // Issues quote the offending value; one that came from an env variable is named, never shown.
  if (issues.length > 0 || !validated.ok) return { ok: false, issues: hideSubstitutedValues(issues, value) };
  return { ok: true, config: validated.config, resolved: resolveConfig(validated.config, env) };
}

/** Loads from text already read (the watcher hashes before loading). */
export function loadConfigFromText(raw: string | null, sourcePath: string, env: NodeJS.ProcessEnv): LoadResult {
  // An empty file is almost always a truncated one (a crashed editor, a full disk): running on defaults would
  // silently drop providers, channels and tool policy, so it is an invalid config like any other.
  if (raw !== null && raw.replace(/^\uFEFF/, '').trim() === '') {
    return { ok: false, error: new ConfigError(sourcePath, [{ path: '', message: `the file is empty; restore it (the previous version is kept as ${sourcePath}.bak after each write) or delete it to start from defaults` }]) };
  }
  const parsed = parseConfigText(raw);
  if (!parsed.ok) return { ok: false, error: new ConfigError(sourcePath, parsed.issues) };
  const final = finalizeConfig(parsed.value, env);
  // Env overrides are checked here rather than in finalizeConfig so a bad env var never blocks an edit that fixes the file.
  const envIssues = checkConfigEnv(env);
  if (!final.ok || envIssues.length > 0) {
    return { ok: false, error: new ConfigError(sourcePath, [...(final.ok ? [] : final.issues), ...envIssues]) };
  }
  return {
    ok: true,
    config: final.config,
    resolved: final.resolved,
    raw,
    hash: hashConfigText(raw),
    exists: raw !== null,
    sourcePath,
    warnings: parsed.warnings,
  };
}

/**
 * Reads, migrates, substitutes, validates and resolves `configPath`. A
 * missing file yields the defaults. When `opts.legacyConfigPath` is given and
 * the main file is missing, the legacy file is read instead (with a warning);
 * the next write goes to `configPath`. Never throws.
 */
export function loadConfigFile(configPath: string, env: NodeJS.ProcessEnv = process.env, opts: { legacyConfigPath?: string } = {}): LoadResult {
  try {
    const source = readConfigSource(configPath, opts.legacyConfigPath);
    const result = loadConfigFromText(source.raw, source.path, env);
    if (result.ok && source.legacy) {
      result.warnings.unshift(`read legacy config ${source.path} because ${configPath} does not exist; it will be saved to ${configPath} on the next write`);
    }
    return result;
  } catch (err) {
    return { ok: false, error: new ConfigError(configPath, [{ path: '', message: `cannot read file: ${(err as Error).message}` }], { cause: err }) };
  }
}

/** Reads the main config or, when it is missing, the legacy one. */
export function readConfigSource(configPath: string, legacyConfigPath?: string): { raw: string | null; path: string; legacy: boolean } {
  const raw = readConfigText(configPath);
  if (raw !== null || legacyConfigPath === undefined) return { raw, path: configPath, legacy: false };
  const legacyRaw = readConfigText(legacyConfigPath);
  if (legacyRaw === null) return { raw: null, path: configPath, legacy: false };
  return { raw: legacyRaw, path: legacyConfigPath, legacy: true };
}
