/**
 * The Zalo channel plugin: a bot of the Zalo Bot Platform (Zalo Bot Manager
 * gives the token), by long polling or, with `webhookUrl`, by webhook. Private chats are direct messages; group chats the bot
 * is in are groups, where "@<bot account name>" is a mention.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { ZaloAdapter, type ZaloSettings } from './adapter.js';
import { DEFAULT_API_ROOT } from './bot-api.js';

const facts = channelFactsFromManifest(manifest, 'zalo');

/** What Zalo can do (from the manifest). */
export const ZALO_CAPABILITIES = facts.capabilities;

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function configProblem(config: Record<string, unknown>): string | undefined {
  if (!nonEmpty(config.botToken)) return 'Set channels.zalo.botToken to the token Zalo Bot Manager sent when you created the bot.';
  if (config.apiRoot !== undefined && (typeof config.apiRoot !== 'string' || !URL.canParse(config.apiRoot))) return 'channels.zalo.apiRoot must be a URL.';
  if (config.webhookUrl !== undefined) {
    if (typeof config.webhookUrl !== 'string' || !/^https?:\/\//.test(config.webhookUrl) || !URL.canParse(config.webhookUrl)) return 'channels.zalo.webhookUrl must be the public https:// URL Zalo should post to.';
    // Without the secret anyone who finds the endpoint could speak as any Zalo user.
    if (typeof config.webhookSecret !== 'string' || config.webhookSecret.length < 8 || config.webhookSecret.length > 256) {
      return 'Set channels.zalo.webhookSecret to a random string of 8 to 256 characters; Zalo sends it back with every webhook so the endpoint can tell it from strangers.';
    }
  }
  const port = config.webhookPort;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) return 'channels.zalo.webhookPort must be a port number.';
  if (config.webhookPath !== undefined && (typeof config.webhookPath !== 'string' || !config.webhookPath.startsWith('/'))) return 'channels.zalo.webhookPath must start with "/".';
  const t = config.pollTimeoutSeconds;
  if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 60)) return 'channels.zalo.pollTimeoutSeconds must be a whole number of seconds from 1 to 60.';
  return undefined;
}

function resolveSettings(config: Record<string, unknown>): ZaloSettings {
  return {
    botToken: String(config.botToken).trim(),
    apiRoot: (nonEmpty(config.apiRoot) ? config.apiRoot : DEFAULT_API_ROOT).replace(/\/+$/, ''),
    pollTimeoutSeconds: typeof config.pollTimeoutSeconds === 'number' ? config.pollTimeoutSeconds : 30,
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : ZALO_CAPABILITIES.livenessMs,
    ...(nonEmpty(config.webhookUrl)
      ? {
          webhook: {
            url: config.webhookUrl.trim(),
            secret: String(config.webhookSecret),
            host: nonEmpty(config.webhookHost) ? config.webhookHost : '127.0.0.1',
            port: typeof config.webhookPort === 'number' ? config.webhookPort : 8791,
            path: nonEmpty(config.webhookPath) ? config.webhookPath : '/zalo',
          },
        }
      : {}),
  };
}

/** The Zalo channel. */
export const zaloChannel = defineChannel({
  id: 'zalo',
  label: facts.label,
  capabilities: ZALO_CAPABILITIES,
  checkConfig(config) {
    const problem = configProblem(config);
    return problem ? { ok: false, reason: problem } : { ok: true };
  },
  create(_account, ctx) {
    const problem = configProblem(ctx.config);
    if (problem) {
      return {
        start: () => Promise.reject(new Error(problem)),
        stop: () => Promise.resolve(),
        send: () => Promise.reject(new Error(problem)),
      };
    }
    return new ZaloAdapter(ctx, resolveSettings(ctx.config));
  },
});
