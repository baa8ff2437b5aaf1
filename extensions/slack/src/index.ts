/** The Slack plugin: a Slack app through Bolt, in Socket Mode. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { slackChannel } from './channel.js';

export default definePlugin({
  id: 'slack',
  register(api) {
    api.registerChannel(slackChannel);
  },
});

export { slackChannel, SLACK_CAPABILITIES } from './channel.js';
export { SlackAdapter } from './adapter.js';
export { checkSlackConfig, resolveSlackSettings, slackTimings, SLACK_API_ROOT, type SlackSettings, type SlackTimings } from './settings.js';
export { buildSlackInbound, readSlackMessageEvent, slackMessageId, slackTsOf } from './normalize.js';
