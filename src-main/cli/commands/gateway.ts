import type { Command } from 'commander';
import { InstanceLockedError } from '../../gateway/instance-lock.js';
import { startGateway, StartupError } from '../../gateway/start.js';
import { ConfigError } from '../../config/errors.js';
import { CliError } from '../output.js';

export interface GatewayRunOptions {
  port?: string;
  bind?: string;
  host?: string;
  profile?: string;
}

/** `openclaw gateway`: run in the foreground until SIGINT/SIGTERM. */
export async function runGatewayForeground(opts: GatewayRunOptions): Promise<void> {
  const port = opts.port !== undefined ? Number(opts.port) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new CliError(`--port must be an integer 0..65535, got "${opts.port}"`);
  const bind = opts.bind as 'loopback' | 'lan' | 'tailnet' | 'custom' | undefined;
  if (bind && !['loopback', 'lan', 'tailnet', 'custom'].includes(bind)) throw new CliError(`--bind must be loopback, lan, tailnet or custom, got "${opts.bind}"`);
  // Signals are handled from the first moment: a stop during start-up waits for start-up, then closes.
  let stopRequested: string | undefined;
  let onStop: ((signal: string) => void) | undefined;
  const handler = (signal: string) => {
    if (stopRequested) process.exit(130);
    stopRequested = signal;
    onStop?.(signal);
  };
  process.once('SIGINT', () => handler('SIGINT'));
  process.once('SIGTERM', () => handler('SIGTERM'));
  let gw;
  try {
    gw = await startGateway({ port, bind, host: opts.host, profile: opts.profile, consoleLogs: true });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${err.message}\nFix the file (openclaw config validate shows the problems), then start again.`);
    if (err instanceof StartupError || err instanceof InstanceLockedError) throw new CliError(err.message);
    throw err;
  }
  const running = gw;
  await new Promise<void>((resolve) => {
    onStop = (signal) => void running.close(`received ${signal}`).then(resolve, resolve);
    if (stopRequested) onStop(stopRequested);
    else
      process.stdout.write(
        [
          `OpenClaw gateway listening on ${running.wsUrl} (pid ${process.pid})`,
          `Control UI: ${running.httpUrl}`,
          `Auth: ${running.authMode}${running.tokenPath ? ` (token in ${running.tokenPath})` : ''}`,
          ...(running.tlsFingerprint ? [`TLS fingerprint (SHA-256): ${running.tlsFingerprint}`] : []),
          `Config: ${running.configPath}`,
          '',
        ].join('\n'),
      );
  });
}

export function addGatewayRunOptions(cmd: Command): Command {
  return cmd
    .option('--port <port>', 'port for WS and HTTP (default 18789, or gateway.port / OPENCLAW_GATEWAY_PORT)')
    .option('--bind <mode>', 'loopback (default), lan, tailnet or custom')
    .option('--host <address>', 'listen on this exact address (overrides --bind)');
}
