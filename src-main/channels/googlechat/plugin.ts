/**
 * The Google Chat channel plugin: a Chat app reached over HTTP. Chat posts
 * events to a local endpoint (put it behind your own HTTPS reverse proxy or
 * tunnel); replies go through the Chat REST API as the app's service account.
 */
import type { ChannelCapabilities, ChannelPlugin } from '../../../src-shared/domain/channel.js';
import { GoogleChatAdapter } from './adapter.js';
import { checkGoogleChatConfig, resolveGoogleChatSettings } from './settings.js';

/** What Google Chat can do. */
export const GOOGLECHAT_CAPABILITIES: ChannelCapabilities = {
  // Chat's limit for a message's text.
  textLimit: 4096,
  // Chat's own markup is *bold*, _italic_, ~strike~, `code` and ``` blocks: the same marks WhatsApp uses,
  // so core's WhatsApp conversion renders correctly; Markdown's **bold** and [text](url) would show literally.
  format: 'whatsapp',
  // Posting media needs an upload or cards; links in text work without.
  media: false,
  threads: true,
  livenessMs: 60_000,
};

/** The Google Chat plugin. */
export const googlechatPlugin: ChannelPlugin = {
  id: 'googlechat',
  label: 'Google Chat',
  capabilities: GOOGLECHAT_CAPABILITIES,
  checkConfig(config) {
    const reason = checkGoogleChatConfig(config);
    return reason ? { ok: false, reason } : { ok: true };
  },
  create(ctx) {
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
};
