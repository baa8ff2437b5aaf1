/**
 * Secrets at rest for the desktop app: the config's secret values (bot tokens, API keys, the gateway
 * token when the config holds it: see `isSecretValue`) are moved into an encrypted file beside the config,
 * `<state dir>/secrets.enc.json` (0600), and the config keeps `${OPENCLAW_SECRET_…}` references in their
 * place. Loading reuses the config's `${VAR}` substitution: the app decrypts the file and hands the values
 * to the gateway in the environment it starts it with (never in `process.env`, so no child inherits them).
 *
 * The cipher is injected: Electron `safeStorage` (the OS keychain) in the app, a keyed AES-GCM pair in
 * tests. The headless gateway does not use this module; its config and token files stay 0600 plaintext.
 * {@link exportSecrets} is the way back: the references are replaced by the plaintext values again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REDACTED_SENTINEL, isSecretValue } from '../../src-shared/domain/config-secrets.js';
import type { ConfigPathSegment } from '../../src-shared/domain/config-path.js';
import { ConfigError } from './errors.js';
import { editJson5Text } from './json5-edit.js';
import { finalizeConfig, parseConfigText, readConfigText } from './load.js';
import { formatConfig, writeConfigAtomic } from './write.js';

/** Encrypts and decrypts one string; Electron's `safeStorage.encryptString` / `decryptString` fit as they are. */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

/** The encrypted file cannot be used: unreadable, damaged, or encrypted under another key. */
export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** Prefix of the environment names the config refers to moved secrets by. */
export const SECRET_ENV_PREFIX = 'OPENCLAW_SECRET_';
const REFERENCE = /^\$\{(OPENCLAW_SECRET_[A-Z0-9_]+)\}$/;
const FILE_VERSION = 1;

interface SecretsFile {
  version: number;
  /** Environment name → base64 of the cipher's output. */
  secrets: Record<string, string>;
}

export function secretsFilePath(stateDir: string): string {
  return path.join(stateDir, 'secrets.enc.json');
}

/** `channels.telegram.botToken` → `OPENCLAW_SECRET_CHANNELS_TELEGRAM_BOTTOKEN`. */
export function secretEnvName(configPath: readonly ConfigPathSegment[]): string {
  return SECRET_ENV_PREFIX + configPath.map((s) => String(s).toUpperCase().replace(/[^A-Z0-9]+/g, '_')).join('_');
}

