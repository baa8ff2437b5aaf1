import type { MethodResult, PresenceEntry } from '../../../src-shared/protocol/index.js';
import type { Handlers } from '../dispatcher.js';
import { hasScope } from '../../../src-shared/protocol/index.js';

export interface SystemHandlerDeps {
  health(): MethodResult<'health'>;
  status(includeHost: boolean): MethodResult<'status'>;
  presence(): PresenceEntry[];
}

/** `health`, `status`, `system-presence`. Host details in `status` are for admins only. */
export function systemHandlers(deps: SystemHandlerDeps): Handlers {
  return {
    health: () => deps.health(),
    status: (_params, ctx) => deps.status(hasScope(ctx.scopes, 'operator.admin')),
    'system-presence': () => deps.presence(),
  };
}
