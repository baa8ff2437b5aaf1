/**
 * A gateway bound beyond loopback without leaving the machine: it runs in a private network namespace
 * (`unshare -n`, only `lo` up), so `--bind lan` listens on 0.0.0.0 of a namespace nobody else can reach.
 * Probes run inside the same namespace through `nsenter`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { CLI_BIN, untilListening, type SpawnedGateway } from './gateway.js';

/** Why a private network namespace cannot be made here, or undefined when it can. */
export function netnsUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (r.error) return `unshare is not available: ${r.error.message}`;
  if (r.status !== 0) return `unshare -n failed (needs root or user namespaces): ${r.stderr.trim()}`;
  return undefined;
}

export interface NetnsGateway extends SpawnedGateway {
  /** Run the CLI inside the gateway's namespace. */
  cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Run `node -e <script>` inside the gateway's namespace. */
  node(script: string, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export async function spawnGatewayInNetns(env: NodeJS.ProcessEnv, args: string[] = []): Promise<NetnsGateway> {
  const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, CLI_BIN, 'gateway', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = await untilListening(child);
  const inNs = async (argv: string[], runEnv: NodeJS.ProcessEnv) => {
    const p = spawn('nsenter', ['-t', String(child.pid), '-n', process.execPath, ...argv], { env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const [code] = (await once(p, 'close')) as [number | null];
    return { code, stdout, stderr };
  };
  return {
    ...started,
    cli: (cliArgs, runEnv) => inNs([CLI_BIN, ...cliArgs], runEnv),
    node: (script, runEnv = { PATH: process.env.PATH }) => inNs(['--input-type=module', '-e', script], runEnv),
  };
}
