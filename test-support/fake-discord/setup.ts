import { discordChannel } from '../../extensions/discord/src/index.js';
import { asChannelPlugin } from '../channel-plugin.js';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from './fake-discord.js';

/** A fake Discord and a started adapter pointed at it. */
export interface DiscordTestRig {
  fake: FakeDiscord;
  h: AdapterHarness;
  config: Record<string, unknown>;
  close(): Promise<void>;
}

/** Start a fake Discord and the real adapter against it (not started when `start: false`). */
export async function startDiscordRig(
  opts: FakeDiscordOptions & { config?: Record<string, unknown>; start?: boolean } = {},
): Promise<DiscordTestRig> {
  const fake = await startFakeDiscord({ heartbeatIntervalMs: 250, ...opts });
  const config = { token: fake.token, apiRoot: fake.apiRoot, livenessMs: 3000, ...opts.config };
  const h = createAdapterHarness(asChannelPlugin(discordChannel), config);
  if (opts.start !== false) await h.adapter.start();
  return {
    fake,
    h,
    config,
    async close() {
      await h.close();
      await fake.close();
    },
  };
}
