import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNEL_SHARED_KEYS, OpenClawConfigSchema } from '../../../src-shared/domain/config-schema.js';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { editConfigFile, parseConfigText, readConfigText, setChannelIdsChecker } from '../../config/index.js';
import { discoverPlugins } from '../../plugins/discovery.js';
import { diagnosePlugins, type DoctorFinding } from '../../plugins/doctor.js';
import { configSchemaWithChannels } from '../../plugins/plugin-config.js';
import { initialRecord } from '../../plugins/registry.js';
import { installPlugin, uninstallPlugin } from '../../plugins/install.js';
import { staticChannelChecker, staticChannelProviders } from '../../plugins/static-check.js';
import type { PluginRecord, PluginsConfig } from '../../plugins/types.js';
import { connectCli, type GlobalOptions } from '../connect.js';
import { resolveConfigPaths } from '../../config/paths.js';
import { GatewayCallError, GatewayConnectionError, type GatewayClient } from '../gateway-client.js';
import { CliError, printJson } from '../output.js';
import { table } from './devices.js';

type Opts = GlobalOptions & { json?: boolean };
type WireRecord = MethodResult<'plugins.list'>['plugins'][number];
type Info = MethodResult<'plugins.info'>;

/** The app's own `extensions/` folder: next to `out/` in a checkout and in the packaged app. */
export function bundledExtensionsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'extensions');
}


function localContext(opts: Opts) {
  const paths = resolveConfigPaths({ profile: opts.profile });
  const parsed = parseConfigText(readConfigText(paths.configPath));
  const config = parsed.ok ? (parsed.value as { plugins?: PluginsConfig; channels?: Record<string, unknown> }) : {};
  return { paths, plugins: config.plugins ?? {}, channels: config.channels, bundledDir: bundledExtensionsDir() };
}

/**
 * Makes `config set channels.<plugin channel>.…` check the plugin's own schema when the CLI edits the file
 * itself: the manifests are read, no plugin code runs.
 */
export function installCliChannelChecker(opts: Opts): void {
  const ctx = localContext(opts);
  setChannelIdsChecker(staticChannelChecker({ stateDir: ctx.paths.stateDir, bundledDir: ctx.bundledDir, plugins: ctx.plugins, sharedKeys: CHANNEL_SHARED_KEYS }));
}

/** The config JSON Schema with every channel's settings, as the manifests declare them (no gateway needed). */
export function cliConfigSchema(opts: Opts): unknown {
  const ctx = localContext(opts);
  const providers = staticChannelProviders({ stateDir: ctx.paths.stateDir, bundledDir: ctx.bundledDir, plugins: ctx.plugins });
  return configSchemaWithChannels(JSON.parse(JSON.stringify(OpenClawConfigSchema)) as Record<string, unknown>, providers, { sharedKeys: CHANNEL_SHARED_KEYS });
}

/** The running gateway, or undefined when none answers (the CLI then works on the files itself). */
async function tryGateway(opts: Opts): Promise<GatewayClient | undefined> {
  try {
    return await connectCli(opts);
  } catch (err) {
    if (err instanceof CliError && /is the gateway running\?/.test(err.message)) return undefined;
    throw err;
  }
}

async function withGateway<T>(opts: Opts, online: (c: GatewayClient) => Promise<T>, offline: () => T | Promise<T>): Promise<T> {
  const client = await tryGateway(opts);
  if (!client) return offline();
  try {
    return await online(client);
  } catch (err) {
    if (err instanceof GatewayCallError) throw new CliError(`${err.method ?? 'call'} failed: ${err.message}${err.detailCode ? ` [${err.detailCode}]` : ''}`);
    if (err instanceof GatewayConnectionError) return offline();
    throw err;
  } finally {
    client.close();
  }
}

/** What the files say when no gateway runs: nothing is loaded, so the state is `not-loaded`, `disabled` or `failed`. */
function offlineRecords(opts: Opts): PluginRecord[] {
  const ctx = localContext(opts);
  const { candidates } = discoverPlugins({ bundledDir: ctx.bundledDir, stateDir: ctx.paths.stateDir, paths: ctx.plugins.load?.paths ?? [] });
  return candidates.map((c) => initialRecord(c, ctx.plugins));
}

