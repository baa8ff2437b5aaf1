/**
 * The Discord channel plugin: a bot account through discord.js (gateway for
 * inbound, REST for sends). Config keys: `token` (secret), `apiRoot`,
 * `gatewayUrl`, `livenessMs`.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { DiscordAdapter, type DiscordSettings } from './adapter.js';

const facts = channelFactsFromManifest(manifest, 'discord');

/** What discord can do (from the manifest). */
export const DISCORD_CAPABILITIES = facts.capabilities;

function configProblem(config: Record<string, unknown>): string | undefined {
  if (typeof config.token !== 'string' || !config.token.trim()) {
    return 'Set channels.discord.token to your bot token (Discord Developer Portal → your application → Bot → Reset Token).';
  }
  for (const key of ['apiRoot', 'gatewayUrl'] as const) {
    const v = config[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !URL.canParse(v)) return `channels.discord.${key} must be a URL.`;
  }
  if (typeof config.gatewayUrl === 'string' && !/^wss?:\/\//.test(config.gatewayUrl)) return 'channels.discord.gatewayUrl must start with wss:// or ws://.';
  if (config.livenessMs !== undefined && (typeof config.livenessMs !== 'number' || !(config.livenessMs > 0))) {
    return 'channels.discord.livenessMs must be a positive number of milliseconds.';
  }
  return undefined;
}

function resolveSettings(config: Record<string, unknown>): DiscordSettings {
  return {
    // discord.js strips a "Bot " prefix itself; trim stray whitespace from pasting.
    token: typeof config.token === 'string' ? config.token.trim() : '',
    apiRoot: typeof config.apiRoot === 'string' ? config.apiRoot : undefined,
    gatewayUrl: typeof config.gatewayUrl === 'string' ? config.gatewayUrl : undefined,
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : DISCORD_CAPABILITIES.livenessMs,
    textLimit: DISCORD_CAPABILITIES.textLimit,
  };
}

/** The Discord channel. */
export const discordChannel = defineChannel({
  id: 'discord',
  label: facts.label,
  capabilities: DISCORD_CAPABILITIES,
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
    return new DiscordAdapter(ctx, resolveSettings(ctx.config));
  },
});
