/**
 * The Twilio Media Streams WebSocket server. The plugin API has no WebSocket routes yet, so this
 * listens on its own port (`stream.port`). Twilio signs the upgrade request like a webhook, so
 * every connection's `X-Twilio-Signature` is checked before the socket is accepted.
 *
 * Per call: the caller's 8 kHz μ-law audio is cut into utterances by energy (speech, then 700 ms of
 * quiet, or the end of the stream), each utterance goes to speech-to-text, and what the plugin says
 * (the greeting) is synthesised, converted to μ-law and streamed back in 20 ms frames, then a `mark`.
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

export interface Utterance {
  callSid: string;
  text: string;
  audioMs: number;
}

export interface MediaStreamOptions {
  host: string;
  port: number;
  /** Checks `X-Twilio-Signature` of the upgrade request. */
  verify(req: IncomingMessage): boolean;
  transcribe(wav: Buffer): Promise<string>;
  /** WAV audio to say when a stream starts, or undefined for silence. */
  greeting(callSid: string): Promise<Buffer | undefined>;
  onUtterance(u: Utterance): void;
  onStreamEvent(e: { callSid: string; event: 'start' | 'stop' }): void;
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
  const flush = () => {
    const frames = speech;
    const spoken = speechFrames;
    speech = [];
    speechFrames = 0;
    quiet = 0;
    if (spoken < MIN_SPEECH_FRAMES || !callSid) return;
    const sid = callSid;
    const mulaw = Buffer.concat(frames);
    const wav = wavFromPcm(mulawToPcm(mulaw), 8000);
    o.transcribe(wav).then(
      (text) => o.onUtterance({ callSid: sid, text, audioMs: Math.round(mulaw.length / 8) }),
      (err: unknown) => o.onError({ callSid: sid, error: err instanceof Error ? err.message : String(err) }),
    );
  };
  const say = async (wav: Buffer) => {
    const { pcm, sampleRate } = pcmFromWav(wav);
    const mulaw = pcmToMulaw(resample(pcm, sampleRate, 8000));
    for (let i = 0; i < mulaw.length; i += FRAME_BYTES) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify({ event: 'media', streamSid, media: { payload: Buffer.from(mulaw.subarray(i, i + FRAME_BYTES)).toString('base64') } }));
    }
    ws.send(JSON.stringify({ event: 'mark', streamSid, mark: { name: 'greeting-done' } }));
  };
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
      if (callSid) {
        o.onStreamEvent({ callSid, event: 'start' });
        o.greeting(callSid).then(
          (wav) => (wav ? say(wav) : undefined),
          (err: unknown) => o.onError({ callSid, error: err instanceof Error ? err.message : String(err) }),
        );
      }
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
  });
}
