/** Slack channel (Bolt, Socket Mode). */
export { slackPlugin, SLACK_CAPABILITIES } from './plugin.js';
export { SlackAdapter } from './adapter.js';
export { checkSlackConfig, resolveSlackSettings, slackTimings, SLACK_API_ROOT, type SlackSettings, type SlackTimings } from './settings.js';
export { buildSlackInbound, readSlackMessageEvent, slackMessageId, slackTsOf } from './normalize.js';
