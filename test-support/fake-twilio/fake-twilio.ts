/**
 * Local fakes for a voice call: Twilio's REST API (`POST /2010-04-01/Accounts/<sid>/Calls.json`, basic
 * auth with the account SID and auth token), Twilio's request signer (the SDK's own algorithm), a
 * speech server with OpenAI-compatible `/v1/audio/transcriptions` and `/v1/audio/speech` (speech made
 * by espeak-ng), and a caller whose voice is real espeak-ng speech converted by sox to 8 kHz μ-law.
 */
import { execFileSync } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import twilio from 'twilio';
import { WebSocket } from 'ws';
import { Waiters } from '../wait-until.js';
import { sendJson, startHttpServer, type StartedServer } from '../http-server.js';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** Twilio's REST API, the calls resource only. */
export class FakeTwilioRest {
  readonly calls: Record<string, string>[] = [];
  /** Updates of existing calls (`POST …/Calls/<sid>.json`), e.g. `{ sid, Status: 'completed' }` for a hang-up. */
  readonly updates: Record<string, string>[] = [];
  baseUrl = '';
  private server?: StartedServer;
  private n = 0;
  constructor(
    readonly accountSid: string,
    readonly authToken: string,
  ) {}

  async start(): Promise<string> {
    this.server = await startHttpServer((req, res) => this.handle(req, res));
    this.baseUrl = this.server.baseUrl;
    return this.baseUrl;
  }
  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return sendJson(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    if (req.method === 'POST' && req.url === `/2010-04-01/Accounts/${this.accountSid}/Calls.json`) {
      const form = Object.fromEntries(new URLSearchParams((await readBody(req)).toString('utf8')));
      if (!form.To || !form.From || !(form.Twiml || form.Url)) return sendJson(res, 400, { code: 21201, message: 'To, From and Twiml or Url are required', status: 400 });
      this.calls.push(form);
      const sid = `CA${String(++this.n).padStart(32, '0')}`;
      return sendJson(res, 201, { sid, account_sid: this.accountSid, to: form.To, from: form.From, status: 'queued', direction: 'outbound-api', api_version: '2010-04-01' });
    }
    const update = new RegExp(`^/2010-04-01/Accounts/${this.accountSid}/Calls/(CA[0-9a-f]{32})\\.json$`).exec(req.url ?? '');
    if (req.method === 'POST' && update) {
      const form = Object.fromEntries(new URLSearchParams((await readBody(req)).toString('utf8')));
      this.updates.push({ sid: update[1]!, ...form });
      return sendJson(res, 200, { sid: update[1], account_sid: this.accountSid, status: form.Status ?? 'in-progress', api_version: '2010-04-01' });
    }
    sendJson(res, 404, { code: 20404, message: 'not found', status: 404 });
  }
}

/** What Twilio puts in `X-Twilio-Signature` for a request to `url` with these form fields. */
export const twilioSignature = (authToken: string, url: string, params: Record<string, string> = {}) => twilio.getExpectedTwilioSignature(authToken, url, params);

/** Speech as a WAV file, from espeak-ng. */
export const espeakWav = (text: string): Buffer => execFileSync('espeak-ng', ['--stdout', '-s', '160', text], { maxBuffer: 32 * 1024 * 1024 });

/** Speech as 8 kHz mono μ-law, as a phone line carries it: espeak-ng, converted by sox. */
export const espeakMulaw = (text: string): Buffer =>
  execFileSync('sox', ['-t', 'wav', '-', '-t', 'raw', '-r', '8000', '-c', '1', '-e', 'mu-law', '-b', '8', '-'], { input: espeakWav(text), maxBuffer: 32 * 1024 * 1024 });

/** Seconds of audio in a PCM WAV (the data chunk's length; streamed WAVs declare none, so what is there counts). */
export function wavSeconds(wav: Buffer): number {
  let off = 12;
  let bytesPerSecond = 0;
  while (off + 8 <= wav.length) {
    const id = wav.toString('ascii', off, off + 4);
    const size = wav.readUInt32LE(off + 4);
    if (id === 'fmt ') bytesPerSecond = wav.readUInt32LE(off + 16);
    if (id === 'data') return Math.min(size, wav.length - off - 8) / bytesPerSecond;
    off += 8 + size + (size % 2);
  }
  throw new Error('WAV file without a data chunk');
}

