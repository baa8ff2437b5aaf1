import JSON5 from 'json5';
import { OpenClawConfigSchema, RELOAD_RULES, REDACTED_SENTINEL, diffConfigPaths, redactConfig, restoreRedacted } from '../../../src-shared/domain/config-schema.js';
import { applyMergePatch } from '../../../src-shared/domain/merge-patch.js';
import { finalizeConfig, hashConfigText, parseConfigText, readConfigText } from '../../config/load.js';
import { formatConfig, writeConfigAtomic } from '../../config/write.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';

export interface ConfigHandlerDeps {
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** Hash of the config the gateway runs now. */
  appliedHash(): string;
  /** Apply the file now instead of waiting for the watcher. */
  reloadNow(): void;
}

/** Secret values in raw JSON5 text, for `config.get`'s `raw` (comments and layout kept). */
const SECRET_IN_TEXT = /((?:["']?)(?:token|password|apiKey|botToken|appToken|signingSecret|webhookSecret|secret)(?:["']?)\s*:\s*)(["'])(?:\\.|(?!\2)[^\\])*\2/g;

export function redactConfigText(raw: string): string {
  return raw.replace(SECRET_IN_TEXT, (_m, key: string) => `${key}"${REDACTED_SENTINEL}"`);
}

function checkBaseHash(current: string | null, baseHash: string | undefined): void {
  if (current === null) return;
  const hash = hashConfigText(current);
  if (baseHash === undefined) {
    throw new InvalidRequestError('config base hash required: read the config with config.get and pass its hash as baseHash', { code: 'CONFIG_BASE_HASH_REQUIRED', currentHash: hash });
  }
  if (baseHash !== hash) {
    throw new InvalidRequestError('config changed since it was read (base hash mismatch); reload it and retry', { code: 'CONFIG_CONFLICT', currentHash: hash });
  }
}

function parseOrThrow(raw: string, what: string): Record<string, unknown> {
  const parsed = parseConfigText(raw);
  if (!parsed.ok) throw new InvalidRequestError(`invalid ${what}: ${parsed.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, { code: 'CONFIG_INVALID', issues: parsed.issues });
  return parsed.value;
}

/** `config.*` methods. Writes validate first, so nothing invalid reaches the file. */
export function configHandlers(deps: ConfigHandlerDeps): Handlers {
  const write = (current: string | null, next: Record<string, unknown>, text: string) => {
    const final = finalizeConfig(next, deps.env);
    if (!final.ok) {
      throw new InvalidRequestError(`config rejected: ${final.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, { code: 'CONFIG_INVALID', issues: final.issues });
    }
    const before = current === null ? {} : (parseConfigText(current) as { ok: boolean; value?: unknown }).value ?? {};
    writeConfigAtomic(deps.configPath, text);
    deps.reloadNow();
    return { ok: true as const, path: deps.configPath, hash: hashConfigText(text), config: redactConfig(next), changedPaths: diffConfigPaths(before, next) };
  };

  return {
    'config.get': () => {
      const raw = readConfigText(deps.configPath);
      const parsed = parseConfigText(raw);
      const final = parsed.ok ? finalizeConfig(parsed.value, deps.env) : parsed;
      return {
        path: deps.configPath,
        exists: raw !== null,
        valid: final.ok,
        hash: hashConfigText(raw),
        appliedConfigHash: deps.appliedHash(),
        raw: raw === null ? null : redactConfigText(raw),
        config: parsed.ok ? redactConfig(parsed.value) : null,
        issues: final.ok ? [] : final.issues,
      };
    },
    'config.set': (params) => {
      const current = readConfigText(deps.configPath);
      checkBaseHash(current, params.baseHash);
      const currentValue = current === null ? {} : parseConfigText(current);
      const next = parseOrThrow(params.raw, 'config text');
      const restored = restoreRedacted(next, 'value' in currentValue ? currentValue.value : currentValue);
      // Keep the caller's text (and its comments) unless a redacted secret had to be put back.
      const text = params.raw.includes(REDACTED_SENTINEL) ? formatConfig(restored) : params.raw;
      return write(current, restored, text);
    },
    'config.patch': (params) => {
      const current = readConfigText(deps.configPath);
      checkBaseHash(current, params.baseHash);
      let patch: unknown;
      try {
        patch = JSON5.parse(params.raw);
      } catch (err) {
        throw new InvalidRequestError(`invalid config patch: ${(err as Error).message}`, { code: 'CONFIG_INVALID' });
      }
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new InvalidRequestError('config patch must be an object', { code: 'CONFIG_INVALID' });
      const base = current === null ? {} : parseOrThrow(current, 'current config file');
      const next = restoreRedacted(applyMergePatch(base, patch) as Record<string, unknown>, base);
      return write(current, next, formatConfig(next));
    },
    'config.schema': () => ({
      schema: JSON.parse(JSON.stringify(OpenClawConfigSchema)) as unknown,
      version: '1',
      reload: Object.fromEntries(RELOAD_RULES.map((r) => [r.prefix, r.kind])),
    }),
  };
}
