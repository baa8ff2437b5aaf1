import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OpenClawConfig } from '../../src-shared/domain/config-schema.js';
import { ConfigConflictError, ConfigError } from './errors.js';
import { editJson5Text } from './json5-edit.js';
import { finalizeConfig, hashConfigText, parseConfigText, readConfigSource } from './load.js';

/** Serialises a config the way OpenClaw writes it: 2-space JSON (valid JSON5) with a trailing newline. */
export function formatConfig(config: unknown): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * Replaces `configPath` with `text` so readers see either the old or the new
 * file, never a partial one: write a 0600 temp file in the same directory,
 * fsync, copy the previous file to `<path>.bak` (unless `backup: false`),
 * then rename over. Creates the directory (0700) when missing.
 */
export function writeConfigAtomic(configPath: string, text: string, opts: { backup?: boolean } = {}): void {
  const dir = path.dirname(configPath);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(configPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      // The umask cannot widen 0600, but an inherited ACL could; make the mode explicit.
      fs.fchmodSync(fd, 0o600);
      fs.writeFileSync(fd, text, 'utf8');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (opts.backup !== false && fs.existsSync(configPath)) {
      fs.copyFileSync(configPath, `${configPath}.bak`);
      fs.chmodSync(`${configPath}.bak`, 0o600);
    }
    fs.renameSync(tmp, configPath);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncDirectory(dir);
}

// Makes the rename durable across a crash; not supported everywhere (Windows), hence best effort.
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Result of {@link editConfigFile}: the file-level config before and after, and the hash of the written text. */
export interface EditResult {
  before: OpenClawConfig;
  after: OpenClawConfig;
  hash: string;
}

/**
 * Read-modify-write of the config file. `edit` receives the config as written
 * (migrated, but with `${VAR}` references intact so they survive), may mutate
 * or return a new object; the result is validated with the same rules as a
 * load and only then written atomically with a backup. Only what changed is
 * rewritten: comments, layout and untouched keys of a hand-written JSON5 file
 * stay (a file the editor cannot follow is written out whole).
 * @throws ConfigError when the current file cannot be parsed or the result is invalid (the file is untouched).
 * @throws ConfigConflictError when `opts.expectedHash` no longer matches the file.
 */
export function editConfigFile(
  configPath: string,
  env: NodeJS.ProcessEnv,
  edit: (config: OpenClawConfig) => OpenClawConfig,
  opts: { expectedHash?: string; legacyConfigPath?: string } = {},
): EditResult {
  const source = readConfigSource(configPath, opts.legacyConfigPath);
  const currentHash = hashConfigText(source.raw);
  if (opts.expectedHash !== undefined && opts.expectedHash !== currentHash) {
    throw new ConfigConflictError(configPath, opts.expectedHash, currentHash);
  }
  const parsed = parseConfigText(source.raw);
  if (!parsed.ok) throw new ConfigError(source.path, parsed.issues);
  // The pre-edit file may be invalid (that is often why it is being edited); only the result must validate.
  const before = parsed.value as OpenClawConfig;
  const after = edit(structuredClone(before));
  const final = finalizeConfig(after, env, { forWrite: true });
  if (!final.ok) throw new ConfigError(configPath, final.issues);
  const text = (source.raw && editJson5Text(source.raw, after)) || formatConfig(after);
  writeConfigAtomic(configPath, text, { backup: true });
  return { before, after, hash: hashConfigText(text) };
}
