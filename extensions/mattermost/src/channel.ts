/**
 * The Mattermost channel plugin: a bot account on any Mattermost server.
 * Config keys: `serverUrl`, `botToken` (secret), plus the shared ones
 * (`livenessMs`, access policy).
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { MattermostAdapter, type MattermostSettings } from './adapter.js';

const facts = channelFactsFromManifest(manifest, 'mattermost');

/** What Mattermost can do (from the manifest). */
export const MATTERMOST_CAPABILITIES = facts.capabilities;

function configProblem(config: Record<string, unknown>): string | undefined {
  const url = config.serverUrl ?? config.apiRoot;
  if (typeof url !== 'string' || !url.trim()) return 'Set channels.mattermost.serverUrl to your Mattermost site URL, e.g. https://chat.example.com.';
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) return 'channels.mattermost.serverUrl must be an http:// or https:// URL.';
  if (typeof config.botToken !== 'string' || !config.botToken.trim()) {
    return 'Set channels.mattermost.botToken to a bot access token (System Console → Integrations → Bot Accounts → your bot → Create New Token).';
  }
  return undefined;
}

function resolveSettings(config: Record<string, unknown>): MattermostSettings {
  return {
    serverUrl: String(config.serverUrl ?? config.apiRoot).trim(),
    botToken: String(config.botToken).trim(),
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : MATTERMOST_CAPABILITIES.livenessMs,
  };
}

/** The Mattermost channel. */
export const mattermostChannel = defineChannel({
  id: 'mattermost',
  label: facts.label,
  capabilities: MATTERMOST_CAPABILITIES,
  checkConfig(config) {
    const problem = configProblem(config);
    return problem ? { ok: false, reason: problem } : { ok: true };
  },
  create(_account, ctx) {
    const problem = configProblem(ctx.config);
    if (problem) {
      return {
        start: () => Promise.reject(new Error(problem)),
        stop: () => Promise.resolve(),
        send: () => Promise.reject(new Error(problem)),
      };
    }
    return new MattermostAdapter(ctx, resolveSettings(ctx.config));
  },
});
