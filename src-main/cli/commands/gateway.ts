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
  let gw;
  try {
    gw = await startGateway({ port, bind, host: opts.host, profile: opts.profile, consoleLogs: true });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${err.message}\nFix the file (openclaw config validate shows the problems), then start again.`);
    if (err instanceof StartupError || err instanceof InstanceLockedError) throw new CliError(err.message);
    throw err;
  }
  process.stdout.write(
    [
      `OpenClaw gateway listening on ${gw.wsUrl} (pid ${process.pid})`,
      `Control UI: ${gw.httpUrl}`,
      `Auth: ${gw.authMode}${gw.tokenPath ? ` (token in ${gw.tokenPath})` : ''}`,
      `Config: ${gw.configPath}`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        process.exit(130);
      }
      stopping = true;
      void gw.close(`received ${signal}`).then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

export function addGatewayRunOptions(cmd: Command): Command {
  return cmd
    .option('--port <port>', 'port for WS and HTTP (default 18789, or gateway.port / OPENCLAW_GATEWAY_PORT)')
    .option('--bind <mode>', 'loopback (default), lan, tailnet or custom')
    .option('--host <address>', 'listen on this exact address (overrides --bind)');
}
