/**
 * Entry of the gateway host process (built to out/node/gateway-host.js and out/main/gateway-host.js):
 * the desktop app forks it with Electron's `utilityProcess`, tests and benchmarks with `child_process.fork`.
 */
import { connectToParent, runGatewayHost } from './host-process.js';

const link = connectToParent();
if (!link) {
  process.stderr.write('the gateway host runs as a child of the OpenClaw app; run `openclaw gateway` for a headless gateway\n');
  process.exit(2);
}
runGatewayHost(link);
