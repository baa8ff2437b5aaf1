/**
 * Installs a plugin into `<stateDir>/extensions/<id>` from a folder, a `.tgz`
 * (`npm pack` output) or an npm package name. Everything happens in a staging
 * folder beside the target: the manifest, API version and id are checked and
 * dependencies installed (`--ignore-scripts`: no install script ever runs)
 * before one rename puts the plugin in place, so a failed install leaves
 * nothing behind and the gateway never sees a half-written plugin.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PLUGIN_API_VERSION, PLUGIN_ID_PATTERN } from '../../src-shared/plugin/api.js';
import type { PluginPermissions } from '../../src-shared/plugin/manifest-schema.js';
import { extractTarball, runCommand, UnsafeArchiveError, type CommandRunner } from './archive.js';
import { apiVersionProblem } from './entry-loader.js';
import { errorMessage } from './errors.js';
import { MANIFEST_FILE, readPluginManifest } from './manifest.js';
import { installedPluginsDir, pluginDataDir } from './types.js';

/** Written into the installed folder so `plugins info` can say where it came from. */
export const INSTALL_RECORD_FILE = '.openclaw-install.json';

/** Why an install failed, for the CLI's exit code and wording. */
export type InstallErrorCode = 'bad-spec' | 'not-found' | 'unsafe-archive' | 'invalid-manifest' | 'unsupported-api' | 'bundled-id' | 'already-installed' | 'npm-failed' | 'io';

/** The outcome of `installPlugin`, ready for `plugins install --json`. */
export type InstallResult =
  | {
      ok: true;
      id: string;
      name: string;
      version?: string;
      dir: string;
      from: 'folder' | 'archive' | 'npm';
      spec: string;
      replaced: boolean;
      /** `included`: shipped in the package; `installed`: fetched now with npm. */
      dependencies: 'none' | 'included' | 'installed';
      /** What it declares it needs; the CLI shows it. */
      permissions?: PluginPermissions;
      warnings: string[];
    }
  | { ok: false; code: InstallErrorCode; error: string };

/** Install options. */
export interface InstallOptions {
  stateDir: string;
  /** A folder, a `.tgz`/`.tar.gz` file, or an npm package spec (`name`, `@scope/name@1.2.3`). */
  spec: string;
  /** Ids of bundled plugins; an installed plugin may not take one. */
  bundledIds: readonly string[];
  /** Replace an installed plugin with the same id. */
  replace?: boolean;
  /** npm executable (default `npm`). */
  npmCommand?: string;
  /** Runs tar and npm (tests inject one). */
  run?: CommandRunner;
  timeoutMs?: number;
}

const NPM_SPEC = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(@[A-Za-z0-9._~^<>=|* -]+)?$/;

