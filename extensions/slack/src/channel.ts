/**
 * The Slack channel plugin: a Slack app connected in Socket Mode with a bot
 * token (xoxb-) for the Web API and an app-level token (xapp-) for the socket.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { SlackAdapter } from './adapter.js';
import { checkSlackConfig } from './settings.js';

const facts = channelFactsFromManifest(manifest, 'slack');

/** What slack can do (from the manifest). */
export const SLACK_CAPABILITIES = facts.capabilities;

/** The Slack channel. */
export const slackChannel = defineChannel({
  id: 'slack',
  label: facts.label,
  capabilities: SLACK_CAPABILITIES,
  checkConfig(config) {
    const reason = checkSlackConfig(config);
    return reason ? { ok: false, reason } : { ok: true };
  },
  create(_account, ctx) {
    return new SlackAdapter(ctx, SLACK_CAPABILITIES.livenessMs);
  },
});
