/**
 * Reads and validates a plugin folder's `openclaw.plugin.json` (and, when the
 * manifest has no `main`, package.json's `openclaw.extensions`) without
 * importing any code. Synchronous on purpose: it is two small reads on the
 * start-up path, and a sync read is cheaper than a promise round trip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { PluginKind } from '../../src-shared/plugin/api.js';
import { KNOWN_MANIFEST_KEYS, PluginManifestSchema, type PluginManifest } from '../../src-shared/plugin/manifest-schema.js';
import type { ManifestProblem, PluginCandidate, PluginSource } from './types.js';

/** The manifest's file name in a plugin folder. */
export const MANIFEST_FILE = 'openclaw.plugin.json';

// Compiled once per process: discovery checks every plugin folder with it.
const checker = TypeCompiler.Compile(PluginManifestSchema);

/** The outcome of reading one manifest. */
export type ManifestResult =
  | { ok: true; manifest: PluginManifest; kinds: PluginKind[]; entry: string; warnings: string[] }
  | { ok: false; problem: ManifestProblem; warnings: string[]; id?: string };

/**
 * Reads `<rootDir>/openclaw.plugin.json` and resolves the entry file.
 * Never throws: every failure is a `problem` naming the file and the field.
 */
export function readPluginManifest(rootDir: string): ManifestResult {
  const file = path.join(rootDir, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `no ${MANIFEST_FILE} in ${rootDir}` : `cannot read: ${(err as Error).message}`;
    return { ok: false, problem: { file, field: '', message }, warnings: [] };
  }
  return parsePluginManifest(text, rootDir, file);
}

/** Validates manifest text; `rootDir` resolves the entry. Exposed for the installer and tests. */
export function parsePluginManifest(text: string, rootDir: string, file = path.join(rootDir, MANIFEST_FILE)): ManifestResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: { file, field: '', message: `not valid JSON: ${(err as Error).message}` }, warnings: [] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problem: { file, field: '', message: 'must be a JSON object' }, warnings: [] };
  }
  const rawId = typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
  const warnings = Object.keys(raw)
    .filter((k) => !KNOWN_MANIFEST_KEYS.has(k))
    .map((k) => `${file}: unknown key "${k}" (ignored)`);
  if (!checker.Check(raw)) {
    const first = checker.Errors(raw).First();
    const problem = first ? toProblem(file, first) : { file, field: '', message: 'invalid manifest' };
    return { ok: false, problem, warnings, id: rawId };
  }
  const manifest = raw as PluginManifest;
  const fail = (field: string, message: string): ManifestResult => ({ ok: false, problem: { file, field, message }, warnings, id: manifest.id });

  const channels = manifest.channels ?? [];
  const kinds: PluginKind[] = manifest.kind === undefined ? [channels.length > 0 ? 'channel' : 'skill'] : Array.isArray(manifest.kind) ? [...new Set(manifest.kind)] : [manifest.kind];
  if (channels.length > 0 && !kinds.includes('channel')) return fail('kind', 'lists channels but kind does not include "channel"');
  if (kinds.includes('channel') && channels.length === 0) return fail('channels', 'kind "channel" needs the list of channel ids it provides');
  if (new Set(channels).size !== channels.length) return fail('channels', 'lists a channel id twice');
  for (const [channelId, info] of Object.entries(manifest.channelInfo ?? {})) {
    if (!channels.includes(channelId)) return fail(`channelInfo.${channelId}`, `describes channel "${channelId}", which is not listed in channels`);
    const pattern = info.targetRules?.groupIdPattern;
    if (pattern !== undefined && !isRegExp(pattern)) return fail(`channelInfo.${channelId}.targetRules.groupIdPattern`, 'is not a valid regular expression');
  }

  const entry = resolveEntry(rootDir, manifest, file);
  if ('problem' in entry) return { ok: false, problem: entry.problem, warnings, id: manifest.id };
  return { ok: true, manifest, kinds, entry: entry.path, warnings };
}

