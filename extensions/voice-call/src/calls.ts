/**
 * The calls the plugin knows of, and what happens on a live one: the caller's speech is transcribed
 * and handed to the gateway as a message from the caller's number on the `voice` channel (so the
 * durable queue, the DM access policy and pairing apply as to any chat sender), and what the gateway
 * sends back to that number is spoken on the call. When speech-to-text fails, the caller hears a
 * plain apology, and the outage is logged once (and its end once).
 */
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';
import type { PluginLogger } from '../../../src-shared/plugin/api.js';
import type { CallLine } from './media-stream.js';

export interface CallRecord {
  callSid: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  status: string;
  startedAt: number;
  transcript: { who: 'caller' | 'assistant'; text: string; audioMs?: number; at: number }[];
}

/** Where callers' words go: the `voice` channel adapter's `emit`, while the channel runs. */
export interface CallerSink {
  accountId: string;
  emit(msg: InboundMessage): Promise<void>;
}

/** A health report for one dependency (speech-to-text). */
export interface ServiceHealth {
  ok: boolean;
  failures: number;
  lastError?: string;
  failingSince?: number;
}

export interface VoiceCallsOptions {
  log: PluginLogger;
  transcribe(wav: Buffer): Promise<string>;
  synthesize(text: string): Promise<Buffer>;
  /** Said when a stream starts, if set. */
  greeting?: string;
  /** Said when speech-to-text fails (default {@link STT_APOLOGY}). */
  sttApology?: string;
  /** Hangs up a call by REST. */
  hangUp(callSid: string): Promise<void>;
  now?(): number;
}

/** What a caller hears when their words could not be understood by the speech-to-text service. */
export const STT_APOLOGY = 'Sorry, I could not understand that because my speech recognition is not working right now. Please try again later.';
/** What a caller hears when the voice channel is off, so nobody would answer. */
export const NO_CHANNEL_APOLOGY = 'Sorry, the assistant cannot take calls right now. Goodbye.';

/** The reply could not be spoken: the call is over. Delivery does not retry (recognised by name). */
export class CallGoneError extends Error {
  override name = 'ChannelPermanentError';
}

export interface VoiceCalls {
  remember(c: Omit<CallRecord, 'transcript'>): void;
  get(callSid: string): CallRecord | undefined;
  list(): CallRecord[];
  setStatus(callSid: string, status: string): void;
  /** The `voice` channel started (a sink) or stopped (undefined). */
  attach(sink: CallerSink | undefined): void;
  onStreamStart(line: CallLine): void;
  onStreamStop(callSid: string): void;
  onSpeech(u: { callSid: string; wav: Buffer; audioMs: number }): Promise<void>;
  /** Speaks `text` on the live call with `peer` (the caller's number); throws {@link CallGoneError} when there is none. */
  speakTo(peer: string, text: string): Promise<void>;
  sttHealth(): ServiceHealth;
  /** Ends every live call (the plugin is stopping). */
  hangUpAll(): Promise<void>;
}

const MAX_CALLS = 200;

export function createVoiceCalls(o: VoiceCallsOptions): VoiceCalls {
  const now = o.now ?? Date.now;
  const calls = new Map<string, CallRecord>();
  const lines = new Map<string, CallLine>();
  let sink: CallerSink | undefined;
  let utterances = 0;
  let spoken = 0;
  const stt: ServiceHealth = { ok: true, failures: 0 };

  const peerOf = (c: CallRecord) => (c.direction === 'inbound' ? c.from : c.to);
  const say = async (line: CallLine, text: string, mark: string) => {
    const wav = await o.synthesize(text);
    await line.say(wav, mark);
  };
  const sayQuietly = (line: CallLine, text: string, mark: string) =>
    say(line, text, mark).catch((err: unknown) => o.log.warn('could not speak to the caller', { callSid: line.callSid, error: (err as Error).message }));

  const transcribe = async (wav: Buffer): Promise<string> => {
    try {
      const text = await o.transcribe(wav);
      if (!stt.ok) {
        o.log.info('speech-to-text works again', { failures: stt.failures });
        stt.ok = true;
        delete stt.failingSince;
      }
      return text;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      stt.failures++;
      stt.lastError = message;
      if (stt.ok) {
        stt.ok = false;
        stt.failingSince = now();
        o.log.warn('speech-to-text is unavailable; callers hear an apology until it recovers', { error: message });
      }
      throw err;
    }
  };

  return {
    remember(c) {
      calls.set(c.callSid, { ...c, transcript: [] });
      if (calls.size > MAX_CALLS) calls.delete(calls.keys().next().value!);
    },
    get: (sid) => calls.get(sid),
    list: () => [...calls.values()].reverse(),
    setStatus(sid, status) {
      const c = calls.get(sid);
      if (c) c.status = status;
    },
    attach(s) {
      sink = s;
    },
    onStreamStart(line) {
      lines.set(line.callSid, line);
      const c = calls.get(line.callSid);
      if (c) c.status = 'in-progress';
      if (o.greeting) void sayQuietly(line, o.greeting, 'greeting-done');
    },
    onStreamStop(sid) {
      lines.delete(sid);
      const c = calls.get(sid);
      if (c) c.status = 'completed';
    },
    async onSpeech(u) {
      const line = lines.get(u.callSid);
      const call = calls.get(u.callSid);
      let text: string;
      try {
        text = await transcribe(u.wav);
      } catch {
        if (line) await sayQuietly(line, o.sttApology ?? STT_APOLOGY, 'apology');
        return;
      }
      if (!text) return;
      call?.transcript.push({ who: 'caller', text, audioMs: u.audioMs, at: now() });
      if (!call) {
        o.log.warn('speech on a stream of a call this gateway did not answer; ignored', { callSid: u.callSid });
        return;
      }
      if (!sink) {
        o.log.warn('a caller spoke, but the voice channel is not running (channels.voice), so nobody can answer', { callSid: u.callSid });
        if (line) await sayQuietly(line, NO_CHANNEL_APOLOGY, 'apology');
        return;
      }
      const peer = peerOf(call);
      await sink.emit({
        channel: 'voice',
        accountId: sink.accountId,
        messageId: `${u.callSid}-${++utterances}`,
        senderId: peer,
        peer: { kind: 'direct', id: peer },
        text,
        timestampMs: now(),
      });
    },
    async speakTo(peer, text) {
      // The newest live call with this person.
      const call = [...calls.values()].reverse().find((c) => peerOf(c) === peer && lines.has(c.callSid));
      const line = call && lines.get(call.callSid);
      if (!call || !line) throw new CallGoneError(`no live call with ${peer}: the caller hung up before the answer was ready`);
      call.transcript.push({ who: 'assistant', text, at: now() });
      await say(line, text, `reply-${++spoken}`);
    },
    sttHealth: () => ({ ...stt }),
    async hangUpAll() {
      const live = [...lines.values()];
      lines.clear();
      await Promise.all(
        live.map(async (line) => {
          line.close();
          const c = calls.get(line.callSid);
          if (c) c.status = 'completed';
          await o.hangUp(line.callSid).catch((err: unknown) => o.log.warn('could not hang up a call', { callSid: line.callSid, error: (err as Error).message }));
        }),
      );
    },
  };
}
