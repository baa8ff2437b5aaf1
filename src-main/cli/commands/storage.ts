import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../config/index.js';
import { readLiveGateway } from '../../gateway/instance-lock.js';
import { openStateStore } from '../../gateway/startup.js';
import { transferStore, type TableCount } from '../../store/transfer.js';
import { resolveTarget, type GlobalOptions } from '../connect.js';
import { CliError, printJson } from '../output.js';

type Opts = GlobalOptions & { from?: string; to?: string; toUrl?: string; json?: boolean };

const BACKENDS = ['sqlite', 'postgres'];

/**
 * `openclaw storage migrate --from sqlite --to postgres`: copies every table of this install's state
 * database into the other backend (read from config, or `--to-url` for postgres), which must be empty, and
 * verifies the row counts. The gateway must be stopped; the source is only read.
 */
export async function storageMigrate(opts: Opts): Promise<void> {
  const from = opts.from ?? 'sqlite';
  const to = opts.to ?? 'postgres';
  for (const b of [from, to]) if (!BACKENDS.includes(b)) throw new CliError(`unknown storage backend "${b}": use ${BACKENDS.join(' or ')}`, 2);
  if (from === to) throw new CliError('--from and --to name the same backend', 2);
  const { paths } = resolveTarget(opts);
  const running = readLiveGateway(paths.stateDir);
  if (running) throw new CliError(`a gateway is running on this state (pid ${running.pid}); stop it first, so nothing changes during the copy`, 1);
  const loaded = loadConfigFile(paths.configPath);
  if (!loaded.ok) throw new CliError(loaded.error.message, 1);
  const cfg = loaded.resolved;
  const storageFor = (backend: string) => {
    const storage: Record<string, unknown> = { ...((cfg.storage ?? {}) as Record<string, unknown>), backend };
    if (backend === 'postgres' && opts.toUrl) storage.postgres = { ...((storage.postgres as object | undefined) ?? {}), url: opts.toUrl };
    if (backend === 'postgres' && !storage.postgres) throw new CliError('no PostgreSQL to copy to: set storage.postgres.url (openclaw config set storage.postgres.url …) or pass --to-url', 2);
    return { ...cfg, storage } as typeof cfg;
  };
  // The same root the gateway finds its bundled plugins under (the CLI and the gateway are one bundle).
  const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const open = (backend: string) => openStateStore({ stateDir: paths.stateDir, packageRoot, config: storageFor(backend) }, { onHealthChange: () => undefined, onFail: () => undefined });
  const source = await open(from).catch((err: unknown) => {
    throw new CliError(`cannot open the ${from} store: ${(err as Error).message}`, 1);
  });
  try {
    const destination = await open(to).catch((err: unknown) => {
      throw new CliError(`cannot open the ${to} store: ${(err as Error).message}`, 1);
    });
    try {
      let counts: TableCount[];
      try {
        counts = await transferStore(source.store, destination.store, { onTable: (table, rows) => !opts.json && process.stderr.write(`  ${table}: ${rows} rows\n`) });
      } catch (err) {
        throw new CliError(`nothing was changed in ${from}: ${(err as Error).message}`, 1);
      }
      const total = counts.reduce((n, c) => n + c.source, 0);
      if (opts.json) printJson({ ok: true, from: { backend: from, path: source.store.path }, to: { backend: to, path: destination.store.path }, tables: counts });
      else {
        const lines = [`Copied ${total} rows in ${counts.length} tables from ${from} (${source.store.path}) to ${to} (${destination.store.path}); every count matches.`];
        if ((cfg.storage?.backend ?? 'sqlite') !== to) lines.push(`The gateway still uses ${cfg.storage?.backend ?? 'sqlite'}: run \`openclaw config set storage.backend ${to}\` before starting it.`);
        process.stdout.write(lines.join('\n') + '\n');
      }
    } finally {
      destination.dispose();
      await destination.store.close();
    }
  } finally {
    source.dispose();
    await source.store.close();
  }
}
