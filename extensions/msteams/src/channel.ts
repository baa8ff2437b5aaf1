/**
 * The Microsoft Teams channel plugin: an Azure Bot whose messaging endpoint
 * is a local listener (put it behind your own HTTPS reverse proxy or
 * tunnel); replies go through the Bot Connector REST API as the bot.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { TeamsAdapter } from './adapter.js';
import { checkTeamsConfig, resolveTeamsSettings } from './settings.js';

const facts = channelFactsFromManifest(manifest, 'msteams');

/** What msteams can do (from the manifest). */
export const MSTEAMS_CAPABILITIES = facts.capabilities;

/** The Microsoft Teams channel. */
export const msteamsChannel = defineChannel({
  id: 'msteams',
  label: facts.label,
  capabilities: MSTEAMS_CAPABILITIES,
  checkConfig(config) {
    const reason = checkTeamsConfig(config);
    return reason ? { ok: false, reason } : { ok: true };
  },
  create(_account, ctx) {
    const reason = checkTeamsConfig(ctx.config);
    if (reason) {
      return {
        start: () => Promise.reject(new Error(reason)),
        stop: () => Promise.resolve(),
        send: () => Promise.reject(new Error(reason)),
      };
    }
    return new TeamsAdapter(ctx, resolveTeamsSettings(ctx.config, MSTEAMS_CAPABILITIES.livenessMs));
  },
});