function readSecretsFile(file: string): SecretsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: FILE_VERSION, secrets: {} };
    throw new SecretStoreError(file, `cannot read the secrets file: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SecretStoreError(file, 'the secrets file is not valid JSON; it was left as it is', { cause: err });
  }
  const v = value as Partial<SecretsFile> | null;
  if (typeof v !== 'object' || v === null || v.version !== FILE_VERSION || typeof v.secrets !== 'object' || v.secrets === null) {
    throw new SecretStoreError(file, `the secrets file is not a version ${FILE_VERSION} secrets file; it was left as it is`);
  }
  for (const [name, data] of Object.entries(v.secrets)) {
    if (!name.startsWith(SECRET_ENV_PREFIX) || typeof data !== 'string') throw new SecretStoreError(file, `the secrets file has a bad entry ${JSON.stringify(name)}`);
  }
  return v as SecretsFile;
}

function writeSecretsFile(file: string, secrets: Record<string, string>): void {
  // The same atomic 0600 write as the config; a backup would keep an old copy of the secrets around.
  writeConfigAtomic(file, `${JSON.stringify({ version: FILE_VERSION, secrets }, null, 2)}\n`, { backup: false });
}

/** Decrypts every stored secret into the environment names the config refers to them by. */
export function loadSecretEnv(file: string, cipher: SecretCipher): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, data] of Object.entries(readSecretsFile(file).secrets)) {
    try {
      out[name] = cipher.decrypt(Buffer.from(data, 'base64'));
    } catch (err) {
      throw new SecretStoreError(
        file,
        `cannot decrypt ${name}: the OS keychain key does not match the one it was encrypted with (was the file copied from another user account or machine?). ` +
          'Put the secret in the config again, or restore the keychain entry.',
        { cause: err },
      );
    }
  }
  return out;
}

/** Walks the config's string leaves, calling `fn` with each leaf's path; a returned string replaces the leaf. */
function replaceLeaves(value: unknown, at: ConfigPathSegment[], fn: (leaf: string, at: ConfigPathSegment[]) => string | undefined): unknown {
  if (typeof value === 'string') return fn(value, at) ?? value;
  if (Array.isArray(value)) return value.map((item, i) => replaceLeaves(item, [...at, i], fn));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = replaceLeaves(child, [...at, key], fn);
    return out;
  }
  return value;
}

function readConfigObject(configPath: string): { raw: string | null; value: Record<string, unknown> } {
  const raw = readConfigText(configPath);
  const parsed = parseConfigText(raw);
  if (!parsed.ok) throw new ConfigError(configPath, parsed.issues);
  return { raw, value: parsed.value };
}

/** The edited config must load with the same rules as any write. */
function checkConfig(configPath: string, after: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const final = finalizeConfig(after, env, { forWrite: true });
  if (!final.ok) throw new ConfigError(configPath, final.issues);
}

/** Writes the edited config, keeping comments and layout, with no `.bak` (the old text held the secrets). */
function writeConfig(configPath: string, raw: string | null, after: Record<string, unknown>): void {
  writeConfigAtomic(configPath, (raw && editJson5Text(raw, after)) || formatConfig(after), { backup: false });
}

export interface MigrateSecretsOptions {
  configPath: string;
  secretsPath: string;
  cipher: SecretCipher;
  /** The environment the config is checked against (a moved secret's reference resolves from the store). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Moves every plaintext secret of the config into the encrypted file and leaves a reference in its place.
 * Runs at each app start and does nothing when nothing is left to move. The edited config is validated
 * first, and the secrets are written (and read back) before the config changes, so a failure part way
 * loses nothing. The config's `.bak` is removed,
 * since it holds the old plaintext. Values that already use `${VAR}` are left alone.
 * @returns the config paths moved (`channels.telegram.botToken`, …).
 */
export function migrateSecrets(opts: MigrateSecretsOptions): { moved: string[] } {
  const { raw, value } = readConfigObject(opts.configPath);
  const stored = readSecretsFile(opts.secretsPath).secrets;
  const found: { at: string; name: string; plain: string }[] = [];
  const after = replaceLeaves(value, [], (leaf, at) => {
    if (!isSecretValue(at, leaf) || leaf.includes('${') || leaf === REDACTED_SENTINEL) return undefined;
    // Two paths can spell the same name (`a.b_c`, `a.b.c`); a stored name for the same path is replaced.
    let name = secretEnvName(at);
    for (let n = 2; found.some((f) => f.name === name); n++) name = `${secretEnvName(at)}_${n}`;
    found.push({ at: at.join('.'), name, plain: leaf });
    return `\${${name}}`;
  }) as Record<string, unknown>;
  if (found.length === 0) return { moved: [] };
  const env = opts.env ?? process.env;
  checkConfig(opts.configPath, after, { ...env, ...Object.fromEntries(found.map((f) => [f.name, f.plain])) });
  const next = { ...stored };
  for (const f of found) next[f.name] = opts.cipher.encrypt(f.plain).toString('base64');
  writeSecretsFile(opts.secretsPath, next);
  // Checked before the config loses the plaintext: a cipher that cannot read back its own output stops here.
  const secretEnv = loadSecretEnv(opts.secretsPath, opts.cipher);
  for (const f of found) {
    if (secretEnv[f.name] !== f.plain) throw new SecretStoreError(opts.secretsPath, `${f.name} did not read back as written; the config was left as it is`);
  }
  writeConfig(opts.configPath, raw, after);
  fs.rmSync(`${opts.configPath}.bak`, { force: true });
  return { moved: found.map((f) => f.at) };
}

/**
 * The way back: every `${OPENCLAW_SECRET_…}` reference in the config is replaced by its plaintext value,
 * and the encrypted file is removed once the config is written. A reference the file lacks is reported
 * and nothing changes.
 * @returns the config paths restored.
 */
export function exportSecrets(opts: MigrateSecretsOptions): { restored: string[] } {
  const { raw, value } = readConfigObject(opts.configPath);
  const secretEnv = loadSecretEnv(opts.secretsPath, opts.cipher);
  const restored: string[] = [];
  const missing: string[] = [];
  const after = replaceLeaves(value, [], (leaf, at) => {
    const name = REFERENCE.exec(leaf)?.[1];
    if (!name) return undefined;
    const plain = secretEnv[name];
    if (plain === undefined) {
      missing.push(`${at.join('.')} (${name})`);
      return undefined;
    }
    restored.push(at.join('.'));
    return plain;
  }) as Record<string, unknown>;
  if (missing.length > 0) throw new SecretStoreError(opts.secretsPath, `no stored value for ${missing.join(', ')}; nothing was changed`);
  if (restored.length > 0) {
    checkConfig(opts.configPath, after, opts.env ?? process.env);
    writeConfig(opts.configPath, raw, after);
  }
  fs.rmSync(opts.secretsPath, { force: true });
  return { restored };
}