/** 16-bit PCM samples of a PCM WAV's data chunk. */
function wavPcm(wav: Buffer): Int16Array {
  let off = 12;
  while (off + 8 <= wav.length) {
    const id = wav.toString('ascii', off, off + 4);
    const size = wav.readUInt32LE(off + 4);
    if (id === 'data') {
      const bytes = wav.subarray(off + 8, Math.min(wav.length, off + 8 + size));
      return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~1)));
    }
    off += 8 + size + (size % 2);
  }
  throw new Error('WAV file without a data chunk');
}

/** 8 kHz μ-law as 16-bit PCM, decoded by sox (not by the code under test). */
const mulawToPcmBySox = (mulaw: Buffer): Int16Array => {
  const raw = execFileSync('sox', ['-t', 'raw', '-r', '8000', '-c', '1', '-e', 'mu-law', '-b', '8', '-', '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-'], { input: mulaw, maxBuffer: 32 * 1024 * 1024 });
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + (raw.length & ~1)));
};

const SPEECH_LEVEL = 500;
/** Correlation at which an envelope counts as the learnt utterance (the same audio cut differently scores 0.9–1). */
const MATCH_SCORE = 0.85;
/** Loudness per 20 ms (160 samples at 8 kHz), from the first loud frame to the last: the shape of an utterance. */
export function energyEnvelope(pcm: Int16Array): number[] {
  const frames: number[] = [];
  for (let i = 0; i + 160 <= pcm.length; i += 160) {
    let sum = 0;
    for (let j = i; j < i + 160; j++) sum += pcm[j]! * pcm[j]!;
    frames.push(Math.sqrt(sum / 160));
  }
  const first = frames.findIndex((e) => e >= SPEECH_LEVEL);
  if (first < 0) return [];
  let last = frames.length - 1;
  while (frames[last]! < SPEECH_LEVEL) last--;
  return frames.slice(first, last + 1);
}

/** Pearson correlation of two series over their common length. */
function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  const mean = (x: number[]) => x.slice(0, n).reduce((p, v) => p + v, 0) / n;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return da && db ? num / Math.sqrt(da * db) : 0;
}

/**
 * How alike two envelopes are: the best correlation with one shifted by up to two frames (the line
 * cuts audio into frames wherever it likes), 0 when their lengths differ by more than 60 ms.
 */
function envelopeMatch(a: number[], b: number[]): number {
  if (!a.length || !b.length || Math.abs(a.length - b.length) > 3) return 0;
  let best = 0;
  for (let lag = -2; lag <= 2; lag++) best = Math.max(best, lag >= 0 ? correlation(a.slice(lag), b) : correlation(a, b.slice(-lag)));
  return best;
}

/**
 * OpenAI-compatible speech endpoints. Transcription recognises audio it was taught (`learn`: the
 * text and the caller's μ-law) by the shape of its loudness over time, so it answers the text of
 * what was actually sent and nothing for audio it does not know; without anything learnt it
 * answers the scripted `transcripts` in order. Speech is espeak-ng.
 */
export class FakeSpeechServer {
  /**
   * `audio`: what every speech request answers (a WAV made once), so synthesis is instant, for
   * benchmarks; by default each request runs espeak-ng on its text.
   */
  constructor(private readonly opts: { audio?: Buffer } = {}) {}
  readonly transcriptions: { seconds: number; sampleRate: number; model: string }[] = [];
  readonly syntheses: { text: string; seconds: number }[] = [];
  /** What the next transcriptions answer, in order (when nothing was learnt). */
  transcripts: string[] = [];
  private readonly known: { text: string; envelope: number[] }[] = [];
  /** Speech-to-text is gone: transcription requests are dropped unanswered. */
  transcriptionDown = false;
  /** Transcription requests dropped while down. */
  dropped = 0;
  readonly waiters = new Waiters();
  private server?: StartedServer;

