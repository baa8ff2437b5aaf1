/**
 * Runs plugin hooks around agent turns. A hook that throws or times out is
 * logged and counted on its plugin's record (by the call guard); for
 * `before_tool_call` the failure of a critical plugin's hook blocks the call,
 * and so does any critical plugin in state `failed`: a failed security plugin
 * fails closed. Critical plugins are loaded before the first check, so a
 * lazy load never opens a window without them.
 */
import type { AfterReplyEvent, BeforeAgentEvent, BeforeToolCallEvent } from '../../src-shared/plugin/api.js';
import { errorMessage } from './errors.js';
import type { PluginRegistry } from './plugin-registry.js';

/** The verdict of `before_tool_call`. */
export type ToolCallVerdict = { block: false } | { block: true; reason: string; pluginId?: string };

/** Hook entry points for the agent runtime. */
export interface HookRunner {
  /** Context strings to put before the user's message, in plugin order. */
  beforeAgent(event: BeforeAgentEvent): Promise<string[]>;
  beforeToolCall(event: BeforeToolCallEvent): Promise<ToolCallVerdict>;
  afterReply(event: AfterReplyEvent): Promise<void>;
}

/** The smallest logger the runner needs. */
interface WarnLog {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Creates the runner over a registry. */
export function createHookRunner(registry: Pick<PluginRegistry, 'hooks' | 'health' | 'list' | 'ensureLoaded'>, log: WarnLog): HookRunner {
  const loadCritical = async () => {
    const pending = registry.list().filter((r) => r.critical && r.enabled && r.state === 'not-loaded');
    await Promise.all(pending.map((r) => registry.ensureLoaded(r.id)));
  };
  return {
    async beforeAgent(event) {
      const out: string[] = [];
      for (const hook of registry.hooks('before_agent')) {
        try {
          const result = await hook.run(event);
          if (result && typeof result.prependContext === 'string' && result.prependContext !== '') out.push(result.prependContext);
        } catch (err) {
          log.warn('before_agent hook failed; turn goes on without it', { plugin: hook.pluginId, error: errorMessage(err) });
        }
      }
      return out;
    },
    async beforeToolCall(event) {
      await loadCritical();
      const failed = registry.health().failedCritical[0];
      if (failed) return { block: true, reason: `critical plugin "${failed.id}" failed (${failed.error}); tool calls are refused until it is fixed`, pluginId: failed.id };
      for (const hook of registry.hooks('before_tool_call')) {
        try {
          const result = await hook.run(event);
          if (result && result.block === true) return { block: true, reason: String(result.reason || `blocked by plugin "${hook.pluginId}"`), pluginId: hook.pluginId };
        } catch (err) {
          if (hook.critical) return { block: true, reason: `critical plugin "${hook.pluginId}" could not check this call: ${errorMessage(err)}`, pluginId: hook.pluginId };
          log.warn('before_tool_call hook failed; not a critical plugin, so the call goes on', { plugin: hook.pluginId, error: errorMessage(err) });
        }
      }
      return { block: false };
    },
    async afterReply(event) {
      await Promise.all(
        registry.hooks('after_reply').map((hook) =>
          hook.run(event).catch((err: unknown) => log.warn('after_reply hook failed', { plugin: hook.pluginId, error: errorMessage(err) })),
        ),
      );
    },
  };
}
