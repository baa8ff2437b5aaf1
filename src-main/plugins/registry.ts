/**
 * The plugin registry: one record per discovered plugin, loading on demand
 * through the loader for its isolation, and the contributions of loaded
 * plugins. A second plugin registering a tool, method, channel or store id
 * that is taken (by the gateway or an earlier plugin) fails with a reason
 * naming the owner; the first keeps it.
 */
import fs from 'node:fs';
import { PLUGIN_API_VERSION, type PluginHookName } from '../../src-shared/plugin/api.js';
import type { Logger } from '../logging/index.js';
import { DEFAULT_CALL_TIMEOUTS, type CallGuard, type CallTimeouts, type PluginContributions, type RegisteredHook } from './contributions.js';
import { decideEnablement, type EnablementDecision } from './enablement.js';
import { apiVersionProblem } from './entry-loader.js';
import { errorMessage } from './errors.js';
import type { DiscoveryResult } from './discovery.js';
import { formatManifestProblem } from './manifest.js';
import { validatePluginConfig, type ChannelProvider } from './plugin-config.js';
import type { PluginLoader, PluginLoadRequest, PluginRegistry, PluginsHealth, PluginStateListener } from './plugin-registry.js';
import { pluginDataDir, type PluginCandidate, type PluginRecord, type PluginState, type PluginsConfig } from './types.js';

/** What the registry is built from. */
export interface RegistryOptions {
  discovery: DiscoveryResult;
  config: PluginsConfig;
  stateDir: string;
  loaders: { inprocess: PluginLoader; process: PluginLoader };
  /** Names the gateway owns; a plugin registering one fails. */
  reserved?: { tools?: readonly string[]; methods?: readonly string[]; channels?: readonly string[] };
  timeouts?: Partial<CallTimeouts>;
  /** The `plugins` logger; each plugin logs to `child(<id>)`. */
  log: Logger;
}

interface Slot {
  candidate: PluginCandidate;
  record: PluginRecord;
  entryConfig: string;
  contributions?: PluginContributions;
  stop?: () => Promise<void>;
  loading?: Promise<PluginRecord>;
  attempt: number;
  /** Bumped whenever the slot is unloaded, so a load that finishes late is thrown away. */
  generation: number;
}