  /** Teaches transcription that this audio (8 kHz μ-law, as the caller sends it) says `text`. */
  learn(text: string, mulaw: Buffer): void {
    this.known.push({ text, envelope: energyEnvelope(mulawToPcmBySox(mulaw)) });
  }

  async start(): Promise<string> {
    this.server = await startHttpServer((req, res) => this.handle(req, res));
    return `${this.server.baseUrl}/v1`;
  }
  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method === 'POST' && req.url === '/v1/audio/transcriptions' && this.transcriptionDown) {
      this.dropped++;
      this.waiters.notify();
      return void req.socket.destroy();
    }
    if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
      const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body }).formData();
      const file = form.get('file');
      if (!(file instanceof Blob)) return sendJson(res, 400, { error: { message: 'file is required' } });
      const wav = Buffer.from(await file.arrayBuffer());
      const sampleRate = wav.readUInt32LE(24);
      this.transcriptions.push({ seconds: wavSeconds(wav), sampleRate, model: String(form.get('model')) });
      this.waiters.notify();
      if (!this.known.length) return sendJson(res, 200, { text: this.transcripts.shift() ?? '' });
      const heard = energyEnvelope(wavPcm(wav));
      const best = this.known.map((k) => ({ text: k.text, score: envelopeMatch(heard, k.envelope) })).sort((x, y) => y.score - x.score)[0];
      return sendJson(res, 200, { text: best && best.score >= MATCH_SCORE ? best.text : '' });
    }
    if (req.method === 'POST' && req.url === '/v1/audio/speech') {
      const { input } = JSON.parse(body.toString('utf8')) as { input: string };
      const wav = this.opts.audio ?? espeakWav(input);
      this.syntheses.push({ text: input, seconds: wavSeconds(wav) });
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length });
      return void res.end(wav);
    }
    sendJson(res, 404, { error: { message: 'not found' } });
  }
}

/** A caller on a Twilio Media Stream: connects (signed), starts, streams μ-law in 20 ms frames, stops. */
export class SimulatedCaller {
  readonly received: Buffer[] = [];
  readonly marks: string[] = [];
  /** `clear` messages: the gateway told Twilio to drop buffered audio (barge-in). */
  clears = 0;
  /** Whether the gateway closed the stream. */
  closed = false;
  readonly waiters = new Waiters();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { event: string; media?: { payload: string }; mark?: { name: string } };
      if (f.event === 'media' && f.media) this.received.push(Buffer.from(f.media.payload, 'base64'));
      if (f.event === 'mark' && f.mark) this.marks.push(f.mark.name);
      if (f.event === 'clear') this.clears++;
      this.waiters.notify();
    });
    ws.on('close', () => {
      this.closed = true;
      this.waiters.notify();
    });
  }

  /** Bytes of audio received so far. */
  receivedBytes(): number {
    return this.received.reduce((n, b) => n + b.length, 0);
  }

  static async connect(url: string, headers: Record<string, string>): Promise<SimulatedCaller> {
    const ws = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return new SimulatedCaller(ws);
  }

  start(callSid: string, streamSid = 'MZ0001'): void {
    this.ws.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    this.ws.send(JSON.stringify({ event: 'start', sequenceNumber: '1', streamSid, start: { streamSid, callSid, accountSid: 'AC', tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } }));
  }

  /** Streams the audio, then `silenceMs` of line silence (μ-law 0xFF). */
  say(mulaw: Buffer, silenceMs = 1000): void {
    const audio = Buffer.concat([mulaw, Buffer.alloc(silenceMs * 8, 0xff)]);
    for (let i = 0; i < audio.length; i += 160) {
      this.ws.send(JSON.stringify({ event: 'media', streamSid: 'MZ0001', media: { track: 'inbound', payload: audio.subarray(i, i + 160).toString('base64') } }));
    }
  }

  stop(): void {
    this.ws.send(JSON.stringify({ event: 'stop', streamSid: 'MZ0001' }));
  }

  close(): void {
    this.ws.close();
  }
}