function printRecords(records: readonly WireRecord[], live: boolean): void {
  if (!records.length) return void process.stdout.write('No plugins found. Install one with: openclaw plugins install <folder | .tgz | npm package>\n');
  process.stdout.write(
    table(
      ['ID', 'KIND', 'VERSION', 'SOURCE', 'ENABLED', 'STATE', 'LOAD MS', 'ERROR'],
      records.map((r) => [r.id, r.kind.join(','), r.version ?? '', r.source, r.enabled ? 'yes' : 'no', r.state, r.loadMs === undefined ? '' : r.loadMs.toFixed(1), r.error ?? r.lastCallError ?? '']),
    ),
  );
  if (!live) process.stdout.write('(no gateway running: states are what the files say; nothing is loaded)\n');
}

/** `openclaw plugins list [--json]`. */
export async function pluginsList(opts: Opts): Promise<void> {
  const out = await withGateway<{ live: boolean; plugins: WireRecord[] }>(
    opts,
    async (c) => ({ live: true, ...(await c.call<MethodResult<'plugins.list'>>('plugins.list', {})) }),
    () => ({ live: false, plugins: offlineRecords(opts) }),
  );
  if (opts.json) return printJson(out);
  printRecords(out.plugins, out.live);
}

/** `openclaw plugins info <id>`. */
export async function pluginsInfo(id: string, opts: Opts): Promise<void> {
  const info = await withGateway<Info>(
    opts,
    (c) => c.call<Info>('plugins.info', { id }),
    () => {
      const plugin = offlineRecords(opts).find((r) => r.id === id);
      if (!plugin) throw new CliError(`unknown plugin "${id}" (openclaw plugins list shows what is installed)`);
      return { plugin, manifest: null, config: null };
    },
  );
  if (opts.json) return printJson(info);
  const p = info.plugin;
  const lines = [
    `${p.name} (${p.id})${p.version ? ` ${p.version}` : ''}`,
    p.description ?? '',
    `kind: ${p.kind.join(', ')}${p.channels.length ? `; channels: ${p.channels.join(', ')}` : ''}`,
    `source: ${p.source} (${p.rootDir})`,
    `enabled: ${p.enabled ? 'yes' : 'no'} (${p.reason}); state: ${p.state}${p.loadMs !== undefined ? `, loaded in ${p.loadMs.toFixed(1)} ms` : ''}; isolation: ${p.isolation}${p.critical ? '; critical (turns refuse while it is failed)' : ''}`,
    p.error ? `error: ${p.error}` : '',
    p.callErrors ? `failed calls: ${p.callErrors} (last: ${p.lastCallError})` : '',
    p.restarts ? `restarts after crashes: ${p.restarts}` : '',
    (info.manifest as { permissions?: unknown } | null)?.permissions ? `permissions: ${JSON.stringify((info.manifest as { permissions?: unknown }).permissions)}` : '',
  ];
  process.stdout.write(lines.filter(Boolean).join('\n') + '\n');
}

/** `openclaw plugins install <folder | .tgz | npm package>`: checked before it is put in place; a running gateway picks it up at once. */
export async function pluginsInstall(spec: string, opts: Opts & { force?: boolean }): Promise<void> {
  const ctx = localContext(opts);
  const bundledIds = discoverPlugins({ bundledDir: ctx.bundledDir }).candidates.map((c) => c.id);
  const result = await installPlugin({ stateDir: ctx.paths.stateDir, spec, bundledIds, replace: opts.force === true });
  if (!result.ok) throw new CliError(`install failed: ${result.error}`);
  const refreshed = await withGateway(
    opts,
    async (c) => (await c.call<MethodResult<'plugins.refresh'>>('plugins.refresh', {})).plugins.find((r) => r.id === result.id),
    () => undefined,
  );
  if (opts.json) return printJson({ ...result, plugin: refreshed ?? null });
  process.stdout.write(`Installed ${result.id}${result.version ? ` ${result.version}` : ''} in ${result.dir}.\n`);
  if (refreshed) process.stdout.write(`The gateway sees it: ${refreshed.enabled ? 'enabled' : 'disabled'}, ${refreshed.state}${refreshed.error ? ` (${refreshed.error})` : ''}.\n`);
  else process.stdout.write('It loads when the gateway starts.\n');
}

