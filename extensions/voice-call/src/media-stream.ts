/**
 * The Twilio Media Streams WebSocket server. The plugin API has no WebSocket routes yet, so this
 * listens on its own port (`stream.port`). Twilio signs the upgrade request like a webhook, so
 * every connection's `X-Twilio-Signature` is checked before the socket is accepted.
 *
 * Per call: the caller's 8 kHz μ-law audio is cut into utterances by energy (speech, then 700 ms of
 * quiet, or the end of the stream), each utterance goes to speech-to-text, and what the plugin says
 * is converted to μ-law and streamed back in 20 ms frames, then a `mark` naming it. When the caller
 * starts speaking while something is being said (barge-in), the playback stops and Twilio is told
 * to drop what it buffered (`clear`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { mulawToPcm, pcmFromWav, pcmToMulaw, resample, rms, wavFromPcm } from './audio.js';

export const MEDIA_PATH = '/voice-call/media';
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
  host: string;
  port: number;
  /** Checks `X-Twilio-Signature` of the upgrade request. */
  verify(req: IncomingMessage): boolean;
  /** A caller's utterance as a WAV file, once they stopped speaking. */
  onSpeech(u: { callSid: string; wav: Buffer; audioMs: number }): void;
  onStreamEvent(e: { callSid: string; event: 'start'; line: CallLine } | { callSid: string; event: 'stop' }): void;
  onError(e: { callSid?: string; error: string }): void;
}

export interface MediaStreamServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMediaStreamServer(o: MediaStreamOptions): Promise<MediaStreamServer> {
  const http: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  http.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== MEDIA_PATH || !o.verify(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => handleCall(ws, o));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, o.host, () => resolve());
  });
  return {
    port: (http.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

interface TwilioFrame {
  event: string;
  streamSid?: string;
  start?: { callSid?: string; streamSid?: string };
  media?: { payload?: string; track?: string };
}

function handleCall(ws: WebSocket, o: MediaStreamOptions): void {
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
  const send = (frame: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const line = (sid: string): CallLine => ({
    callSid: sid,
    async say(wav, mark) {
      const { pcm, sampleRate } = pcmFromWav(wav);
      const mulaw = pcmToMulaw(resample(pcm, sampleRate, 8000));
      const mine = ++playback;
      audibleUntil = Math.max(audibleUntil, Date.now()) + mulaw.length / 8;
      for (let i = 0; i < mulaw.length; i += FRAME_BYTES) {
        if (ws.readyState !== ws.OPEN || mine !== playback) return;
        send({ event: 'media', streamSid, media: { payload: Buffer.from(mulaw.subarray(i, i + FRAME_BYTES)).toString('base64') } });
        // Let inbound frames (a caller talking over us) be read between bursts of outbound ones.
        if ((i / FRAME_BYTES) % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
      }
      if (mine === playback) send({ event: 'mark', streamSid, mark: { name: mark } });
    },
    close: () => ws.close(1000, 'call ended'),
  });
  ws.on('message', (data) => {
    let f: TwilioFrame;
    try {
      f = JSON.parse(String(data)) as TwilioFrame;
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
      if (callSid) o.onStreamEvent({ callSid, event: 'stop' });
    }
  });
  ws.on('close', () => {
    if (speechFrames) flush();
    playback++;
  });
  ws.on('error', (err) => o.onError({ ...(callSid ? { callSid } : {}), error: err.message }));
}
