/**
 * The Twitch channel plugin: a bot account in Twitch chat rooms. Room
 * messages are group messages (the bot answers when @-mentioned, by
 * default); private messages to the bot, where the server delivers them, are
 * direct messages.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { TwitchAdapter } from './adapter.js';
import { checkTwitchConfig, resolveTwitchSettings } from './settings.js';

const facts = channelFactsFromManifest(manifest, 'twitch');

/** What Twitch can do (from the manifest). */
export const TWITCH_CAPABILITIES = facts.capabilities;

/** The Twitch channel. */
export const twitchChannel = defineChannel({
  id: 'twitch',
  label: facts.label,
  capabilities: TWITCH_CAPABILITIES,
  checkConfig(config) {
    const reason = checkTwitchConfig(config);
    return reason ? { ok: false, reason } : { ok: true };
  },
  create(_account, ctx) {
    const reason = checkTwitchConfig(ctx.config);
    if (reason) {
      return {
        start: () => Promise.reject(new Error(reason)),
        stop: () => Promise.resolve(),
        send: () => Promise.reject(new Error(reason)),
      };
    }
    return new TwitchAdapter(ctx, resolveTwitchSettings(ctx.config, TWITCH_CAPABILITIES.livenessMs));
  },
});
