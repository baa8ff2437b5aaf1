import { EventListeners } from './listeners.js';
import { GatewayCallError, toGatewayCallError, type GatewayClient, type OpenClawBridge } from './types.js';

/**
 * Desktop transport over the preload bridge. The bridge answers `{ok, value}` / `{ok:false, error}`
 * and never throws; here that becomes a resolved value or a GatewayCallError.
 */
export function createIpcClient(bridge: OpenClawBridge): GatewayClient {
  const listeners = new EventListeners();
  const unsubscribeBridge = bridge.on('*', (payload, event) => listeners.emit(event, payload));
  return {
    transport: 'ipc',
    call: (async (method: string, params?: unknown): Promise<unknown> => {
      let result;
      try {
        result = await (bridge.call as (m: string, p?: unknown) => ReturnType<OpenClawBridge['call']>)(method, params);
      } catch (err) {
        throw toGatewayCallError(err);
      }
      if (!result.ok) throw new GatewayCallError(result.error);
      return result.value;
    }) as GatewayClient['call'],
    on: (event, fn) => listeners.add(event, fn),
    onClose: () => () => undefined,
    close() {
      unsubscribeBridge();
      listeners.clear();
    },
  };
}
