import JSON5 from 'json5';
import { REDACTED_SENTINEL, isSecretPath } from '../../../src-shared/domain/config-schema.js';
import { getAtPath, parseConfigPath, setAtPath, unsetAtPath, type ConfigPathSegment } from '../../../src-shared/domain/config-path.js';
import { editConfigFile, loadConfigFile, parseConfigText, readConfigText, resolveConfigPaths, ConfigError } from '../../config/index.js';
import type { OpenClawConfig } from '../../../src-shared/domain/config-schema.js';
import { CliError, printJson } from '../output.js';
import { cliConfigSchema } from './plugins.js';

interface ConfigCliOptions {
  profile?: string;
  json?: boolean;
  strictJson?: boolean;
}

function paths(opts: ConfigCliOptions) {
  return resolveConfigPaths({ profile: opts.profile });
}

function parsePath(path: string): ConfigPathSegment[] {
  try {
    return parseConfigPath(path);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Redact any secret at or below `segs`. */
function redactAt(value: unknown, segs: ConfigPathSegment[]): unknown {
  if (isSecretPath(segs)) return typeof value === 'string' && value ? REDACTED_SENTINEL : value;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
    for (const [k, v] of Object.entries(value)) (out as Record<string, unknown>)[k] = redactAt(v, [...segs, Array.isArray(value) ? Number(k) : k]);
    return out;
  }
  return value;
}

/** `config get <path>`: scalars bare, objects as JSON; unset exits 1. Reads the file as written. */
export function configGet(path: string, opts: ConfigCliOptions): void {
  const p = paths(opts);
  const parsed = parseConfigText(readConfigText(p.configPath));
  if (!parsed.ok) throw new CliError(new ConfigError(p.configPath, parsed.issues).message);
  const segs = parsePath(path);
  const hit = getAtPath(parsed.value, segs);
  if (!hit.found) throw new CliError(`config path not set: ${path}`);
  const value = redactAt(hit.value, segs);
  if (opts.json) return printJson(value);
  process.stdout.write((typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : String(value)) + '\n');
}

function parseValue(raw: string, strict: boolean): unknown {
  if (strict) {
    try {
      return JSON.parse(raw);
    } catch (err) {
      throw new CliError(`--strict-json: value is not valid JSON: ${(err as Error).message}`);
    }
  }
  try {
    return JSON5.parse(raw);
  } catch {
    return raw;
  }
}

function edit(opts: ConfigCliOptions, fn: (c: OpenClawConfig) => OpenClawConfig) {
  const p = paths(opts);
  try {
    return editConfigFile(p.configPath, process.env, fn, { legacyConfigPath: p.legacyConfigPath });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${err.message}\nNothing was written.`);
    throw err;
  }
}

/** `config set <path> <value>`: validated before anything is written. */
export function configSet(path: string, raw: string, opts: ConfigCliOptions): void {
  const segs = parsePath(path);
  const value = parseValue(raw, Boolean(opts.strictJson));
  const r = edit(opts, (c) => setAtPath(c, segs, value));
  if (opts.json) return printJson({ ok: true, path, hash: r.hash });
  process.stdout.write(`Updated ${path}. A running gateway applies it on its own.\n`);
}

/** `config unset <path>`: exits 1 when the path is not set. */
export function configUnset(path: string, opts: ConfigCliOptions): void {
  const segs = parsePath(path);
  let changed = false;
  edit(opts, (c) => {
    const r = unsetAtPath(c, segs);
    changed = r.changed;
    if (!r.changed) throw new CliError(`config path not set: ${path}`);
    return r.value;
  });
  if (changed) process.stdout.write(`Removed ${path}.\n`);
}

/** `config validate`: exit 1 with every issue listed when invalid. */
export function configValidate(opts: ConfigCliOptions): void {
  const p = paths(opts);
  const r = loadConfigFile(p.configPath, process.env, { legacyConfigPath: p.legacyConfigPath });
  if (opts.json) {
    printJson(r.ok ? { ok: true, path: r.sourcePath, exists: r.exists, warnings: r.warnings } : { ok: false, path: r.error.path, issues: r.error.issues });
    if (!r.ok) throw new CliError('config invalid', 1);
    return;
  }
  if (!r.ok) throw new CliError(r.error.message);
  process.stdout.write(`Config valid: ${r.sourcePath}${r.exists ? '' : ' (no file; defaults apply)'}\n`);
  for (const w of r.warnings) process.stdout.write(`warning: ${w}\n`);
}

export function configSchema(opts: ConfigCliOptions): void {
  printJson(cliConfigSchema(opts));
}

export function configFile(opts: ConfigCliOptions): void {
  process.stdout.write(paths(opts).configPath + '\n');
}
