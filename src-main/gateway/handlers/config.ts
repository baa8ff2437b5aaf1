import JSON5 from 'json5';
import {
  OpenClawConfigSchema,
  RELOAD_RULES,
  REDACTED_SENTINEL,
  collectSecretValues,
  diffConfigPaths,
  redactConfig,
  restoreRedacted,
} from '../../../src-shared/domain/config-schema.js';
import { hideSubstitutedValues, redactConfigText, restoreRedactedText } from '../../../src-shared/domain/config-text.js';
import { applyMergePatch } from '../../../src-shared/domain/merge-patch.js';
import { OperatorScopes, hasScope } from '../../../src-shared/protocol/index.js';
import { finalizeConfig, hashConfigText, parseConfigText, readConfigText } from '../../config/load.js';
import { formatConfig, writeConfigAtomic } from '../../config/write.js';
import { editJson5Text } from '../../config/json5-edit.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';

export interface ConfigHandlerDeps {
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** Hash of the config the gateway runs now. */
  appliedHash(): string;
  /** Apply the file now instead of waiting for the watcher. */
  reloadNow(): void;
  /** The `channels` schema from the channels' plugins. */
  channelsSchema?(): unknown;
}

type Parsed = ReturnType<typeof parseConfigText>;

/** The core schema with `channels` as the channels' plugins declare it. */
function withChannels(schema: { properties: Record<string, unknown> }, channels: unknown): unknown {
  return channels === undefined ? schema : { ...schema, properties: { ...schema.properties, channels } };
}

/**
 * `config.get`'s `raw`, never with a secret in it. Admins (who edit it) get
 * the file with each secret literal replaced by the sentinel, comments and
 * layout kept; everyone else gets the redacted structure written out, so
 * nothing but the config itself (no comment, no shadowed duplicate key)
 * reaches a read-only client. Both follow the structured rule (`isSecretValue`).
 */
function rawForCaller(raw: string | null, parsed: Parsed, admin: boolean): string | null {
  if (raw === null) return null;
  if (admin) return redactConfigText(raw, parsed.ok ? collectSecretValues(parsed.value) : []);
  return parsed.ok ? formatConfig(redactConfig(parsed.value)) : null;
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

/**
 * The caller's text with redacted secrets put back in place, keeping its
 * comments; the structured result when that cannot be done exactly.
 */
function restoredText(raw: string, current: Record<string, unknown>, restored: Record<string, unknown>): string {
  const text = restoreRedactedText(raw, current);
  const check = text === undefined ? undefined : parseConfigText(text);
  return check?.ok && JSON.stringify(check.value) === JSON.stringify(restored) ? text! : formatConfig(restored);
}

function parseOrThrow(raw: string, what: string): Record<string, unknown> {
  const parsed = parseConfigText(raw);
  if (!parsed.ok) throw new InvalidRequestError(`invalid ${what}: ${parsed.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, { code: 'CONFIG_INVALID', issues: parsed.issues });
  return parsed.value;
}

/** `config.*` methods. Writes validate first, so nothing invalid reaches the file. */
export function configHandlers(deps: ConfigHandlerDeps): Handlers {
  const write = (current: string | null, next: Record<string, unknown>, text: string) => {
    const final = finalizeConfig(next, deps.env, { forWrite: true });
    if (!final.ok) {
      const issues = hideSubstitutedValues(final.issues, next);
      throw new InvalidRequestError(`config rejected: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, { code: 'CONFIG_INVALID', issues });
    }
    const before = current === null ? {} : (parseConfigText(current) as { ok: boolean; value?: unknown }).value ?? {};
    writeConfigAtomic(deps.configPath, text);
    deps.reloadNow();
    return { ok: true as const, path: deps.configPath, hash: hashConfigText(text), config: redactConfig(next), changedPaths: diffConfigPaths(before, next) };
  };

  return {
    'config.get': (_params, ctx) => {
      const raw = readConfigText(deps.configPath);
      const parsed = parseConfigText(raw);
      const final = parsed.ok ? finalizeConfig(parsed.value, deps.env) : parsed;
      return {
        path: deps.configPath,
        exists: raw !== null,
        valid: final.ok,
        hash: hashConfigText(raw),
        appliedConfigHash: deps.appliedHash(),
        raw: rawForCaller(raw, parsed, hasScope(ctx.scopes, OperatorScopes.ADMIN)),
        config: parsed.ok ? redactConfig(parsed.value) : null,
        issues: final.ok ? [] : hideSubstitutedValues(final.issues, parsed.ok ? parsed.value : undefined),
      };
    },
    'config.set': (params) => {
      const current = readConfigText(deps.configPath);
      checkBaseHash(current, params.baseHash);
      const currentParsed = parseConfigText(current);
      const currentValue = currentParsed.ok ? currentParsed.value : {};
      const next = parseOrThrow(params.raw, 'config text');
      const restored = restoreRedacted(next, currentValue);
      return write(current, restored, params.raw.includes(REDACTED_SENTINEL) ? restoredText(params.raw, currentValue, restored) : params.raw);
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
      return write(current, next, (current && editJson5Text(current, next)) || formatConfig(next));
    },
    'config.schema': () => ({
      schema: withChannels(JSON.parse(JSON.stringify(OpenClawConfigSchema)) as { properties: Record<string, unknown> }, deps.channelsSchema?.()),
      version: '1',
      reload: Object.fromEntries(RELOAD_RULES.map((r) => [r.prefix, r.kind])),
    }),
  };
}