/** Builds the registry from a discovery result; nothing is loaded yet. */
export function createPluginRegistry(opts: RegistryOptions): PluginRegistry {
  const timeouts: CallTimeouts = { ...DEFAULT_CALL_TIMEOUTS, ...opts.timeouts };
  const listeners = new Set<PluginStateListener>();
  let config = opts.config;
  const slots = new Map<string, Slot>();
  const addSlot = (candidate: PluginCandidate) => {
    // Unusable manifests keep their folder name as id; two of them may share it.
    const key = slots.has(candidate.id) ? `${candidate.id}@${candidate.rootDir}` : candidate.id;
    slots.set(key, { candidate, record: initialRecord(candidate, config), entryConfig: entryKey(config, candidate.id), attempt: 0, generation: 0 });
  };
  for (const candidate of opts.discovery.candidates) addSlot(candidate);

  const setState = (slot: Slot, state: PluginState, patch: Partial<PluginRecord> = {}) => {
    const previous = slot.record.state;
    slot.record = { ...slot.record, ...patch, state };
    if (state !== 'failed' && patch.error === undefined) delete slot.record.error;
    if (previous !== state || patch.error !== undefined) {
      if (state === 'failed') opts.log.warn('plugin failed', { plugin: slot.record.id, error: slot.record.error });
      for (const l of listeners) l(slot.record, previous);
    }
  };
  const loadedSlots = () => [...slots.values()].filter((s) => s.record.state === 'loaded' && s.contributions);

  const unload = async (slot: Slot) => {
    slot.generation++;
    const stop = slot.stop;
    slot.contributions = undefined;
    slot.stop = undefined;
    slot.loading = undefined;
    await stop?.().catch((err: unknown) => opts.log.warn('plugin did not stop cleanly', { plugin: slot.record.id, error: errorMessage(err) }));
  };

  const makeGuard = (slot: Slot, generation: number): CallGuard => ({
    pluginId: slot.record.id,
    critical: slot.record.critical,
    timeouts,
    onCallError(err) {
      slot.record = { ...slot.record, callErrors: slot.record.callErrors + 1, lastCallError: err.message };
      opts.log.warn('plugin call failed', { plugin: slot.record.id, error: err.message });
    },
    unavailable: () => (slot.generation !== generation || slot.record.state !== 'loaded' ? (slot.record.error ?? `it is ${slot.record.state}`) : undefined),
  });

  const conflictOf = (id: string, c: PluginContributions): string | undefined => {
    const owner = (pick: (o: PluginContributions) => string[], name: string, reserved: readonly string[] | undefined) => {
      if (reserved?.map((r) => r.toLowerCase()).includes(name.toLowerCase())) return 'the gateway';
      for (const other of loadedSlots()) if (other.record.id !== id && pick(other.contributions!).some((n) => n.toLowerCase() === name.toLowerCase())) return `plugin "${other.record.id}"`;
      return undefined;
    };
    const checks: [string, string[], (o: PluginContributions) => string[], readonly string[] | undefined][] = [
      ['tool', c.tools.map((t) => t.name), (o) => o.tools.map((t) => t.name), opts.reserved?.tools],
      ['method', c.methods.map((m) => m.name), (o) => o.methods.map((m) => m.name), opts.reserved?.methods],
      ['channel', c.channels.map((ch) => ch.id), (o) => o.channels.map((ch) => ch.id), opts.reserved?.channels],
      ['store', c.stores.map((s) => s.id), (o) => o.stores.map((s) => s.id), undefined],
    ];
    for (const [what, names, pick, reserved] of checks) {
      for (const name of names) {
        const by = owner(pick, name, reserved);
        if (by) return `${what} "${name}" is already registered by ${by}; disable one of the two (openclaw plugins disable ${id})`;
      }
    }
    return undefined;
  };

  const load = (slot: Slot, commitAfter: Promise<unknown> = Promise.resolve()): Promise<PluginRecord> => {
    const { candidate } = slot;
    const generation = slot.generation;
    const id = slot.record.id;
    const run = async (): Promise<PluginRecord> => {
      const entry = config.entries?.[id];
      const issues = validatePluginConfig(candidate.manifest!, entry?.config);
      if (issues.length > 0) {
        await commitAfter;
        const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
        setState(slot, 'failed', { error: `invalid settings: ${list}` });
        return slot.record;
      }
      const dataDir = pluginDataDir(opts.stateDir, id);
      const started = performance.now();
      let outcome: Awaited<ReturnType<PluginLoader>>;
      try {
        fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        const req: PluginLoadRequest = {
          candidate: candidate as PluginLoadRequest['candidate'],
          config: entry?.config ?? {},
          dataDir,
          guard: makeGuard(slot, generation),
          log: opts.log.child(id),
          attempt: slot.attempt++,
          onFailure: (reason) => {
            if (slot.generation === generation) fail(slot, reason);
          },
          onRestart: (reason) => {
            if (slot.generation !== generation) return;
            slot.record = { ...slot.record, restarts: slot.record.restarts + 1 };
            opts.log.warn('plugin process restarted', { plugin: id, reason });
            for (const l of listeners) l(slot.record, slot.record.state);
          },
        };
        outcome = await opts.loaders[slot.record.isolation](req);
      } catch (err) {
        outcome = { ok: false, error: errorMessage(err) };
      }
      const loadMs = Math.round((performance.now() - started) * 100) / 100;
      await commitAfter;
      if (slot.generation !== generation) {
        if (outcome.ok) await outcome.stop().catch(() => undefined);
        return slot.record;
      }
      if (!outcome.ok) {
        setState(slot, 'failed', { error: outcome.error, loadMs });
        return slot.record;
      }
      const conflict = conflictOf(id, outcome.contributions);
      if (conflict) {
        await outcome.stop().catch(() => undefined);
        setState(slot, 'failed', { error: conflict, loadMs });
        return slot.record;
      }
      slot.contributions = outcome.contributions;
      slot.stop = outcome.stop;
      setState(slot, 'loaded', { loadMs, callErrors: 0 });
      opts.log.info('plugin loaded', { plugin: id, loadMs, isolation: slot.record.isolation });
      return slot.record;
    };
    const p = run().finally(() => {
      if (slot.loading === p) slot.loading = undefined;
    });
    slot.loading = p;
    return p;
  };

  const fail = (slot: Slot, reason: string) => {
    void unload(slot);
    setState(slot, 'failed', { error: reason });
  };

  const slotOf = (id: string): Slot => {
    const slot = slots.get(id);
    if (!slot) throw new Error(`no plugin "${id}" (see openclaw plugins list)`);
    return slot;
  };

  const registry: PluginRegistry = {
    list: () => [...slots.values()].map((s) => ({ ...s.record })),
    get: (id) => (slots.has(id) ? { ...slots.get(id)!.record } : undefined),
    health(): PluginsHealth {
      const counts = { loaded: 0, failed: 0, disabled: 0, notLoaded: 0 };
      const failedCritical: PluginsHealth['failedCritical'] = [];
      for (const { record } of slots.values()) {
        if (record.state === 'not-loaded') counts.notLoaded++;
        else counts[record.state]++;
        if (record.state === 'failed' && record.critical) failedCritical.push({ id: record.id, error: record.error ?? 'failed' });
      }
      return { ok: failedCritical.length === 0, plugins: counts, failedCritical };
    },
    async ensureLoaded(id) {
      const slot = slotOf(id);
      if (slot.loading) return slot.loading;
      if (slot.record.state !== 'not-loaded') return { ...slot.record };
      return load(slot);
    },
    async loadEnabled(filter) {
      let chain: Promise<unknown> = Promise.resolve();
      const pending: Promise<PluginRecord>[] = [];
      for (const slot of slots.values()) {
        if (filter && !filter({ ...slot.record })) continue;
        let p: Promise<PluginRecord> | undefined = slot.loading;
        if (!p && slot.record.state === 'not-loaded') p = load(slot, chain);
        if (!p) continue;
        pending.push(p);
        chain = p.catch(() => undefined);
      }
      return Promise.all(pending);
    },
    async reload(id) {
      const slot = slotOf(id);
      if (!slot.candidate.manifest || !slot.record.enabled) return { ...slot.record };
      await unload(slot);
      const versionProblem = apiVersionProblem(slot.record.apiVersion);
      if (versionProblem) {
        setState(slot, 'failed', { error: versionProblem });
        return { ...slot.record };
      }
      setState(slot, 'not-loaded', { restarts: 0 });
      return load(slot);
    },
    async applyConfig(next) {
      config = next;
      for (const slot of slots.values()) {
        if (!slot.candidate.manifest) continue;
        const fresh = initialRecord(slot.candidate, next);
        const key = entryKey(next, slot.record.id);
        const changed = fresh.enabled !== slot.record.enabled || fresh.isolation !== slot.record.isolation || key !== slot.entryConfig;
        slot.entryConfig = key;
        if (!changed) continue;
        const wasActive = slot.record.state === 'loaded' || slot.loading !== undefined;
        await unload(slot);
        slot.record = { ...slot.record, enabled: fresh.enabled, reason: fresh.reason, isolation: fresh.isolation };
        setState(slot, fresh.state, fresh.error ? { error: fresh.error } : {});
        if (wasActive && fresh.state === 'not-loaded') await load(slot);
      }
    },
    async refresh(discovery) {
      const present = new Set(discovery.candidates.map((c) => c.rootDir));
      for (const [key, slot] of [...slots]) {
        if (present.has(slot.candidate.rootDir)) continue;
        await unload(slot);
        slots.delete(key);
      }
      const known = new Set([...slots.values()].map((s) => s.candidate.rootDir));
      for (const candidate of discovery.candidates) {
        if (known.has(candidate.rootDir)) continue;
        addSlot(candidate);
        const slot = [...slots.values()].find((s) => s.candidate === candidate)!;
        for (const l of listeners) l(slot.record, slot.record.state);
      }
    },
    fail(id, reason) {
      fail(slotOf(id), reason);
    },
    inProcessRoots() {
      const roots = new Map<string, string>();
      for (const s of loadedSlots()) if (s.record.isolation === 'inprocess') roots.set(s.record.id, s.record.rootDir);
      return roots;
    },
    tools: () => loadedSlots().flatMap((s) => s.contributions!.tools),
    methods: () => loadedSlots().flatMap((s) => s.contributions!.methods),
    routes: () => loadedSlots().flatMap((s) => s.contributions!.routes),
    webSocketRoutes: () => loadedSlots().flatMap((s) => s.contributions!.wsRoutes),
    channels: () => loadedSlots().flatMap((s) => s.contributions!.channels),
    hooks: <K extends PluginHookName>(name: K) => loadedSlots().flatMap((s) => s.contributions!.hooks.filter((h) => h.name === name)) as RegisteredHook<K>[],
    memory() {
      const chosen = config.slots?.memory;
      return loadedSlots().find((s) => s.record.id === chosen)?.contributions?.memory;
    },
    stores: () => loadedSlots().flatMap((s) => s.contributions!.stores),
    channelProviders() {
      const providers: ChannelProvider[] = [];
      for (const { candidate, record } of slots.values()) {
        if (!candidate.manifest) continue;
        for (const channelId of candidate.manifest.channels ?? []) {
          providers.push({ channelId, pluginId: record.id, manifest: candidate.manifest, enabled: record.enabled, ...(record.enabled ? {} : { reason: record.reason }) });
        }
      }
      return providers;
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async stop() {
      await Promise.all([...slots.values()].map((s) => unload(s)));
    },
  };
  return registry;
}

function entryKey(config: PluginsConfig, id: string): string {
  const entry = config.entries?.[id];
  return JSON.stringify({ config: entry?.config ?? null, isolation: entry?.isolation ?? null });
}

/** A record before any load: failed for unusable manifests and unsupported API versions, else by enablement. */
/** A plugin's record before any of its code ran: what the manifest and the config say (also the CLI's view with no gateway). */
export function initialRecord(candidate: PluginCandidate, config: PluginsConfig): PluginRecord {
  const m = candidate.manifest;
  const base = {
    id: candidate.id,
    name: m?.name ?? candidate.id,
    ...(m?.description ? { description: m.description } : {}),
    ...(m?.version ? { version: m.version } : {}),
    kind: candidate.kinds,
    channels: m?.channels ?? [],
    source: candidate.source,
    rootDir: candidate.rootDir,
    critical: m?.critical === true,
    apiVersion: m?.apiVersion ?? PLUGIN_API_VERSION,
    callErrors: 0,
    restarts: 0,
  };
  if (!m || candidate.problem) {
    const error = candidate.problem ? formatManifestProblem(candidate.problem) : 'manifest missing';
    return { ...base, enabled: false, reason: 'its manifest cannot be used', state: 'failed', error, isolation: 'inprocess' };
  }
  const decision: EnablementDecision = decideEnablement(candidate, config);
  const record: PluginRecord = { ...base, enabled: decision.enabled, reason: decision.reason, isolation: decision.isolation, state: decision.enabled ? 'not-loaded' : 'disabled' };
  const versionProblem = decision.enabled ? apiVersionProblem(base.apiVersion) : undefined;
  return versionProblem ? { ...record, state: 'failed', error: versionProblem } : record;
}
