import { callOnce, type GlobalOptions } from '../connect.js';
import { printJson } from '../output.js';

/** `openclaw system heartbeat last`: the last heartbeat outcome as the gateway returns it (`null` before the first). */
export async function heartbeatLast(opts: GlobalOptions): Promise<void> {
  printJson(await callOnce(opts, 'last-heartbeat', {}));
}

/** `openclaw system heartbeat enable|disable`: turns scheduled heartbeats on or off until the gateway restarts. */
export async function heartbeatSet(enabled: boolean, opts: GlobalOptions): Promise<void> {
  printJson(await callOnce(opts, 'set-heartbeats', { enabled }));
}
