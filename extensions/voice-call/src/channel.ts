/**
 * The `voice` channel: callers as chat senders. A caller's number is the sender and the peer of a
 * direct conversation, so `channels.voice.dmPolicy` / `allowFrom` and pairing decide who reaches the
 * agent, exactly as for a chat; the adapter hands transcribed speech to the gateway and speaks what
 * the gateway sends back on the live call.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import type { VoiceCalls } from './calls.js';

const facts = channelFactsFromManifest(manifest, 'voice');
/** A phone line has no heartbeat of its own; the adapter reports life on this beat. */
const HEARTBEAT_MS = 60_000;

/** The channel over the plugin's calls. */
export function voiceChannel(calls: VoiceCalls) {
  return defineChannel({
    id: 'voice',
    label: facts.label,
    capabilities: facts.capabilities,
    targetRules: { bareTargetKind: () => 'direct' },
    create(account, ctx) {
      let beat: ReturnType<typeof setInterval> | undefined;
      return {
        async start() {
          calls.attach({ accountId: account.id, emit: (m) => ctx.emit(m) });
          ctx.heartbeat();
          beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
          beat.unref();
        },
        async stop() {
          clearInterval(beat);
          calls.attach(undefined);
        },
        async send(msg) {
          await calls.speakTo(msg.to.id, msg.text);
          return { messageId: `spoken-${Date.now()}` };
        },
        describe: () => ({ speechToText: calls.sttHealth() }),
      };
    },
  });
}
