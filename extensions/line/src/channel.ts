/**
 * The LINE channel plugin: a LINE Official Account's Messaging API channel.
 * LINE posts webhooks to a local endpoint (put it behind your own HTTPS
 * reverse proxy or tunnel and set it as the Webhook URL in the console);
 * answers go out as replies or pushes with the channel access token.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { LineAdapter } from './adapter.js';
import { checkLineConfig, resolveLineSettings } from './settings.js';

const facts = channelFactsFromManifest(manifest, 'line');

/** What LINE can do (from the manifest). */
export const LINE_CAPABILITIES = facts.capabilities;

/** The LINE channel. */
export const lineChannel = defineChannel({
  id: 'line',
  label: facts.label,
  capabilities: LINE_CAPABILITIES,
  checkConfig(config) {
    const reason = checkLineConfig(config);
    return reason ? { ok: false, reason } : { ok: true };
  },
  create(_account, ctx) {
    const reason = checkLineConfig(ctx.config);
    if (reason) {
      return {
        start: () => Promise.reject(new Error(reason)),
        stop: () => Promise.resolve(),
        send: () => Promise.reject(new Error(reason)),
      };
    }
    return new LineAdapter(ctx, resolveLineSettings(ctx.config, LINE_CAPABILITIES.livenessMs));
  },
});
