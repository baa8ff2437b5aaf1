/**
 * The desktop app's main-process side of the gateway, as one module for bench/mainloop.mjs (bundled by
 * `bundleTs`, so the supervisor, the remote client and the CLI's connect share one copy of the client).
 */
export { createGatewayProcess, nodeForkSpawner } from '../src-main/app/gateway-process.js';
export { createRemoteClient } from '../src-main/app/remote-client.js';
export { connectCli } from '../src-main/cli/connect.js';
