/**
 * The iMessage channel plugin. iMessage is reached through the `imsg` CLI on
 * the Mac that is signed in to Messages, so the channel works on macOS only;
 * the platform is injectable so tests can run it anywhere against a fake CLI.
 */
import { ChannelPermanentError, type ChannelAdapter } from '../../../src-shared/domain/channel.js';
import { channelFactsFromManifest, defineChannel, type ChannelDefinition } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { IMessageAdapter, type IMessageSettings } from './adapter.js';

const facts = channelFactsFromManifest(manifest, 'imessage');

/** What imessage can do (from the manifest). */
export const IMESSAGE_CAPABILITIES = facts.capabilities;

const SERVICES = ['imessage', 'sms', 'auto'] as const;

/** Options for {@link createIMessageChannel}. */
export interface IMessageChannelOptions {
  /** The OS this runs on; `process.platform` unless a test pretends to be a Mac. */
  platform?: string;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  killAfterMs?: number;
}

function notMacReason(platform: string): string {
  return `iMessage is only available on macOS (this computer runs ${platform}).`;
}

function checkKeys(config: Record<string, unknown>): string | undefined {
  if (config.cliPath !== undefined && (typeof config.cliPath !== 'string' || !config.cliPath.trim())) return 'channels.imessage.cliPath must be the path of the imsg executable.';
  if (config.dbPath !== undefined && (typeof config.dbPath !== 'string' || !config.dbPath.trim())) return 'channels.imessage.dbPath must be a file path.';
  if (config.service !== undefined && !SERVICES.includes(config.service as (typeof SERVICES)[number])) return 'channels.imessage.service must be "imessage", "sms" or "auto".';
  if (config.region !== undefined && (typeof config.region !== 'string' || !/^[A-Za-z]{2}$/.test(config.region))) return 'channels.imessage.region must be a two-letter region code such as "US".';
  if (config.mentionNames !== undefined && (!Array.isArray(config.mentionNames) || !config.mentionNames.every((n) => typeof n === 'string' && n.trim()))) {
    return 'channels.imessage.mentionNames must be a list of names, e.g. ["openclaw"].';
  }
  if (config.livenessMs !== undefined && (typeof config.livenessMs !== 'number' || config.livenessMs <= 0)) return 'channels.imessage.livenessMs must be a positive number of milliseconds.';
  return undefined;
}

function resolveSettings(config: Record<string, unknown>): IMessageSettings {
  return {
    cliPath: typeof config.cliPath === 'string' && config.cliPath.trim() ? config.cliPath : 'imsg',
    dbPath: typeof config.dbPath === 'string' && config.dbPath.trim() ? config.dbPath : undefined,
    service: SERVICES.includes(config.service as (typeof SERVICES)[number]) ? (config.service as IMessageSettings['service']) : 'auto',
    region: typeof config.region === 'string' ? config.region.toUpperCase() : 'US',
    mentionNames: Array.isArray(config.mentionNames) ? (config.mentionNames as string[]) : [],
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : IMESSAGE_CAPABILITIES.livenessMs,
  };
}

// An adapter that cannot run here says why on start, like a failed first connection.
function refusingAdapter(reason: string): ChannelAdapter {
  return {
    start: () => Promise.reject(new Error(reason)),
    stop: () => Promise.resolve(),
    send: () => Promise.reject(new ChannelPermanentError(reason)),
  };
}

/** Builds the iMessage channel; the platform decides whether it can run at all. */
export function createIMessageChannel(opts: IMessageChannelOptions = {}): ChannelDefinition {
  const killAfterMs = opts.killAfterMs ?? 3_000;
  return defineChannel({
    id: 'imessage',
    label: facts.label,
    capabilities: IMESSAGE_CAPABILITIES,
    checkConfig(config, ctx) {
      // An injected platform wins: it is the one create() will honour.
      const platform = opts.platform ?? ctx.platform;
      if (platform !== 'darwin') return { ok: false, reason: notMacReason(platform) };
      const bad = checkKeys(config);
      return bad ? { ok: false, reason: bad } : { ok: true };
    },
    create(_account, ctx) {
      const platform = opts.platform ?? ctx.platform ?? process.platform;
      const refusal = platform !== 'darwin' ? notMacReason(platform) : checkKeys(ctx.config);
      if (refusal) return refusingAdapter(refusal);
      return new IMessageAdapter(ctx, resolveSettings(ctx.config), killAfterMs);
    },
  });
}

/** The iMessage channel for this computer. */
export const imessageChannel = createIMessageChannel();
