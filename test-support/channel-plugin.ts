/** A plugin's channel definition in the shape the channel manager and the adapter harness run. */
export { channelPluginOf as asChannelPlugin } from '../src-main/plugins/channel-bridge.js';
