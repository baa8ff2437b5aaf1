/**
 * The Nostr channel plugin: the assistant as a Nostr identity. Private
 * messages (NIP-17 gift wraps; NIP-04 for clients that still use it) are
 * direct messages; public chat channels (NIP-28) it is in are groups, where a
 * `p` tag of its key is a mention.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { NostrAdapter } from './adapter.js';
import { checkNostrConfig, resolveNostrSettings } from './settings.js';

const facts = channelFactsFromManifest(manifest, 'nostr');

/** What Nostr can do (from the manifest). */
export const NOSTR_CAPABILITIES = facts.capabilities;

/** The Nostr channel. */
export const nostrChannel = defineChannel({
  id: 'nostr',
  label: facts.label,
  capabilities: NOSTR_CAPABILITIES,
  checkConfig(config) {
    const reason = checkNostrConfig(config);
    return reason ? { ok: false, reason } : { ok: true };
  },
  create(_account, ctx) {
    const reason = checkNostrConfig(ctx.config);
    if (reason) {
      return {
        start: () => Promise.reject(new Error(reason)),
        stop: () => Promise.resolve(),
        send: () => Promise.reject(new Error(reason)),
      };
    }
    return new NostrAdapter(ctx, resolveNostrSettings(ctx.config, NOSTR_CAPABILITIES.livenessMs));
  },
});