/** Builds a discovery candidate from a folder. */
export function readCandidate(rootDir: string, source: PluginSource): PluginCandidate {
  const result = readPluginManifest(rootDir);
  const manifestPath = path.join(rootDir, MANIFEST_FILE);
  if (result.ok) {
    return { id: result.manifest.id, source, rootDir, manifestPath, manifest: result.manifest, entry: result.entry, kinds: result.kinds, warnings: result.warnings };
  }
  return { id: result.id ?? path.basename(rootDir), source, rootDir, manifestPath, kinds: [], problem: result.problem, warnings: result.warnings };
}

/** One line for logs and the CLI: `file: field: message`. */
export function formatManifestProblem(problem: ManifestProblem): string {
  return `${problem.file}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

function resolveEntry(rootDir: string, manifest: PluginManifest, manifestFile: string): { path: string } | { problem: ManifestProblem } {
  if (manifest.main !== undefined) return inside(rootDir, manifest.main, { file: manifestFile, field: 'main' });
  // Packages built for the npm ecosystem name their entry in package.json instead.
  const pkgFile = path.join(rootDir, 'package.json');
  const missing: ManifestProblem = { file: manifestFile, field: 'main', message: 'no entry file: set "main" here or "openclaw.extensions" in package.json' };
  let pkg: unknown;
  try {
    pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { problem: missing };
    return { problem: { file: pkgFile, field: '', message: `cannot read: ${(err as Error).message}` } };
  }
  const extensions = (pkg as { openclaw?: { extensions?: unknown } } | null)?.openclaw?.extensions;
  if (extensions === undefined) return { problem: missing };
  if (!Array.isArray(extensions) || extensions.length === 0 || !extensions.every((e) => typeof e === 'string' && e.length > 0)) {
    return { problem: { file: pkgFile, field: 'openclaw.extensions', message: 'must be a non-empty array of entry file paths' } };
  }
  if (extensions.length > 1) {
    return { problem: { file: pkgFile, field: 'openclaw.extensions', message: 'lists several entries; one plugin folder has one entry (set "main" in the manifest to choose)' } };
  }
  return inside(rootDir, extensions[0] as string, { file: pkgFile, field: 'openclaw.extensions[0]' });
}

function inside(rootDir: string, rel: string, where: { file: string; field: string }): { path: string } | { problem: ManifestProblem } {
  if (path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return { problem: { ...where, message: 'must be a path relative to the plugin folder' } };
  const abs = path.resolve(rootDir, rel);
  const relative = path.relative(rootDir, abs);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { problem: { ...where, message: `must point to a file inside the plugin folder (got "${rel}")` } };
  }
  return { path: abs };
}

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

function toProblem(file: string, error: ValueError): ManifestProblem {
  const segments = error.path === '' ? [] : error.path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const field = segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  return { file, field, message: describe(error, segments) };
}

function describe(error: ValueError, segments: string[]): string {
  if (error.value === undefined) return 'is required';
  const top = segments[0];
  if (segments.length === 1 && top === 'id') return 'must be 1-64 lowercase letters, digits, - or _, starting with a letter or digit';
  if (top === 'kind') return 'must be one of channel, skill, memory, storage, or a list of them';
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return 'unknown key';
  if (error.type === ValueErrorType.String) return `must be a string, got ${typeName(error.value)}`;
  if (error.type === ValueErrorType.Boolean) return `must be true or false, got ${typeName(error.value)}`;
  if (error.type === ValueErrorType.Integer || error.type === ValueErrorType.IntegerMinimum) return `must be an integer >= ${String((error.schema as { minimum?: number }).minimum ?? 0)}`;
  if (error.type === ValueErrorType.Array) return `must be a list, got ${typeName(error.value)}`;
  if (error.type === ValueErrorType.Object) return `must be an object, got ${typeName(error.value)}`;
  if (error.type === ValueErrorType.StringPattern) return `does not match ${String((error.schema as { pattern?: string }).pattern)}`;
  return error.message.charAt(0).toLowerCase() + error.message.slice(1);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value;
}