/** `openclaw plugins uninstall <id> [--purge]`. */
export async function pluginsUninstall(id: string, opts: Opts & { purge?: boolean }): Promise<void> {
  const ctx = localContext(opts);
  const r = uninstallPlugin({ stateDir: ctx.paths.stateDir, id, purgeData: opts.purge === true });
  if (!r.ok) throw new CliError(`uninstall failed: ${r.error}`);
  await withGateway(opts, (c) => c.call('plugins.refresh', {}), () => undefined);
  if (opts.json) return printJson(r);
  process.stdout.write(`Removed ${id}${r.dataRemoved ? ' and its data' : ' (its data is kept; --purge removes it)'}.\n`);
}

/** `openclaw plugins enable|disable <id>`: through the gateway when one runs (applied at once), else in the config file. */
export async function pluginsSetEnabled(id: string, enabled: boolean, opts: Opts): Promise<void> {
  const record = await withGateway(
    opts,
    async (c) => (await c.call<MethodResult<'plugins.enable'>>(enabled ? 'plugins.enable' : 'plugins.disable', { id })).plugin,
    () => {
      if (!offlineRecords(opts).some((r) => r.id === id)) throw new CliError(`unknown plugin "${id}" (openclaw plugins list shows what is installed)`);
      const paths = resolveConfigPaths({ profile: opts.profile });
      editConfigFile(paths.configPath, process.env, (c) => {
        const plugins = { ...c.plugins, entries: { ...c.plugins?.entries, [id]: { ...c.plugins?.entries?.[id], enabled } } };
        if (enabled && plugins.deny?.includes(id)) plugins.deny = plugins.deny.filter((d) => d !== id);
        return { ...c, plugins };
      }, { legacyConfigPath: paths.legacyConfigPath });
      return undefined;
    },
  );
  if (opts.json) return printJson({ ok: true, plugin: record ?? null });
  process.stdout.write(`${enabled ? 'Enabled' : 'Disabled'} ${id}${record ? `: ${record.state}${record.error ? ` (${record.error})` : ''}` : ' (applies when the gateway starts)'}.\n`);
}

/** `openclaw plugins doctor`: every problem in plain words, with the fix; exit 1 when one is an error. */
export async function pluginsDoctor(opts: Opts): Promise<void> {
  const findings = await withGateway(
    opts,
    async (c) => (await c.call<MethodResult<'plugins.doctor'>>('plugins.doctor', {})).findings as DoctorFinding[],
    () => {
      const ctx = localContext(opts);
      const discovery = discoverPlugins({ bundledDir: ctx.bundledDir, stateDir: ctx.paths.stateDir, paths: ctx.plugins.load?.paths ?? [] });
      const providers = staticChannelProviders({ stateDir: ctx.paths.stateDir, bundledDir: ctx.bundledDir, plugins: ctx.plugins });
      return diagnosePlugins({ discovery, records: offlineRecords(opts), config: ctx.plugins, channels: ctx.channels, providers, sharedKeys: CHANNEL_SHARED_KEYS });
    },
  );
  const ok = !findings.some((f) => f.severity === 'error');
  if (opts.json) printJson({ ok, findings });
  else if (!findings.length) process.stdout.write('No plugin problems found.\n');
  else for (const f of findings) process.stdout.write(`${f.severity.toUpperCase()}${f.pluginId ? ` ${f.pluginId}` : ''}: ${f.problem}\n  fix: ${f.fix}\n`);
  if (!ok) throw new CliError('', 1);
}
