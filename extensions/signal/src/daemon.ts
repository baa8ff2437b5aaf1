/**
 * Where signal-cli answers: a daemon the user runs (`httpUrl`, JSON-RPC over
 * HTTP with a server-sent event stream), or a child this account runs itself
 * in JSON-RPC stdio mode (`cliPath`, see stdio-rpc.ts), with its data in the
 * account's private folder.
 */
import { accessSync, constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';
import { SignalRpc, type SignalClient } from './rpc.js';
import { StdioSignalCli } from './stdio-rpc.js';

/** A reachable signal-cli and how to let go of it. */
export interface SignalDaemon {
  client: SignalClient;
  kind: 'external' | 'spawned';
  /** The child's process id, when spawned. */
  pid?: number;
  /** Resolves with the reason when a spawned child ends; never for an external daemon. */
  exited: Promise<Error>;
  /** Stops a child this account started; nothing for one given by `httpUrl`. */
  close(): Promise<void>;
}

/** Resolved settings of one account. */
export interface SignalSettings {
  /** From config, else from the last QR login; undefined before any. */
  account?: string;
  httpUrl?: string;
  cliPath: string;
  deviceName: string;
  livenessMs: number;
}

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Why `cliPath` cannot be run, in plain words; undefined when it can (a path, or a name found on PATH). */
export function cliPathProblem(cliPath: string, path = process.env.PATH ?? ''): string | undefined {
  const found = cliPath.includes('/') || isAbsolute(cliPath) ? executable(cliPath) : path.split(delimiter).some((dir) => dir && executable(join(dir, cliPath)));
  if (found) return undefined;
  return `signal-cli was not found at "${cliPath}"${cliPath.includes('/') ? '' : ' on the PATH'} (or is not executable). Install signal-cli, or set channels.signal.cliPath to it, or channels.signal.httpUrl to a running daemon.`;
}

/**
 * The signal-cli for these settings: the configured daemon, or a child
 * started now. With `account` the child runs for that account alone
 * (`-a <account> jsonRpc`); without, in multi-account mode (for linking).
 */
export async function openDaemon(settings: SignalSettings, dataDir: string, log: ChannelLogger, account: string | undefined): Promise<SignalDaemon> {
  if (settings.httpUrl) return { client: new SignalRpc(settings.httpUrl, account), kind: 'external', exited: new Promise(() => undefined), close: async () => {} };
  const configDir = join(dataDir, 'signal-cli');
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const cli = new StdioSignalCli(settings.cliPath, configDir, account, log);
  log.info('signal-cli started', { pid: cli.pid, mode: account ? 'single account' : 'linking' });
  return { client: cli, kind: 'spawned', ...(cli.pid ? { pid: cli.pid } : {}), exited: cli.exited, close: () => cli.close() };
}
