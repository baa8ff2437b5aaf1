/**
 * The Google Chat channel plugin: a Chat app reached over HTTP. Chat posts
 * events to a local endpoint (put it behind your own HTTPS reverse proxy or
 * tunnel); replies go through the Chat REST API as the app's service account.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { GoogleChatAdapter } from './adapter.js';
import { checkGoogleChatConfig, resolveGoogleChatSettings } from './settings.js';

const facts = channelFactsFromManifest(manifest, 'googlechat');

/** What googlechat can do (from the manifest). */
export const GOOGLECHAT_CAPABILITIES = facts.capabilities;

/** The Google Chat channel. */
export const googlechatChannel = defineChannel({
  id: 'googlechat',
  label: facts.label,
  capabilities: GOOGLECHAT_CAPABILITIES,
  checkConfig(config) {
    const reason = checkGoogleChatConfig(config);
    return reason ? { ok: false, reason } : { ok: true };
  },
  create(_account, ctx) {
    const reason = checkGoogleChatConfig(ctx.config);
    if (reason) {
      // Refusing to run unverified: anyone who finds the endpoint could speak as any user.
      return {
        start: () => Promise.reject(new Error(reason)),
        stop: () => Promise.resolve(),
        send: () => Promise.reject(new Error(reason)),
      };
    }
    return new GoogleChatAdapter(ctx, resolveGoogleChatSettings(ctx.config, GOOGLECHAT_CAPABILITIES.livenessMs));
  },
});
