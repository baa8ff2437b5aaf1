/**
 * The Signal channel plugin: your own number, linked as a device of your
 * phone through signal-cli. Config keys: `account`, `httpUrl` or `cliPath`,
 * `deviceName`, plus the shared ones.
 */
import { channelFactsFromManifest, defineChannel, type ChannelDefinition } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { SignalAdapter } from './adapter.js';
import { cliPathProblem, type SignalSettings } from './daemon.js';
import { loginSignal, logoutSignal } from './login.js';

const facts = channelFactsFromManifest(manifest, 'signal');
const DEFAULT_CLI = 'signal-cli';

/** What Signal can do (from the manifest). */
export const SIGNAL_CAPABILITIES = facts.capabilities;

function configProblem(config: Record<string, unknown>): string | undefined {
  const httpUrl = config.httpUrl ?? config.apiRoot;
  if (httpUrl !== undefined && (typeof httpUrl !== 'string' || !URL.canParse(httpUrl) || !/^https?:$/.test(new URL(httpUrl).protocol))) {
    return 'channels.signal.httpUrl must be the http:// address of a running `signal-cli daemon --http`.';
  }
  if (config.account !== undefined && (typeof config.account !== 'string' || !/^\+[1-9][0-9]{6,14}$/.test(config.account))) {
    return 'channels.signal.account must be your number in international form, e.g. +15551234567.';
  }
  if (httpUrl === undefined) return cliPathProblem(typeof config.cliPath === 'string' ? config.cliPath : DEFAULT_CLI);
  return undefined;
}

function resolveSettings(config: Record<string, unknown>): SignalSettings {
  const httpUrl = (config.httpUrl ?? config.apiRoot) as string | undefined;
  return {
    ...(typeof config.account === 'string' ? { account: config.account } : {}),
    ...(httpUrl ? { httpUrl } : {}),
    cliPath: typeof config.cliPath === 'string' ? config.cliPath : DEFAULT_CLI,
    deviceName: typeof config.deviceName === 'string' ? config.deviceName : 'OpenClaw',
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : SIGNAL_CAPABILITIES.livenessMs,
  };
}

/** The Signal channel. */
export const signalChannel: ChannelDefinition = defineChannel({
  id: 'signal',
  label: facts.label,
  capabilities: SIGNAL_CAPABILITIES,
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
    return new SignalAdapter(ctx, resolveSettings(ctx.config));
  },
  login: (_account, ctx, events) => loginSignal(resolveSettings(ctx.config), ctx, events),
  logout: (_account, ctx) => logoutSignal(resolveSettings(ctx.config), ctx),
});
