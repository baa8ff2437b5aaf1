/**
 * Telephone audio: G.711 μ-law at 8 kHz (what Twilio Media Streams carry) to and from 16-bit PCM,
 * WAV wrapping for speech-to-text, WAV reading for text-to-speech answers, and a crude resampler
 * to 8 kHz.
 */
const BIAS = 0x84;
const CLIP = 32635;

export function mulawDecodeSample(u: number): number {
  const x = ~u & 0xff;
  const sign = x & 0x80;
  const exponent = (x >> 4) & 0x07;
  const mantissa = x & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign ? -magnitude : magnitude;
}

export function mulawEncodeSample(pcm: number): number {
  const sign = pcm < 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(pcm), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  s = ~(sign | (exponent << 4) | mantissa);
  return s & 0xff;
}

export function mulawToPcm(mulaw: Uint8Array): Int16Array {
  const out = new Int16Array(mulaw.length);
  for (let i = 0; i < mulaw.length; i++) out[i] = mulawDecodeSample(mulaw[i]!);
  return out;
}

export function pcmToMulaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = mulawEncodeSample(pcm[i]!);
  return out;
}

/** A mono 16-bit PCM WAV file. */
export function wavFromPcm(pcm: Int16Array, sampleRate: number): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Reads a PCM16 WAV (mono, or the first channel). */
export function pcmFromWav(wav: Buffer): { pcm: Int16Array; sampleRate: number } {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let off = 12;
  let sampleRate = 0;
  let channels = 1;
  let bits = 16;
  while (off + 8 <= wav.length) {
    const id = wav.toString('ascii', off, off + 4);
    let size = wav.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      channels = wav.readUInt16LE(body + 2);
      sampleRate = wav.readUInt32LE(body + 4);
      bits = wav.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`WAV with ${bits}-bit samples; 16-bit PCM expected`);
      if (size === 0xffffffff || body + size > wav.length) size = wav.length - body;
      const frames = Math.floor(size / (2 * channels));
      const pcm = new Int16Array(frames);
      for (let i = 0; i < frames; i++) pcm[i] = wav.readInt16LE(body + i * 2 * channels);
      return { pcm, sampleRate };
    }
    off = body + size + (size % 2);
  }
  throw new Error('WAV file without a data chunk');
}

/** Linear-interpolation resampling (speech only; no anti-alias filter beyond averaging). */
export function resample(pcm: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return pcm;
  const n = Math.floor((pcm.length * to) / from);
  const out = new Int16Array(n);
  const ratio = from / to;
  for (let i = 0; i < n; i++) {
    const x = i * ratio;
    const i0 = Math.floor(x);
    const i1 = Math.min(i0 + 1, pcm.length - 1);
    const f = x - i0;
    out[i] = Math.round(pcm[i0]! * (1 - f) + pcm[i1]! * f);
  }
  return out;
}

/** Root mean square of a frame, 0–32768. */
export function rms(pcm: Int16Array): number {
  if (!pcm.length) return 0;
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}
