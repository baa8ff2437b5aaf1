import type { ConfigIssue } from './errors.js';

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Result of {@link migrateLegacyConfig}: the migrated copy, one warning per migration, and blocking issues. */
export interface MigrationResult {
  config: Json;
  warnings: string[];
  issues: ConfigIssue[];
}

const PERSIST_HINT = 'run "openclaw doctor --fix" or save the config to make it permanent';

/**
 * Safe, lossless rewrites of legacy shapes, applied in memory before
 * validation so old files keep working:
 * - `agents.list[]` → `agents.entries.<id>`; the first `default: true` (or
 *   else the first entry) becomes the default agent;
 * - `gateway.reload.mode` `hot`/`restart` → `hybrid`.
 * A migration that would lose data (duplicate ids, an id present in both
 * shapes) is reported as an issue instead. Malformed legacy data is left in
 * place for the schema to report.
 */
export function migrateLegacyConfig(input: Json): MigrationResult {
  const warnings: string[] = [];
  const issues: ConfigIssue[] = [];
  let config: Json = { ...input };

  const agents = config.agents;
  if (isRecord(agents) && Array.isArray(agents.list)) {
    const list = agents.list as unknown[];
    const wellFormed = list.every((item) => isRecord(item) && typeof item.id === 'string' && item.id.trim() !== '');
    const existing = agents.entries === undefined ? {} : agents.entries;
    if (wellFormed && isRecord(existing)) {
      const entries: Json = { ...existing };
      const hasDefault = Object.values(entries).some((entry) => isRecord(entry) && entry.default === true);
      const items = list as Json[];
      const chosen = hasDefault ? -1 : Math.max(0, items.findIndex((item) => item.default === true));
      const before = issues.length;
      items.forEach((item, index) => {
        const { id, default: _legacyDefault, ...rest } = item;
        const key = id as string;
        if (Object.hasOwn(entries, key)) {
          const where = Object.hasOwn(existing as Json, key) ? 'both agents.list and agents.entries' : 'agents.list more than once';
          issues.push({ path: `agents.list[${index}].id`, message: `agent "${key}" is defined in ${where}` });
          return;
        }
        entries[key] = index === chosen ? { default: true, ...rest } : rest;
      });
      if (issues.length === before) {
        const { list: _list, ...restAgents } = agents;
        config = { ...config, agents: { ...restAgents, entries } };
        warnings.push(`migrated agents.list (${items.length} agent${items.length === 1 ? '' : 's'}) to agents.entries; ${PERSIST_HINT}`);
      }
    }
  }

  const gateway = config.gateway;
  if (isRecord(gateway) && isRecord(gateway.reload)) {
    const mode = gateway.reload.mode;
    if (mode === 'hot' || mode === 'restart') {
      config = { ...config, gateway: { ...gateway, reload: { ...gateway.reload, mode: 'hybrid' } } };
      warnings.push(`migrated gateway.reload.mode "${mode}" to "hybrid"; ${PERSIST_HINT}`);
    }
  }

  return { config, warnings, issues };
}
