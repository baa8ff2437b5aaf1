import { formatConfigPath, type ConfigPathSegment } from '../../src-shared/domain/config-path.js';
import type { ConfigIssue } from './errors.js';

// `$${NAME}` is an escape for a literal `${NAME}`; only upper-case names are
// substituted, as upstream does, so other `${...}` text passes through.
const VAR_REF = /\$(\$)?\{([A-Z_][A-Z0-9_]*)\}/g;

/**
 * A provider's key may name a variable that is not set in this environment (the README's example names
 * ANTHROPIC_API_KEY): that provider is skipped and reported (agents/model-setup.ts), the config still loads.
 */
function isProviderKeyPath(path: ConfigPathSegment[]): boolean {
  return path.length === 4 && path[0] === 'models' && path[1] === 'providers' && path[3] === 'apiKey';
}

// Names the desktop app gives the secrets it moved into its encrypted store (config/secret-store.ts).
const DESKTOP_SECRET_PREFIX = 'OPENCLAW_SECRET_';

function missingVariableMessage(name: string): string {
  const base = `missing environment variable ${name} (referenced as \${${name}})`;
  if (!name.startsWith(DESKTOP_SECRET_PREFIX)) return base;
  return `${base}: the desktop app keeps this secret encrypted in its keychain store; start the app, or run it once with --secrets-export to put the secrets back in this file`;
}

/**
 * Replaces `${VAR}` in every string value (not keys) with `env.VAR`. A missing
 * or empty variable is reported as an issue at the value's path and left as is,
 * except in a provider's `apiKey`, where it is only left as is.
 * Returns a new value; the input is not mutated.
 */
export function substituteEnvVars(value: unknown, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path: ConfigPathSegment[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR_REF, (match, escaped: string | undefined, name: string) => {
      if (escaped) return match.slice(1);
      const replacement = env[name];
      if (replacement === undefined || replacement === '') {
        if (!isProviderKeyPath(path)) issues.push({ path: formatConfigPath(path), message: missingVariableMessage(name) });
        return match;
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnvVars(item, env, issues, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = substituteEnvVars(child, env, issues, [...path, key]);
    return out;
  }
  return value;
}

/** Names of `${VAR}` references left in a substituted value, i.e. variables that were not set. */
export function unresolvedEnvRefs(value: string): string[] {
  return [...value.matchAll(VAR_REF)].filter((m) => !m[1]).map((m) => m[2]!);
}
