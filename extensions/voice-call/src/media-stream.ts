/**
 * One Twilio Media Stream: the WebSocket Twilio opens to `/plugins/voice-call/media` on the gateway's
 * own port once a call is connected (the upgrade's `X-Twilio-Signature` is checked before the socket
 * is accepted, see index.ts).
 *
 * The caller's 8 kHz μ-law audio is cut into utterances by energy (speech, then 700 ms of quiet, or
 * the end of the stream), each handed on as a WAV file; what the plugin says is converted to μ-law and
 * streamed back in 20 ms frames, then a `mark` naming it. When the caller starts speaking while the
 * assistant is still audible (barge-in), the playback stops and Twilio is told to drop what it
 * buffered (`clear`).
 */
import type { PluginWebSocket } from '../../../src-shared/plugin/api.js';
import { mulawToPcm, pcmFromWav, pcmToMulaw, resample, rms, wavFromPcm } from './audio.js';

/** The route's path below the plugin's mount point (`/plugins/voice-call`). */
export const MEDIA_ROUTE = '/media';
const FRAME_BYTES = 160; // 20 ms at 8 kHz
const SPEECH_RMS = 500;
const QUIET_FRAMES_TO_END = 35; // 700 ms
const MIN_SPEECH_FRAMES = 10;
/** 100 ms of the caller's speech during playback stops it. */
const BARGE_IN_FRAMES = 5;

/** One live call's audio line, as the plugin speaks on it. */
export interface CallLine {
  readonly callSid: string;
  /** Plays a WAV file to the caller, then sends a mark named `mark`; resolves when it was all sent (or cut off). */
  say(wav: Buffer, mark: string): Promise<void>;
  /** Ends the stream from this side (the call is hung up separately, by REST). */
  close(): void;
}

export interface MediaStreamOptions {
  /** A caller's utterance as a WAV file, once they stopped speaking. */
  onSpeech(u: { callSid: string; wav: Buffer; audioMs: number }): void;
  onStreamEvent(e: { callSid: string; event: 'start'; line: CallLine } | { callSid: string; event: 'stop' }): void;
}

interface TwilioFrame {
  event: string;
  streamSid?: string;
  start?: { callSid?: string; streamSid?: string };
  media?: { payload?: string; track?: string };
}

/** Serves one accepted media stream socket until it closes. */
export function handleMediaStream(ws: PluginWebSocket, o: MediaStreamOptions): void {
  let callSid: string | undefined;
  let streamSid: string | undefined;
  let speech: Uint8Array[] = [];
  let speechFrames = 0;
  let quiet = 0;
  let pending = new Uint8Array(0);
  /** Bumped on barge-in: a playback started before stops sending. */
  let playback = 0;
  /** Twilio plays what it is sent in real time: until then the caller is still hearing us. */
  let audibleUntil = 0;
  let stopped = false;
  const flush = () => {
    const frames = speech;
    const spoken = speechFrames;
    speech = [];
    speechFrames = 0;
    quiet = 0;
    if (spoken < MIN_SPEECH_FRAMES || !callSid) return;
    const mulaw = Buffer.concat(frames);
    o.onSpeech({ callSid, wav: wavFromPcm(mulawToPcm(mulaw), 8000), audioMs: Math.round(mulaw.length / 8) });
  };
  const send = (frame: unknown) => ws.send(JSON.stringify(frame));
  const line = (sid: string): CallLine => ({
    callSid: sid,
    async say(wav, mark) {
      const { pcm, sampleRate } = pcmFromWav(wav);
      const mulaw = pcmToMulaw(resample(pcm, sampleRate, 8000));
      const mine = ++playback;
      audibleUntil = Math.max(audibleUntil, Date.now()) + mulaw.length / 8;
      for (let i = 0; i < mulaw.length; i += FRAME_BYTES) {
        if (!ws.open || mine !== playback) return;
        send({ event: 'media', streamSid, media: { payload: Buffer.from(mulaw.subarray(i, i + FRAME_BYTES)).toString('base64') } });
        // Let inbound frames (a caller talking over us) be read between bursts of outbound ones.
        if ((i / FRAME_BYTES) % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
      }
      if (mine === playback) send({ event: 'mark', streamSid, mark: { name: mark } });
    },
    close: () => ws.close(1000, 'call ended'),
  });
  ws.onMessage((data) => {
    let f: TwilioFrame;
    try {
      f = JSON.parse(data) as TwilioFrame;
    } catch {
      return;
    }
    if (f.event === 'start') {
      callSid = f.start?.callSid;
      streamSid = f.start?.streamSid ?? f.streamSid;
      if (callSid) o.onStreamEvent({ callSid, event: 'start', line: line(callSid) });
    } else if (f.event === 'media' && f.media?.payload && (f.media.track ?? 'inbound') === 'inbound') {
      const chunk = Buffer.from(f.media.payload, 'base64');
      const joined = new Uint8Array(pending.length + chunk.length);
      joined.set(pending);
      joined.set(chunk, pending.length);
      let off = 0;
      for (; off + FRAME_BYTES <= joined.length; off += FRAME_BYTES) {
        const frame = joined.subarray(off, off + FRAME_BYTES);
        const loud = rms(mulawToPcm(frame)) >= SPEECH_RMS;
        if (loud) {
          speechFrames++;
          quiet = 0;
          speech.push(frame.slice());
          if (speechFrames === BARGE_IN_FRAMES && Date.now() < audibleUntil) {
            // The caller talks over the assistant: stop sending, and have Twilio drop what it buffered.
            playback++;
            audibleUntil = 0;
            send({ event: 'clear', streamSid });
          }
        } else if (speechFrames > 0) {
          quiet++;
          speech.push(frame.slice());
          if (quiet >= QUIET_FRAMES_TO_END) flush();
        }
      }
      pending = joined.slice(off);
    } else if (f.event === 'stop') {
      flush();
      stopped = true;
      if (callSid) o.onStreamEvent({ callSid, event: 'stop' });
    }
  });
  ws.onClose(() => {
    if (speechFrames) flush();
    playback++;
    // A stream that ends without Twilio's `stop` (the connection dropped) ends the call all the same.
    if (callSid && !stopped) o.onStreamEvent({ callSid, event: 'stop' });
  });
}
