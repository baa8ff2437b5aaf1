import type { MemoryMethodName, MemoryMethodParams, MemoryMethodResult } from '../../../src-shared/protocol/methods/memory.js';
import type { GatewayClient } from '../../client/types.js';

/** Calls one of the memory plugin's methods (`<plugin>.<name>`), typed by the shared memory method schemas. */
export function callMemory<M extends MemoryMethodName>(client: GatewayClient, pluginId: string, name: M, params: MemoryMethodParams<M>): Promise<MemoryMethodResult<M>> {
  return client.call<MemoryMethodResult<M>>(`${pluginId}.${name}`, params);
}