class InstallError extends Error {
  constructor(
    readonly code: InstallErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Installs one plugin; never throws. */
export async function installPlugin(opts: InstallOptions): Promise<InstallResult> {
  const run = opts.run ?? runCommand;
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const root = installedPluginsDir(opts.stateDir);
  let staging: string | undefined;
  try {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    // Staging beside the target: the final rename stays on one file system and is atomic.
    staging = fs.mkdtempSync(path.join(root, '.install-'));
    const { dir: pluginDir, from } = await stage(opts, staging, run, timeoutMs);

    const manifest = readPluginManifest(pluginDir);
    if (!manifest.ok) {
      const field = manifest.problem.field ? `${manifest.problem.field}: ` : '';
      throw new InstallError('invalid-manifest', `${path.basename(manifest.problem.file) || MANIFEST_FILE}: ${field}${manifest.problem.message.replace(pluginDir, '<plugin>')}`);
    }
    const { id } = manifest.manifest;
    const versionProblem = apiVersionProblem(manifest.manifest.apiVersion ?? PLUGIN_API_VERSION);
    if (versionProblem) throw new InstallError('unsupported-api', `plugin "${id}" is ${versionProblem}`);
    if (opts.bundledIds.includes(id)) throw new InstallError('bundled-id', `"${id}" is the id of a plugin that ships with OpenClaw; an installed plugin cannot replace it`);
    if (!isFile(manifest.entry)) throw new InstallError('invalid-manifest', `entry file ${path.relative(pluginDir, manifest.entry)} does not exist in the package`);
    const target = path.join(root, id);
    const existing = fs.existsSync(target);
    if (existing && !opts.replace) {
      const version = readPluginManifest(target);
      const v = version.ok && version.manifest.version ? ` (version ${version.manifest.version})` : '';
      throw new InstallError('already-installed', `plugin "${id}" is already installed${v}; uninstall it first or install with replace (--force)`);
    }

    const dependencies = await installDependencies(pluginDir, opts.npmCommand ?? 'npm', run, timeoutMs);
    fs.writeFileSync(path.join(pluginDir, INSTALL_RECORD_FILE), `${JSON.stringify({ spec: opts.spec, from, installedAt: new Date().toISOString() }, null, 2)}\n`);
    place(pluginDir, target, root, existing);
    return {
      ok: true,
      id,
      name: manifest.manifest.name ?? id,
      ...(manifest.manifest.version ? { version: manifest.manifest.version } : {}),
      dir: target,
      from,
      spec: opts.spec,
      replaced: existing,
      dependencies,
      ...(manifest.manifest.permissions ? { permissions: manifest.manifest.permissions } : {}),
      warnings: manifest.warnings.map((w) => w.replace(pluginDir, target)),
    };
  } catch (err) {
    if (err instanceof InstallError) return { ok: false, code: err.code, error: err.message };
    if (err instanceof UnsafeArchiveError) return { ok: false, code: 'unsafe-archive', error: err.message };
    return { ok: false, code: 'io', error: errorMessage(err) };
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Removes `<stateDir>/extensions/<id>`; its data folder is kept unless `purgeData`. */
export function uninstallPlugin(opts: { stateDir: string; id: string; purgeData?: boolean }): { ok: true; id: string; dir: string; dataRemoved: boolean } | { ok: false; code: 'bad-id' | 'not-installed' | 'io'; error: string } {
  if (!new RegExp(PLUGIN_ID_PATTERN).test(opts.id)) return { ok: false, code: 'bad-id', error: `"${opts.id}" is not a plugin id` };
  const root = installedPluginsDir(opts.stateDir);
  const dir = path.join(root, opts.id);
  if (!fs.existsSync(dir)) return { ok: false, code: 'not-installed', error: `plugin "${opts.id}" is not installed (bundled plugins can only be disabled)` };
  try {
    // Renamed away first, so discovery never sees a half-deleted folder.
    const trash = path.join(root, `.remove-${crypto.randomBytes(4).toString('hex')}`);
    fs.renameSync(dir, trash);
    fs.rmSync(trash, { recursive: true, force: true });
    const data = pluginDataDir(opts.stateDir, opts.id);
    const dataRemoved = opts.purgeData === true && fs.existsSync(data);
    if (dataRemoved) fs.rmSync(data, { recursive: true, force: true });
    return { ok: true, id: opts.id, dir, dataRemoved };
  } catch (err) {
    return { ok: false, code: 'io', error: errorMessage(err) };
  }
}

async function stage(opts: InstallOptions, staging: string, run: CommandRunner, timeoutMs: number): Promise<{ dir: string; from: 'folder' | 'archive' | 'npm' }> {
  const spec = opts.spec.trim();
  const local = path.resolve(spec);
  const stat = fs.statSync(local, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    const dir = path.join(staging, 'package');
    copyFolder(local, dir);
    return { dir, from: 'folder' };
  }
  if (stat?.isFile()) {
    if (!/\.(tgz|tar\.gz)$/i.test(local)) throw new InstallError('bad-spec', `${spec} is a file but not a .tgz archive`);
    return { dir: await unpack(local, staging, run), from: 'archive' };
  }
  if (looksLikePath(spec)) throw new InstallError('not-found', `${spec} does not exist`);
  if (!NPM_SPEC.test(spec)) throw new InstallError('bad-spec', `"${spec}" is not a folder, a .tgz file or an npm package name`);
  const packDir = path.join(staging, 'npm');
  fs.mkdirSync(packDir);
  const packed = await run(opts.npmCommand ?? 'npm', ['pack', spec, '--pack-destination', packDir, '--json', '--ignore-scripts'], { cwd: packDir, timeoutMs, env: npmEnv() });
  if (packed.code !== 0) throw new InstallError('npm-failed', `npm pack ${spec} failed: ${lastLines(packed.stderr)}`);
  const tgz = fs.readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new InstallError('npm-failed', `npm pack ${spec} produced no archive`);
  return { dir: await unpack(path.join(packDir, tgz), staging, run), from: 'npm' };
}

async function unpack(file: string, staging: string, run: CommandRunner): Promise<string> {
  const out = path.join(staging, 'unpacked');
  fs.mkdirSync(out);
  await extractTarball(file, out, run);
  // npm packs everything under package/; other tarballs usually have one top folder.
  const top = fs.readdirSync(out);
  if (top.length === 1 && fs.statSync(path.join(out, top[0]!)).isDirectory()) return path.join(out, top[0]!);
  return out;
}

/** Copies a plugin folder; links may only point inside it, `.git` is left out. */
function copyFolder(src: string, dest: string): void {
  const realRoot = fs.realpathSync(src);
  fs.cpSync(src, dest, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (from) => {
      if (path.basename(from) === '.git') return false;
      if (fs.lstatSync(from).isSymbolicLink()) {
        const target = fs.realpathSync(from);
        const rel = path.relative(realRoot, target);
        if (rel.startsWith('..') || path.isAbsolute(rel)) throw new InstallError('unsafe-archive', `${from} links outside the plugin folder`);
      }
      return true;
    },
  });
}

async function installDependencies(dir: string, npm: string, run: CommandRunner, timeoutMs: number): Promise<'none' | 'included' | 'installed'> {
  let deps: Record<string, unknown> = {};
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, unknown> };
    deps = pkg.dependencies ?? {};
  } catch {
    return 'none';
  }
  if (Object.keys(deps).length === 0) return 'none';
  if (fs.existsSync(path.join(dir, 'node_modules'))) return 'included';
  const result = await run(npm, ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs, env: npmEnv() });
  if (result.code !== 0) throw new InstallError('npm-failed', `npm install (dependencies) failed: ${lastLines(result.stderr)}`);
  return 'installed';
}

function place(dir: string, target: string, root: string, replace: boolean): void {
  if (!replace) {
    fs.renameSync(dir, target);
    return;
  }
  const old = path.join(root, `.old-${crypto.randomBytes(4).toString('hex')}`);
  fs.renameSync(target, old);
  try {
    fs.renameSync(dir, target);
  } catch (err) {
    fs.renameSync(old, target);
    throw err;
  }
  fs.rmSync(old, { recursive: true, force: true });
}

/** npm needs HOME and PATH; it never needs the gateway's own settings or secrets. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^OPENCLAW_/i.test(k)));
}

function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('~') || spec.includes('\\') || /^[A-Za-z]:/.test(spec) || /\.(tgz|tar\.gz)$/i.test(spec);
}

function isFile(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

function lastLines(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.slice(-3).join(' / ') || 'no output';
}
