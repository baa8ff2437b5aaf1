/**
 * Keeps the tray's pending approvals in step with the gateway through the app's gateway client, and
 * carries out approve/reject. No Electron here: `main.ts` passes what to do on a change and on
 * news, so this runs, and is tested, under plain Node against a real gateway.
 */
import type { MethodResult } from '../../src-shared/protocol/index.js';
import type { LocalClient } from '../gateway/start.js';
import { ApprovalsTracker, decisionCall, type Decision, type PendingApproval } from './approvals-model.js';

const EVENTS = new Set(['pairing', 'device.pair.requested', 'device.pair.resolved', 'node.pair.requested', 'node.pair.resolved']);
/** Events come in bursts (a request, then its resolution); one reload per burst. */
const RELOAD_DEBOUNCE_MS = 250;

export interface ApprovalsControllerDeps {
  client: Pick<LocalClient, 'call' | 'onEvent'>;
  /** The pending list changed (new, resolved or expired request). */
  onChange(pending: PendingApproval[]): void;
  /** A new request arrived: show a notification. */
  onAnnounce(approval: PendingApproval): void;
  onError?(message: string, err: unknown): void;
  now?: () => number;
}

export interface ApprovalsController {
  /** Subscribe and load the current lists (announcing nothing already pending). */
  start(): Promise<void>;
  /** Reload the lists from the gateway. */
  refresh(): Promise<void>;
  pending(): PendingApproval[];
  /** Approve or reject a pending request by key; the message says what went wrong. */
  decide(key: string, decision: Decision): Promise<{ ok: true } | { ok: false; message: string }>;
  stop(): void;
}

export function createApprovalsController(deps: ApprovalsControllerDeps): ApprovalsController {
  const tracker = new ApprovalsTracker(deps.now);
  let off: (() => void) | undefined;
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const changed = () => {
    if (stopped) return;
    deps.onChange(tracker.pending());
    // Requests expire without an event: drop each from the tray when its time is up.
    clearTimeout(expiryTimer);
    const next = tracker.nextExpiryMs();
    if (next !== undefined) expiryTimer = setTimeout(changed, Math.max(0, next - (deps.now?.() ?? Date.now())) + 5);
  };

  const call = async <T>(method: string, params: unknown): Promise<T> => {
    const r = await deps.client.call(method, params);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value as T;
  };

  const refresh = async () => {
    try {
      const [senders, devices, nodeCommands, channels] = await Promise.all([
        call<MethodResult<'channels.pairing.list'>>('channels.pairing.list', {}),
        call<MethodResult<'device.pair.list'>>('device.pair.list', {}),
        call<MethodResult<'node.pair.list'>>('node.pair.list', {}),
        call<MethodResult<'channels.status'>>('channels.status', {}),
      ]);
      if (stopped) return;
      tracker.load({ senders: senders.requests, devices: devices.pending, nodeCommands: nodeCommands.pending, channelLabels: channels.channelLabels });
      changed();
    } catch (err) {
      deps.onError?.('could not load pending approvals', err);
    }
  };

  return {
    async start() {
      off = deps.client.onEvent((event, payload) => {
        if (!EVENTS.has(event) || stopped) return;
        const r = tracker.onEvent(event, payload);
        if (r.announce) deps.onAnnounce(r.announce);
        if (r.changed) changed();
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => void refresh(), RELOAD_DEBOUNCE_MS);
      });
      await refresh();
    },
    refresh,
    pending: () => tracker.pending(),
    async decide(key, decision) {
      const a = tracker.get(key);
      if (!a) return { ok: false, message: 'That request is no longer pending (it was answered elsewhere or expired).' };
      const { method, params } = decisionCall(a, decision);
      try {
        await call(method, params);
        return { ok: true };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      } finally {
        await refresh();
      }
    },
    stop() {
      stopped = true;
      off?.();
      clearTimeout(reloadTimer);
      clearTimeout(expiryTimer);
    },
  };
}
