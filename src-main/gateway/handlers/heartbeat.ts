import type { HeartbeatRunner } from '../../heartbeat/runner.js';
import type { Handlers } from '../dispatcher.js';

/** `last-heartbeat` and `set-heartbeats` (admin). */
export function heartbeatHandlers(runner: Pick<HeartbeatRunner, 'last' | 'setEnabled'>): Handlers {
  return {
    'last-heartbeat': () => runner.last(),
    'set-heartbeats': (params: { enabled: boolean }) => {
      runner.setEnabled(params.enabled);
      return { ok: true, enabled: params.enabled };
    },
  };
}
