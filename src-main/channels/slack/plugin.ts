/**
 * The Slack channel plugin: a Slack app connected in Socket Mode with a bot
 * token (xoxb-) for the Web API and an app-level token (xapp-) for the socket.
 */
import type { ChannelCapabilities, ChannelPlugin } from '../../../src-shared/domain/channel.js';
import { SlackAdapter } from './adapter.js';
import { checkSlackConfig } from './settings.js';

/** What Slack can do. */
export const SLACK_CAPABILITIES: ChannelCapabilities = {
  // Slack truncates a message's text past 40 000 characters and advises staying under 4 000.
  textLimit: 4000,
  format: 'slack-mrkdwn',
  // Media URLs are posted as links, which Slack unfurls.
  media: true,
  threads: true,
  livenessMs: 60_000,
};

/** The Slack channel. */
export const slackPlugin: ChannelPlugin = {
  id: 'slack',
  label: 'Slack',
  capabilities: SLACK_CAPABILITIES,
  checkConfig(config) {
    const reason = checkSlackConfig(config);
    return reason ? { ok: false, reason } : { ok: true };
  },
  create(ctx) {
    return new SlackAdapter(ctx, SLACK_CAPABILITIES.livenessMs);
  },
};
